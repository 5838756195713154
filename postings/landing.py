"""Search landing pages: the searches by one filter that search engines may keep and the
sitemap lists (/jobs/?role=chief-operating-officer, ?country=DE, ?workplace=remote).

A search page is kept (not `noindex`) when it is the first page of no search at all, or of
one filter whose value the site knows (a country code that names a country, a location that
names a place) with at least MIN_OPEN_JOBS results; keywords, combinations and later pages
are many and thin (PostingFilter.is_worth_indexing). The sitemap lists the landing pages of
a role, a country or a workplace that surely pass that test: from the counts of /jobs/ with
nothing searched (postings/facets.py), which on a large site are estimated from a sample; a
figure counts there only when, four standard deviations low, it still reaches the minimum,
so the sitemap never lists a page that asks not to be indexed. A page whose jobs are too few
for the sample to be sure stays indexed, reachable through the links to it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

from postings import facets, places
from postings.display import country_names
from postings.models import Workplace

MIN_OPEN_JOBS = 5
# The filters whose single-filter pages the sitemap lists, in its order.
SITEMAP_FILTERS = ("role", "country", "workplace")


def is_known(name: str, value: Any) -> bool:
    """Whether a filter's value names something the site knows. The form refuses unknown
    roles, workplaces and job types; a country or a location may be any text of its shape."""
    if name == "country":
        return value in country_names()
    if name == "location":
        return places.read(value) is not None
    return True


def is_landing_page(name: str, value: Any, count: int) -> bool:
    """Whether the first page of the search by this one filter, with `count` results, is
    worth keeping in a search engine."""
    return is_known(name, value) and count >= MIN_OPEN_JOBS


def surely_at_least(tally: facets.Tally, count: int, minimum: int = MIN_OPEN_JOBS) -> bool:
    """Whether one of `tally`'s counts is at least `minimum`: exactly, or, for an estimate,
    even four standard deviations low (a sampled count's deviation is about its root)."""
    if not tally.estimated:
        return count >= minimum
    buckets = facets.sample_buckets(tally.population)
    if not buckets:
        return count >= minimum
    scale = facets.SAMPLE_BUCKETS / buckets
    sampled = count / scale
    return (sampled - 4 * math.sqrt(sampled)) * scale >= minimum


def sitemap_pages(tally: facets.Tally) -> Iterator[tuple[str, str]]:
    """(parameter, value) of each single-filter page the sitemap lists, from the counts of
    every open posting: the published roles, the countries postings are based in or open
    to, and the workplaces, each with surely MIN_OPEN_JOBS open jobs or more."""
    roles = sorted(tally.role_names.items(), key=lambda item: item[1][0])
    for pk, (slug, _title) in roles:
        if surely_at_least(tally, tally.count("role", pk)):
            yield "role", slug
    # A country is named by the postings based in it or open to it; one open to anywhere
    # makes every country's page count it, not every country a landing page.
    named = {key[1] for key in tally.facets["country"] if key[0] in ("based", "open_to")}  # type: ignore[index]
    for code in sorted(named & country_names().keys()):
        if surely_at_least(tally, tally.count("country", code)):
            yield "country", code
    for workplace in Workplace.values:
        if surely_at_least(tally, tally.count("workplace", workplace)):
            yield "workplace", workplace
