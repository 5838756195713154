"""The schema.org `Occupation` of a role's explainer, for search engines."""

from __future__ import annotations

from typing import Any

from jobsite.markup import plain_text
from roles.classifications import ISCO_CODE_SET, isco_unit_group
from roles.models import EducationLevel, Qualification, Role
from roles.presentation import education_sentence, wage_percentiles
from roles.wages import OccupationWages

ONET_SOC_CODE_SET = {
    "@type": "CategoryCodeSet",
    "name": "O*NET-SOC 2019 Taxonomy",
    "url": "https://www.onetcenter.org/taxonomy.html",
}

# Google's vocabulary for `credentialCategory`; master's degrees and doctorates are both
# "postgraduate degree" there.
CREDENTIAL_CATEGORY: dict[str, str] = {
    EducationLevel.HIGH_SCHOOL: "high school",
    EducationLevel.ASSOCIATE: "associate degree",
    EducationLevel.BACHELOR: "bachelor degree",
    EducationLevel.MASTER: "postgraduate degree",
    EducationLevel.DOCTORATE: "postgraduate degree",
}


def occupation_json_ld(role: Role, *, wages: OccupationWages | None) -> dict[str, Any]:
    """schema.org `Occupation` for the explainer, from prefetched parts and the wage table;
    its `url` (and its page's) is the page's, added where the page is shown (it comes from
    SITE_URL). `occupationalCategory` names the O*NET-SOC occupation, then the ISCO-08 unit
    group."""
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
    categories = []
    if role.onet_soc_code:
        categories.append(
            {
                "@type": "CategoryCode",
                "codeValue": role.onet_soc_code,
                "inCodeSet": ONET_SOC_CODE_SET,
            }
        )
    if role.isco_code:
        isco: dict[str, Any] = {"@type": "CategoryCode", "codeValue": role.isco_code}
        label = isco_unit_group(role.isco_code)
        if label:
            isco["name"] = label
        categories.append({**isco, "inCodeSet": ISCO_CODE_SET})
    if categories:
        data["occupationalCategory"] = categories[0] if len(categories) == 1 else categories
    if role.reviewed_on:
        # The page's own url is added where the page is shown (Explainer.occupation).
        data["mainEntityOfPage"] = {
            "@type": "WebPage",
            "lastReviewed": role.reviewed_on.isoformat(),
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
