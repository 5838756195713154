"""What the public role pages say about a role, worked out from a role fetched `with_parts()`
and given its routes by `load_routes()`: the explainer's wording and sections, the
comparison of two roles, the links between roles.

Everything here reads prefetched relations and the wage table only: no function in this
module runs a query of its own, so the pages' query counts stay fixed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from jobsite.page_meta import cut_on_word, first_fitting, title_suffix
from roles.classifications import bls_occupation_url
from roles.models import EducationLevel, Level, Qualification, Responsibility, Role
from roles.wages import SOURCE, SOURCE_URL, OccupationWages, wages_for

# How the education level reads in a sentence: "A bachelor's degree, usually in …".
EDUCATION_PHRASE: dict[str, str] = {
    EducationLevel.HIGH_SCHOOL: "A high school diploma",
    EducationLevel.ASSOCIATE: "An associate degree",
    EducationLevel.BACHELOR: "A bachelor's degree",
    EducationLevel.MASTER: "A master's degree",
    EducationLevel.DOCTORATE: "A doctorate",
}

# The levels a field of study belongs to: a diploma or no education is not "in" a subject.
DEGREES = frozenset(
    {
        EducationLevel.ASSOCIATE,
        EducationLevel.BACHELOR,
        EducationLevel.MASTER,
        EducationLevel.DOCTORATE,
    }
)

LEVEL_RANK = {value: rank for rank, value in enumerate(Level.values)}

# The end of a sentence: a stop, then space and a capital ("e.g. email" goes on).
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
# A role's answer on the search page is one sentence; an editor's longer one is cut.
ANSWER_SENTENCE_LENGTH = 240


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
    """The page title, written for search results: the longest of a few that fits in 60
    characters (jobsite/page_meta.py), with the site's name where that fits too."""
    question = explainer_question(role)
    title = first_fitting(
        f"{question} Duties, pay, career path",
        f"{question} Duties and pay",
        question,
        f"What is {indefinite_article(role.title)} {role.title}?",
    )
    return first_fitting(f"{title}{title_suffix()}", title)


def compare_title(a: Role, b: Role) -> str:
    """The comparison's page title, fitted like the explainer's."""
    names = f"{a.short_title} vs {b.short_title}"
    title = first_fitting(f"{names}: how the roles compare", f"{names}: compared", names)
    return first_fitting(f"{title}{title_suffix()}", title)


def first_sentence(text: str) -> str:
    """The first sentence of `text`, on one line."""
    return SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0]


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
    """The education employers usually ask for, said plainly. Fields of study go with a
    degree; below one they are what those who have a degree studied."""
    if role.education_level == EducationLevel.NONE:
        phrase = "No formal education is required"
    else:
        phrase = EDUCATION_PHRASE.get(role.education_level, role.get_education_level_display())
    fields = [name.lower() for name in role.fields_of_study_list]
    if not fields:
        return f"{phrase}."
    if role.education_level in DEGREES:
        return f"{phrase}, usually in {join_or(fields)}."
    return f"{phrase}. Those with a degree often studied {join_or(fields)}."


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

    @property
    def is_list(self) -> bool:
        """Two items or more: one item reads as a sentence, not as a list of one."""
        return len(self.items) > 1


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


@dataclass
class Source:
    name: str
    url: str = ""


# A source line's address: the last word, when it is a web address.
SOURCE_URL_AT_END = re.compile(r"^(?P<name>.*?)[\s:]+(?P<url>https?://\S+)$")


def sources(role: Role) -> list[Source]:
    """The role's sources, one a line: a name, then its address where it has one."""
    found = []
    for line in role.sources.splitlines():
        line = line.strip()
        if not line:
            continue
        match = SOURCE_URL_AT_END.match(line)
        if match:
            found.append(Source(match["name"], match["url"]))
        elif re.fullmatch(r"https?://\S+", line):
            found.append(Source(line, line))  # An address alone names itself.
        else:
            found.append(Source(line))
    return found


