"""schema.org JobPosting data for a posting's own page (and nowhere else).

Google reads it for its job search: the required properties (title, description,
datePosted, hiringOrganization, jobLocation or a remote job's applicant countries) and the
recommended ones (validThrough, employmentType, baseSalary, identifier, directApply...).

The page prints `job_posting_script(posting)`: the data as a script (jobsite.markup.json_ld,
which escapes every value), made once per change of the rows it comes from and stored with
the posting's rendered description, rather than on every miss of the page cache in every
process. A stored script is used only while its stamp is that of the rows as the page read
them: the dates of the posting, its organisation and its role (models.PAGE_DATES, which
every write moves: jobsite.caching.InvalidatingQuerySet), the site's origin and
JOB_POSTING_VERSION. So no write path has to remember it; the first page after a change
makes it again and stores it.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.db import DatabaseError
from django.utils.safestring import SafeString, mark_safe

from jobsite.markup import json_ld, plain_text, web_address
from jobsite.origin import absolute_url
from postings.descriptions import digest_of, whole_description
from postings.display import country_name
from postings.models import EmploymentType, Organisation, Posting, RenderedDescription, SalaryPeriod
from roles.jsonld import CREDENTIAL_CATEGORY
from roles.models import Role
from roles.presentation import education_sentence

# Keyed by str: a model field's value is a plain str, its TextChoices member one too.
EMPLOYMENT_TYPES: dict[str, str] = {
    EmploymentType.FULL_TIME: "FULL_TIME",
    EmploymentType.PART_TIME: "PART_TIME",
    EmploymentType.CONTRACT: "CONTRACTOR",
    EmploymentType.TEMPORARY: "TEMPORARY",
    EmploymentType.INTERNSHIP: "INTERN",
}

logger = logging.getLogger(__name__)

SALARY_UNITS: dict[str, str] = {
    SalaryPeriod.HOUR: "HOUR",
    SalaryPeriod.DAY: "DAY",
    SalaryPeriod.WEEK: "WEEK",
    SalaryPeriod.MONTH: "MONTH",
    SalaryPeriod.YEAR: "YEAR",
}


# Part of every stamp: bump it when the JSON-LD is made differently (this module, or a
# migration that rewrites what it reads), and every stored script is made again.
JOB_POSTING_VERSION = "1"


def job_posting_script(posting: Posting) -> SafeString:
    """The page's JSON-LD script for `posting` (loaded with its organisation, role and
    rendered description): the stored one while its stamp holds, or one made now and stored
    for the pages after this one. One UPDATE, once per change; a posting whose rendering
    is not stored (a row written around the model) is made every time."""
    rendered = posting.description_rendering
    current = stamp(posting)
    if rendered.job_posting and rendered.job_posting_stamp == current:
        return mark_safe(rendered.job_posting)  # noqa: S308 - escaped by json_ld when made
    script = json_ld(job_posting(posting))
    if rendered.pk is not None:
        # Made from rows older than an edit committing now, it is stored with their stamp,
        # which the edit's dates no longer match: the next page makes it again.
        try:
            RenderedDescription.objects.filter(pk=rendered.pk).update(
                job_posting=str(script), job_posting_stamp=current
            )
        except DatabaseError:
            # Stored for the pages after this one, which make it again if it is not: not
            # worth a failed page (SQLite busy with a long write, say).
            logger.warning("Could not store the JSON-LD of posting %s", rendered.pk, exc_info=True)
    return script


def stamp(posting: Posting) -> str:
    """What a stored script was made from: the rows' dates, the origin, the code's version."""
    dates = (date.isoformat() for date in posting.page_dates())
    return digest_of(JOB_POSTING_VERSION, absolute_url("/"), *dates)


def job_posting(posting: Posting) -> dict[str, Any]:
    """The JobPosting for `posting`, its URL on the public origin."""
    organisation, role = posting.organisation, posting.role
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": posting.title,
        "description": description_html(posting),
        "datePosted": posting.published_at.isoformat() if posting.published_at else None,
        "validThrough": posting.valid_through.isoformat() if posting.valid_through else None,
        "hiringOrganization": hiring_organisation(posting),
        "employmentType": EMPLOYMENT_TYPES.get(posting.employment_type),
        "identifier": {
            "@type": "PropertyValue",
            "name": organisation.name,
            "value": str(posting.pk),
        },
        "directApply": False,
        "url": absolute_url(posting.get_absolute_url()),
        "occupationalCategory": role.onet_soc_code or None,
        "relevantOccupation": prune(
            {
                "@type": "Occupation",
                "name": role.title,
                "occupationalCategory": role.onet_soc_code or None,
            }
        ),
        "baseSalary": base_salary(posting),
        "educationRequirements": education_requirements(role),
        "experienceRequirements": experience_requirements(role),
    }
    data.update(location(posting))
    return prune(data)


def description_html(posting: Posting) -> SafeString:
    """The whole description (postings/descriptions.py) of `posting`, as its page shows it."""
    return whole_description(
        posting.shown_description_html, posting.responsibility_list, posting.qualification_list
    )


def education_requirements(role: Role) -> dict[str, Any] | None:
    """The role's minimum education as Google reads it (a credential category), or None
    where it asks for none."""
    category = CREDENTIAL_CATEGORY.get(role.education_level)
    if category is None:
        return None
    return {
        "@type": "EducationalOccupationalCredential",
        "credentialCategory": category,
        "description": education_sentence(role),
    }


def experience_requirements(role: Role) -> dict[str, Any] | None:
    """The role's usual lower bound of experience, in months."""
    if not role.experience_years_min:
        return None
    return {
        "@type": "OccupationalExperienceRequirements",
        "monthsOfExperience": role.experience_years_min * 12,
    }


