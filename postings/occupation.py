"""What the public role pages say about a role, worked out from a role fetched `with_parts()`
and given its routes by `load_routes()`.

Everything here reads prefetched relations and the wage table only: no function in this
module runs a query of its own, so the pages' query counts stay fixed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db.models import Model

from jobsite.markup import plain_text
from roles.models import EducationLevel, Level, Qualification, Responsibility, Role
from roles.wages import OccupationWages

ONET_SOC_CODE_SET = {
    "@type": "CategoryCodeSet",
    "name": "O*NET-SOC 2019 Taxonomy",
    "url": "https://www.onetcenter.org/taxonomy.html",
}

# Google's vocabulary for `credentialCategory`; master's degrees and doctorates are both
# "postgraduate degree" there.
CREDENTIAL_CATEGORY = {
    EducationLevel.HIGH_SCHOOL: "high school",
    EducationLevel.ASSOCIATE: "associate degree",
    EducationLevel.BACHELOR: "bachelor degree",
    EducationLevel.MASTER: "postgraduate degree",
    EducationLevel.DOCTORATE: "postgraduate degree",
}

# How the education level reads in a sentence: "A bachelor's degree, usually in …".
EDUCATION_PHRASE = {
    EducationLevel.HIGH_SCHOOL: "A high school diploma",
    EducationLevel.ASSOCIATE: "An associate degree",
    EducationLevel.BACHELOR: "A bachelor's degree",
    EducationLevel.MASTER: "A master's degree",
    EducationLevel.DOCTORATE: "A doctorate",
}

LEVEL_RANK = {value: rank for rank, value in enumerate(Level.values)}

META_DESCRIPTION_LENGTH = 160


def indefinite_article(words: str) -> str:
    """ "a" or "an" before `words`, going by the first letter (good enough for job titles)."""
    return "an" if words[:1].lower() in "aeiou" and words[:1] else "a"


def full_name(role: Role) -> str:
    """ "Chief Operating Officer (COO)", or the title alone when there is no abbreviation."""
    return f"{role.title} ({role.abbreviation})" if role.abbreviation else role.title


def explainer_question(role: Role) -> str:
    """ "What is a Chief Operating Officer (COO)?", the explainer's heading."""
    name = full_name(role)
    return f"What is {indefinite_article(name)} {name}?"


def explainer_title(role: Role) -> str:
    """The page title, written for search results."""
    return f"{explainer_question(role)} Role, responsibilities, pay and career path"


def cut_on_word(text: str, limit: int = META_DESCRIPTION_LENGTH) -> str:
    """`text` on one line, at most `limit` characters, cut after a whole word with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.–—-") + "…"


def join_or(items: list[str]) -> str:
    """ "a", "a or b", "a, b or c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} or {items[-1]}"


def education_level_phrase(role: Role) -> str:
    """ "a bachelor's degree", for the middle of a sentence."""
    if role.education_level == EducationLevel.NONE:
        return "no formal education"
    phrase = EDUCATION_PHRASE.get(role.education_level, role.get_education_level_display())
    return phrase[0].lower() + phrase[1:]


def education_sentence(role: Role) -> str:
    """The education employers usually ask for, said plainly."""
    if role.education_level == EducationLevel.NONE:
        return "No formal education is required."
    phrase = EDUCATION_PHRASE.get(role.education_level, role.get_education_level_display())
    fields = [name.lower() for name in role.fields_of_study_list]
    if fields:
        return f"{phrase}, usually in {join_or(fields)}."
    return f"{phrase}."


def experience_phrase(role: Role) -> str:
    """ "3–5 years of experience", "At least 10 years of experience", or "" when unknown."""
    low, high = role.experience_years_min, role.experience_years_max

    def years(n: int) -> str:
        return "1 year" if n == 1 else f"{n} years"

    if low and high and low != high:
        return f"{low}–{high} years of experience"
    if low and high:
        return f"{years(low)} of experience"
    if low:
        return f"At least {years(low)} of experience"
    if high:
        return f"Up to {years(high)} of experience"
    return ""


@dataclass
class Area:
    """One area of responsibility and its items, in the role's order."""

    value: str
    label: str
    items: list[Responsibility] = field(default_factory=list)


def responsibilities_by_area(role: Role) -> list[Area]:
    """The role's responsibilities grouped by area: areas in the order they first appear."""
    areas: dict[str, Area] = {}
    for responsibility in role.responsibilities.all():
        area = areas.get(responsibility.area)
        if area is None:
            area = areas[responsibility.area] = Area(
                responsibility.area, responsibility.get_area_display()
            )
        area.items.append(responsibility)
    return list(areas.values())


@dataclass
class Qualifications:
    required: list[Qualification]
    preferred: list[Qualification]


def qualifications(role: Role) -> Qualifications:
    parts = list(role.qualifications.all())
    return Qualifications(
        required=[q for q in parts if q.is_required],
        preferred=[q for q in parts if not q.is_required],
    )


def managers(role: Role) -> list[Role]:
    """Published roles this role reports to, typical first (the prefetch hides drafts)."""
    lines = sorted(role.manager_lines, key=lambda line: not line.is_typical)
    return [line.manager for line in lines]


def direct_reports(role: Role) -> list[Role]:
    return sorted((line.role for line in role.report_lines), key=rank_key)


def rank_key(role: Role) -> tuple[int, str]:
    """Most senior first, then by title."""
    return (LEVEL_RANK.get(role.level, len(LEVEL_RANK)), role.title)