def wage_percentiles(wages: OccupationWages) -> list[tuple[str, str, int | None]]:
    """(label, schema.org property, amount) for each figure, lowest first."""
    return [
        ("10th percentile", "percentile10", wages.annual_p10),
        ("25th percentile", "percentile25", wages.annual_p25),
        ("Median", "median", wages.annual_median),
        ("75th percentile", "percentile75", wages.annual_p75),
        ("90th percentile", "percentile90", wages.annual_p90),
    ]


# -- The explainer --------------------------------------------------------------------------


@dataclass
class RelatedRole:
    role: Role
    relation: str
    compare_url: str = ""


def related_roles(role: Role) -> list[RelatedRole]:
    """Neighbours by reporting line and career step, labelled with how they relate."""
    related: dict[int, RelatedRole] = {}

    def add(other: Role, relation: str) -> None:
        if other.pk != role.pk and other.pk not in related:
            related[other.pk] = RelatedRole(other, relation, compare_url(role, other))

    for manager in managers(role):
        add(manager, f"The {role.short_title} reports to this role")
    for report in direct_reports(role):
        add(report, f"Reports to the {role.short_title}")
    for step in role.next_steps:
        add(step.to_role, "A next step from this role")
    for step in role.previous_steps:
        add(step.from_role, "A role people come from")
    return list(related.values())


def also_in_function(role: Role, others: Iterable[Role]) -> list[RelatedRole]:
    """Other roles of the role's function, for when its neighbours are few."""
    relation = f"Also in {role.get_function_display().lower()}"
    return [RelatedRole(other, relation, compare_url(role, other)) for other in others]


def explainer_heading(role: Role) -> dict[str, str]:
    """The explainer's title, question and meta description: the role's own row alone."""
    return {
        "page_title": explainer_title(role),
        "question": explainer_question(role),
        "meta_description": cut_on_word(role.brief_answer),
    }


def explainer_context(
    role: Role, related: list[RelatedRole], wages: OccupationWages | None
) -> dict[str, Any]:
    """What the explainer's sections show of the role alone, from its parts, its routes and
    the wage table (roles/explainers.py renders them)."""
    return {
        "role": role,
        "areas": responsibilities_by_area(role),
        "qualifications": qualifications(role),
        "education": education_sentence(role),
        "experience": experience_phrase(role),
        "managers": managers(role),
        "direct_reports": direct_reports(role),
        "steps_in": role.previous_steps,
        "steps_out": role.next_steps,
        "faqs": list(role.faqs.all()),
        "related": related,
        "wages": wages,
        "wage_rows": wage_percentiles(wages) if wages else [],
        "occupation_url": bls_occupation_url(wages.soc_code) if wages else "",
        "source": SOURCE,
        "source_url": SOURCE_URL,
        "sources": sources(role),
    }


# -- The role's answer on the search page ---------------------------------------------------


# The fields of a role its answer reads (and its link, and the explainer's question).
ANSWER_FIELDS = ("title", "slug", "abbreviation", "brief_answer", "onet_soc_code", "wage_table")


@dataclass
class RoleAnswer:
    """What a search that names a role says first: what the role is, in a sentence, and
    the median pay of its occupation (where the explainer shows the wage table)."""

    role: Role
    question: str
    sentence: str
    wages: OccupationWages | None
    source: str = SOURCE
    source_url: str = SOURCE_URL

    @property
    def median(self) -> int | None:
        return self.wages.annual_median if self.wages else None

    @property
    def occupation_url(self) -> str:
        """The BLS page of the occupation's wage figures, "" without figures."""
        return bls_occupation_url(self.wages.soc_code) if self.wages else ""


def role_answer(role: Role) -> RoleAnswer:
    """The answer for `role`, from the fields ANSWER_FIELDS names: no query."""
    return RoleAnswer(
        role=role,
        question=explainer_question(role),
        sentence=cut_on_word(first_sentence(role.brief_answer), ANSWER_SENTENCE_LENGTH),
        # The explainer's rule: the wage table shows where the occupation has figures.
        wages=wages_for(role.wage_soc_code),
    )


# -- The comparison -------------------------------------------------------------------------

COMPARE_SEPARATOR = "-vs-"
# A slug field always has a max_length; were it missing, no pair would be long enough.
MAX_PAIR_LENGTH = 2 * (Role._meta.get_field("slug").max_length or 0) + len(COMPARE_SEPARATOR)