def hiring_organisation(posting: Posting) -> dict[str, Any]:
    organisation = posting.organisation
    data = {
        "@type": "Organization",
        # The Organization of its company page (`organization`, below).
        "@id": organisation_id(organisation),
        "name": organisation.name,
    }
    website = web_address(organisation.website)
    if website:
        data["sameAs"] = website
        data["url"] = website
    if organisation.logo:
        data["logo"] = organisation.logo.large_absolute
    return data


def organisation_id(organisation: Organisation) -> str:
    return absolute_url(organisation.get_absolute_url()) + "#organization"


def organization(organisation: Organisation) -> dict[str, Any]:
    """The Organization of a company page: who they are, on the public origin."""
    website = web_address(organisation.website)
    page = absolute_url(organisation.get_absolute_url())
    sizes = organisation.employee_range
    return prune(
        {
            "@context": "https://schema.org/",
            "@type": "Organization",
            "@id": organisation_id(organisation),
            "name": organisation.name,
            "url": website or page,
            "mainEntityOfPage": page,
            "sameAs": [website] if website else None,
            "logo": organisation.logo.large_absolute if organisation.logo else None,
            "description": plain_text(organisation.description)[:500] or None,
            "location": {"@type": "Place", "name": organisation.headquarters}
            if organisation.headquarters
            else None,
            "numberOfEmployees": prune(
                {"@type": "QuantitativeValue", "minValue": sizes[0], "maxValue": sizes[1]}
            )
            if sizes
            else None,
        }
    )


def location(posting: Posting) -> dict[str, Any]:
    """A Place for on-site and hybrid work; for remote work, TELECOMMUTE and the countries
    applicants may live in, always (Google requires them). Google has no "anywhere": a
    job open worldwide names every country."""
    if not posting.is_remote:
        return {"jobLocation": postal_place(posting)}
    return {
        "jobLocationType": "TELECOMMUTE",
        "applicantLocationRequirements": [
            {"@type": "Country", "name": country_name(code), "identifier": code}
            for code in posting.applicant_countries
        ],
    }


def postal_place(posting: Posting) -> dict[str, Any] | None:
    address = prune(
        {
            "@type": "PostalAddress",
            "addressLocality": posting.city,
            "addressRegion": posting.region,
            "postalCode": posting.postal_code,
            "addressCountry": posting.country,
        }
    )
    if len(address) == 1:
        return None
    return {"@type": "Place", "address": address}


def base_salary(posting: Posting) -> dict[str, Any] | None:
    low, high = posting.salary_min, posting.salary_max
    amount = low if low is not None else high
    if amount is None:
        return None
    value: dict[str, Any] = {
        "@type": "QuantitativeValue",
        "unitText": SALARY_UNITS.get(posting.salary_period),
    }
    if low is not None and high is not None and low != high:
        value.update(minValue=number(low), maxValue=number(high))
    else:
        value["value"] = number(amount)
    return {"@type": "MonetaryAmount", "currency": posting.salary_currency, "value": value}


def number(amount: Decimal) -> int | float:
    """A JSON number, not the string DjangoJSONEncoder makes of a Decimal."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def prune(data: dict[str, Any]) -> dict[str, Any]:
    """Leave out properties with no value: Google flags empty ones."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}