def neighbours(role: Role) -> list[Role]:
    """The published roles one reporting line or career step away, each once."""
    seen: dict[int, Role] = {}
    candidates = [
        *managers(role),
        *direct_reports(role),
        *(step.to_role for step in role.next_steps),
        *(step.from_role for step in role.previous_steps),
    ]
    for other in candidates:
        if other.pk != role.pk:
            seen.setdefault(other.pk, other)
    return list(seen.values())


def wage_percentiles(wages: OccupationWages) -> list[tuple[str, str, int | None]]:
    """(label, schema.org property, amount) for each figure, lowest first."""
    return [
        ("10th percentile", "percentile10", wages.annual_p10),
        ("25th percentile", "percentile25", wages.annual_p25),
        ("Median", "median", wages.annual_median),
        ("75th percentile", "percentile75", wages.annual_p75),
        ("90th percentile", "percentile90", wages.annual_p90),
    ]


def occupation_json_ld(role: Role, *, url: str, wages: OccupationWages | None) -> dict[str, Any]:
    """schema.org `Occupation` for the explainer, from prefetched parts and the wage table."""
    parts = list(role.qualifications.all())
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Occupation",
        "name": role.title,
        "alternateName": [
            name
            for name in [role.abbreviation, *(t.title for t in role.alternate_titles.all())]
            if name
        ],
        "description": plain_text(role.brief_answer),
        "responsibilities": [r.text for r in role.responsibilities.all()],
        "qualifications": [q.text for q in parts],
        "skills": [
            q.text
            for q in parts
            if q.kind in (Qualification.Kind.SKILL, Qualification.Kind.KNOWLEDGE)
        ],
        "url": url,
    }
    category = CREDENTIAL_CATEGORY.get(role.education_level)
    if category:
        data["educationRequirements"] = {
            "@type": "EducationalOccupationalCredential",
            "credentialCategory": category,
            "description": education_sentence(role),
        }
    else:
        data["educationRequirements"] = "no requirements"
    if role.experience_years_min is not None:
        data["experienceRequirements"] = {
            "@type": "OccupationalExperienceRequirements",
            "monthsOfExperience": role.experience_years_min * 12,
        }
    if role.onet_soc_code:
        data["occupationalCategory"] = {
            "@type": "CategoryCode",
            "codeValue": role.onet_soc_code,
            "inCodeSet": ONET_SOC_CODE_SET,
        }
    if wages is not None:
        distribution: dict[str, Any] = {
            "@type": "MonetaryAmountDistribution",
            "name": "base",
            "currency": wages.currency,
            "duration": "P1Y",
        }
        distribution.update(
            {prop: amount for _, prop, amount in wage_percentiles(wages) if amount is not None}
        )
        data["estimatedSalary"] = [distribution]
        data["occupationLocation"] = [{"@type": "Country", "name": "United States"}]
    return {key: value for key, value in data.items() if value not in ([], "")}


def row(obj: Model) -> tuple:
    """The values of every column `obj` was loaded with (None for a deferred one)."""
    values = obj.__dict__
    return (obj._meta.label, *[values.get(name) for name in column_names(type(obj))])


@cache
def column_names(model: type[Model]) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


def content_key(role: Role) -> tuple:
    """Everything the explainer's role-only sections are made from: the role's columns, its
    parts' and, through reporting lines and career steps, its neighbours'. Equal keys
    render the same HTML; any edit makes a different key."""
    parts = (role.alternate_titles, role.responsibilities, role.qualifications, role.faqs)
    return (
        row(role),
        *(tuple(row(part) for part in kind.all()) for kind in parts),
        tuple((row(line), row(line.manager)) for line in role.manager_lines),
        tuple((row(line), row(line.role)) for line in role.report_lines),
        tuple((row(step), row(step.to_role)) for step in role.next_steps),
        tuple((row(step), row(step.from_role)) for step in role.previous_steps),
    )


@dataclass
class Comparison:
    """What two roles share and where they differ."""

    shared_areas: list[str]
    only_a_areas: list[str]
    only_b_areas: list[str]
    common_managers: list[Role]
    a_to_b: bool
    b_to_a: bool
    a_reports_to_b: bool
    b_reports_to_a: bool
    same_function: bool
    # > 0: a is more senior than b by that many levels; None when the ladder does not
    # apply (an owner or founder stands outside it).
    level_gap: int | None


def compare(a: Role, b: Role) -> Comparison:
    a_areas = {area.value: area.label for area in responsibilities_by_area(a)}
    b_areas = {area.value: area.label for area in responsibilities_by_area(b)}
    b_managers = {manager.pk for manager in managers(b)}
    return Comparison(
        shared_areas=[label for value, label in a_areas.items() if value in b_areas],
        only_a_areas=[label for value, label in a_areas.items() if value not in b_areas],
        only_b_areas=[label for value, label in b_areas.items() if value not in a_areas],
        common_managers=[m for m in managers(a) if m.pk in b_managers],
        a_to_b=any(step.to_role_id == b.pk for step in a.next_steps),
        b_to_a=any(step.to_role_id == a.pk for step in b.next_steps),
        a_reports_to_b=any(line.manager_id == b.pk for line in a.manager_lines),
        b_reports_to_a=any(line.manager_id == a.pk for line in b.manager_lines),
        same_function=a.function == b.function,
        level_gap=(
            None
            if Level.OWNER in (a.level, b.level)
            else LEVEL_RANK.get(b.level, 0) - LEVEL_RANK.get(a.level, 0)
        ),
    )