def compare_url(a: Role, b: Role) -> str:
    return reverse("roles:role_compare", kwargs={"pair": f"{a.slug}{COMPARE_SEPARATOR}{b.slug}"})


def split_pair(pair: str) -> list[tuple[str, str]]:
    """Every way to read "<a>-vs-<b>" as two slugs (a slug may itself contain "-vs-")."""
    splits = []
    start = pair.find(COMPARE_SEPARATOR)
    while start != -1:
        a, b = pair[:start], pair[start + len(COMPARE_SEPARATOR) :]
        if a and b:
            splits.append((a, b))
        start = pair.find(COMPARE_SEPARATOR, start + 1)
    return splits


@dataclass
class Profile:
    """One role as a column of the comparison."""

    role: Role
    full_name: str
    areas: list[Area]
    qualifications: Qualifications
    education: str
    education_level: str
    experience: str
    managers: list[Role]
    direct_reports: list[Role]
    wages: OccupationWages | None

    @property
    def occupation_url(self) -> str:
        """The BLS page of the occupation's wage figures, "" without figures."""
        return bls_occupation_url(self.wages.soc_code) if self.wages else ""


def profile(role: Role) -> Profile:
    return Profile(
        role=role,
        full_name=full_name(role),
        areas=responsibilities_by_area(role),
        qualifications=qualifications(role),
        education=education_sentence(role),
        education_level=education_level_phrase(role),
        experience=experience_phrase(role),
        managers=managers(role),
        direct_reports=direct_reports(role),
        wages=wages_for(role.wage_soc_code),
    )


@dataclass
class Comparison:
    """What two roles share and where they differ."""

    a: Profile
    b: Profile
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

    @property
    def same_occupation(self) -> bool:
        """Both fall under one occupation of the wage statistics, so share its figures."""
        wages_a, wages_b = self.a.wages, self.b.wages
        return bool(wages_a and wages_b and wages_a.soc_code == wages_b.soc_code)

    @property
    def shares_little(self) -> bool:
        """Nothing of what "What they share" lists holds for these two roles."""
        return not (
            self.same_function
            or self.level_gap == 0
            or self.a_reports_to_b
            or self.b_reports_to_a
            or self.a_to_b
            or self.b_to_a
            or self.common_managers
            or self.shared_areas
            or self.same_occupation
        )

    @property
    def different_kinds(self) -> bool:
        """Off the seniority ladder (an owner against anyone else): no "more senior" side."""
        return self.level_gap is None and self.a.role.level != self.b.role.level

    @property
    def education_differs(self) -> bool:
        return self.a.role.education_level != self.b.role.education_level

    @property
    def fields_of_study_differ(self) -> bool:
        """The same level of education, asked for in different fields."""
        a, b = self.a, self.b
        return (
            not self.education_differs
            and bool(a.role.fields_of_study and b.role.fields_of_study)
            and a.education != b.education
        )

    @property
    def experience_differs(self) -> bool:
        return self.a.experience != self.b.experience

    @property
    def median_pay_differs(self) -> bool:
        """Two occupations' medians to set side by side (one occupation has one median)."""
        wages_a, wages_b = self.a.wages, self.b.wages
        return bool(
            wages_a
            and wages_b
            and not self.same_occupation
            and wages_a.annual_median
            and wages_b.annual_median
        )


def compare(a: Role, b: Role) -> Comparison:
    profile_a, profile_b = profile(a), profile(b)
    a_areas = {area.value: area.label for area in profile_a.areas}
    b_areas = {area.value: area.label for area in profile_b.areas}
    b_managers = {manager.pk for manager in profile_b.managers}
    return Comparison(
        a=profile_a,
        b=profile_b,
        shared_areas=[label for value, label in a_areas.items() if value in b_areas],
        only_a_areas=[label for value, label in a_areas.items() if value not in b_areas],
        only_b_areas=[label for value, label in b_areas.items() if value not in a_areas],
        common_managers=[m for m in profile_a.managers if m.pk in b_managers],
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
