"""The search's facets and their counts: declared once, in FACETS.

Each facet names the search parameter it counts by, the posting columns it reads, how a
posting's columns pass its filter, and how its options read. From that one list come the
counting (one GROUP BY over FACET_COLUMNS), the sampled estimate's scaling, the selects of
the search form (templates/postings/includes/_facet_select.html) and the columns of the
indexes the counts read (Posting.Meta.indexes). A facet added here is counted, estimated,
rendered and indexed; its filter is the FilterSet's (postings/filters.py) of the same name.

Counting is the expensive part of a search (it visits every match, where a page of results
visits twenty), so the counts come from one GROUP BY query over the postings that every
parameter but the facets allows, grouped by the facets' columns; each facet and the total
are then summed from those few thousand groups in Python, each facet with the others'
filters applied, and kept in the cache under the public pages' version
(jobsite/caching.py) for the next page or order of the search. The counts of every open
posting (nothing searched), which the home page, /jobs/ and the role directory show, are
also stored in the database for a minute (`stored_tally`), so that a page the cache does
not hold counts nothing.

A search with many thousands of results is not counted: its counts are estimated from a
fixed, uniform sample of about SAMPLE_SIZE postings (SAMPLE_BUCKET), so it costs the same
at a million postings as at ten thousand, and the page says "about". Only a search with
few results is counted exactly, which is also what keeps the last page of results right:
an estimate is used only when it is far above the deepest page a visitor can reach. A rare
combination of facets within a common word gets its results counted exactly and its facets
estimated, since exact facets would read every match of the word.

A search in a place (a city or a region: `location`) draws from the place's postings only:
it is sized by a count of the place's postings in the lowest buckets (`located`), and its
sample is the place's postings in the lowest buckets, about SAMPLE_SIZE of them, read
through indexes on the place's keys and the bucket. So a common word in a city ("COO
London") is estimated like a common word everywhere, rather than counted by reading every
match of the word.

postings/models.py imports this module for its indexes, so nothing here imports the models
at import time: what a facet needs of them it reads from the queryset it counts.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field, fields
from functools import lru_cache, reduce
from typing import TYPE_CHECKING, Any, Protocol

from django.core.cache import cache
from django.db.models import Count, Exists, F, Func, IntegerField, Max, OuterRef

from jobsite import caching
from postings import search, stored_counts
from postings.currencies import currency_label
from postings.display import REMOTE, country_name
from roles.models import Role

if TYPE_CHECKING:
    from django.forms import BoundField, Form

    from postings.models import PostingQuerySet
    from postings.places import PlacePart

# Below this many postings every search is counted exactly: it costs little, and a sample
# of SAMPLE_SIZE would be too large a share to save much (at 10,000, a fifth).
SAMPLE_FROM = 25_000
# A place (postings.facets.located) is sampled from fewer: counting a word's matches in a city
# reads every match of the word wherever it is (180,000 of 1,000,000 postings for "COO"),
# however small the city, and 2,000 of its postings cost less (6 ms against 100 for "COO" in
# Boston's 24,000).
PLACE_SAMPLE_FROM = 10_000
# About how many postings the sample holds: a few milliseconds to read and test.
SAMPLE_SIZE = 2_000
# An estimate stands only on this many sampled results (a tenth off at worst, as a rule)...
MIN_SAMPLED = 50
# ... and only when, even four standard deviations low, it is above the deepest result the
# search lets a visitor page to (Search.deepest_result), so every page offered holds
# results: this many for a search of every posting (filters.MAX_PAGES of 20).
EXACT_COUNT_LIMIT = 2_000
# Exact facet counts read every posting the keywords and the other filters allow. When the
# sample says that is more than this, but the results are too few to estimate, only the
# total is counted exactly (a query with every filter, which the indexes narrow) and the
# facets are estimated.
EXACT_FACETS_LIMIT = 20_000

# A place's postings are counted in this many of the SAMPLE_BUCKETS (one in 64), and the
# count scaled: a few hundred postings of a city with tens of thousands, as few as it takes
# to know whether to sample the place and how much of it.
PLACE_PROBE_BUCKETS = 1_024

# A posting's place in a fixed pseudo-random order of 65,536 buckets: the postings in the
# lowest buckets are a uniform sample of all postings, whatever their age. Multiplying by an
# odd number permutes the ids' low bits, so consecutive ids land far apart.
# The numbers are in the SQL, not parameters: SQLite uses an index on an expression only for
# the very same expression (postings_published_sample).
SAMPLE_BUCKETS = 65_536
SAMPLE_BUCKET = Func(
    F("id"), template="((%(expressions)s * 40503) & 65535)", output_field=IntegerField()
)

# One facet's counts, keyed as the facet chooses (a value, or a kind and a value).
Counts = dict[Hashable, int]
# A group's columns by name (FACET_COLUMNS), as the GROUP BY returned them.
Row = dict[str, Any]


def count_text(count: int, *, estimated: bool = False) -> str:
    """ "1,234"; an estimate to two significant figures: "about 58,000", "under 100"."""
    if not estimated:
        return f"{count:,}"
    if count < 100:
        return "under 100"
    rounding = 10 ** (len(str(count)) - 2)
    return f"about {round(count / rounding) * rounding:,}"


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    estimated: bool = False
    # Options of a select that counts nothing (the posting date, the order) show no figure.
    counted: bool = True

    @property
    def count_text(self) -> str:
        return count_text(self.count, estimated=self.estimated)

    @property
    def text(self) -> str:
        """What the select shows: "Remote (1,234)"."""
        return f"{self.label} ({self.count_text})" if self.counted else self.label


@dataclass(frozen=True)
class Select:
    """One select of the search form, as _facet_select.html renders it."""

    field: BoundField
    label: str
    options: list[FacetOption]
    # The first option, which chooses nothing; none when something must be chosen.
    any_label: str = ""
    help_text: str = ""


# A search whose results are one posting in this many, or more, is common: its newest 500
# matches are within the newest 20,000 postings, a walk that costs less than reading all its
# matches from the index (the planner, which cannot know how often words come together,
# read 16,000 matches of "vice president operations" to rank the newest 500: 40 ms at
# 100,000 postings).
COMMON_SHARE = 40
# Within a place, the newest results are walked to only when they are this many times the
# window or more (Tally.walkable).
PLACE_WALK_SHARE = 4


@dataclass
class Tally:
    """The search's counts: the total, and each facet's (FACETS), summed from the groups."""

    # Counted from a sample: the facets' figures are estimates, and the total too unless
    # `total_estimated` says otherwise.
    estimated: bool = False
    total_estimated: bool = False
    total: int = 0
    facets: dict[str, Counts] = field(default_factory=lambda: {f.name: {} for f in FACETS})
    # The published roles' slugs and titles by id, to name the role facet's options.
    role_names: dict[int, tuple[str, str]] = field(default_factory=dict)
    # How many postings the search draws from at most: every posting (the highest id), or
    # about as many as the place it names holds. What the results are a share of.
    population: int = 0
    # How many employers the postings are from: counted only for the stored counts of every
    # open posting (the home page's figure); None otherwise.
    employers: int | None = None

    @property
    def common(self) -> bool:
        """The results are at least one in COMMON_SHARE of the postings the search draws
        from: the newest of them are found sooner by walking those postings newest first
        (all of them, or the place's), testing each, than by reading every match of the
        words from the full-text index."""
        return self.dense(self.total)

    def dense(self, count: int) -> bool:
        """`count` of the postings the search draws from is one in COMMON_SHARE or more."""
        return count * COMMON_SHARE >= self.population > 0

    def walkable(self, count: int, limit: int) -> bool:
        """Whether the newest `limit` of `count` results in a place are found sooner by
        walking the place's postings newest first, testing each, than through the indexes
        of the words (or the role) and of the place: the results are dense among the
        place's postings, and PLACE_WALK_SHARE times `limit` or more, so that the walk stops
        within the newest quarter of them. Otherwise the indexes win: at 100,000 postings a
        word's and a place's lists are short, and a window that holds nearly all of a
        place's matches would walk the whole place."""
        return self.dense(count) and count >= limit * PLACE_WALK_SHARE

    def scaled(self, factor: float) -> Tally:
        """The counts of a sample, scaled to estimate the whole."""
        return Tally(
            estimated=True,
            total_estimated=True,
            total=round(self.total * factor),
            facets={
                name: {key: round(count * factor) for key, count in counts.items()}
                for name, counts in self.facets.items()
            },
        )

    def count(self, facet: str, value: Hashable) -> int:
        """How many results have `value` in the facet named `facet` (a role by its id)."""
        return FACETS_BY_NAME[facet].count(self.facets[facet], value)

    def figure(self, count: int) -> str:
        """One of this tally's counts as a visitor reads it ("1,234", "about 58,000",
        "under 100"), or "" for exactly none: an estimate of none is "under 100"."""
        if not count and not self.estimated:
            return ""
        return count_text(count, estimated=self.estimated)

    @property
    def total_text(self) -> str:
        """The number of results as a visitor reads it: "58,010", or "about 58,000"."""
        return count_text(self.total, estimated=self.total_estimated)

    def as_json(self) -> dict[str, Any]:
        """The tally as JSON can hold it: each facet's counts as [value, count] pairs, since
        a value may be a number, None or a tuple (the country facet's), never an object key."""
        return {
            "estimated": self.estimated,
            "total_estimated": self.total_estimated,
            "total": self.total,
            "population": self.population,
            "employers": self.employers,
            "facets": {
                name: [[value, count] for value, count in counts.items()]
                for name, counts in self.facets.items()
            },
            "role_names": [[pk, slug, title] for pk, (slug, title) in self.role_names.items()],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Tally:
        """The tally `as_json` gave: JSON's lists made tuples again."""
        return cls(
            estimated=data["estimated"],
            total_estimated=data["total_estimated"],
            total=data["total"],
            population=data["population"],
            employers=data["employers"],
            facets={
                name: {
                    tuple(value) if isinstance(value, list) else value: count
                    for value, count in pairs
                }
                for name, pairs in data["facets"].items()
            },
            role_names={pk: (slug, title) for pk, slug, title in data["role_names"]},
        )


@dataclass(frozen=True)
class Facet:
    """A facet whose value is one column's: a posting passes when the column holds the
    value chosen, and each value is counted."""

    name: str
    label: str
    any_label: str
    columns: tuple[str, ...]
    help_text: str = ""

    def chosen(self, params: dict[str, Any]) -> Any:
        """The value chosen in the search, as the facet's column holds it; None for none."""
        return params.get(self.name) or None

    def allows(self, row: Row, chosen: Any) -> bool:
        return chosen is None or row[self.columns[0]] == chosen

    def add(self, counts: Counts, row: Row, count: int) -> None:
        value = row[self.columns[0]]
        counts[value] = counts.get(value, 0) + count

    def count(self, counts: Counts, value: Hashable) -> int:
        return counts.get(value, 0)

    def options(self, tally: Tally, params: dict[str, Any], search: Search) -> list[FacetOption]:
        """Every choice of the posting's column, with its count."""
        chosen = params.get(self.name, "")
        choices = search.queryset.model._meta.get_field(self.columns[0]).choices or []
        counts = tally.facets[self.name]
        return [
            FacetOption(value, label, counts.get(value, 0), value == chosen, tally.estimated)
            for value, label in choices
        ]


class RoleFacet(Facet):
    """The published roles, by title; the chosen one even when none of its jobs is open."""

    def chosen(self, params: dict[str, Any]) -> Any:
        role = params.get(self.name)
        return role.pk if role is not None else None

    def options(self, tally: Tally, params: dict[str, Any], search: Search) -> list[FacetOption]:
        selected = params.get(self.name)
        roles: dict[str, tuple[str, int]] = {}
        for role_id, count in tally.facets[self.name].items():
            if isinstance(role_id, int) and role_id in tally.role_names:
                slug, title = tally.role_names[role_id]
                roles[slug] = (title, count)
        if selected and selected.slug not in roles:
            roles[selected.slug] = (selected.title, 0)
        return sorted(
            (
                FacetOption(
                    slug,
                    title,
                    count,
                    bool(selected and slug == selected.slug),
                    tally.estimated,
                )
                for slug, (title, count) in roles.items()
            ),
            key=lambda option: option.label.lower(),
        )


@lru_cache(maxsize=4096)
def open_to(remote_countries: str) -> frozenset[str]:
    return frozenset(remote_countries.split())


class CountryFacet(Facet):
    """Based in the country, or remote and open to it (an empty list: open to anywhere),
    as the FilterSet's country filter has it. A posting is counted under the country it is
    based in and under each other country it is open to; one open to anywhere, under every
    country, once."""

    def allows(self, row: Row, chosen: Any) -> bool:
        return (
            chosen is None
            or row["country"] == chosen
            or (
                row["workplace"] == REMOTE
                and (not row["remote_countries"] or chosen in open_to(row["remote_countries"]))
            )
        )

    def add(self, counts: Counts, row: Row, count: int) -> None:
        based, remote_countries = row["country"], row["remote_countries"]
        keys: Iterable[Hashable] = ()
        if row["workplace"] == REMOTE:
            if remote_countries:
                keys = [("open_to", code) for code in open_to(remote_countries) - {based}]
            else:
                keys = [("anywhere",), ("anywhere_based", based)]
        if based:
            keys = [*keys, ("based", based)]
        for key in keys:
            counts[key] = counts.get(key, 0) + count

    def count(self, counts: Counts, value: Hashable) -> int:
        # Open to anywhere and based in the country: counted once, among those based there.
        return (
            counts.get(("based", value), 0)
            + counts.get(("open_to", value), 0)
            + counts.get(("anywhere",), 0)
            - counts.get(("anywhere_based", value), 0)
        )

    def options(self, tally: Tally, params: dict[str, Any], search: Search) -> list[FacetOption]:
        chosen = params.get(self.name, "")
        counts = tally.facets[self.name]
        codes = {key[1] for key in counts if key[0] in ("based", "open_to")}  # type: ignore[index]
        codes |= {chosen} - {""}
        return sorted(
            (
                FacetOption(
                    code,
                    country_name(code),
                    self.count(counts, code),
                    code == chosen,
                    tally.estimated,
                )
                for code in codes
            ),
            key=lambda option: option.label,
        )


class CurrencyFacet(Facet):
    """The currencies postings are paid in: every one in use, by its ISO 4217 code, the
    chosen one even when none of its jobs is open; postings without a salary in none."""

    def options(self, tally: Tally, params: dict[str, Any], search: Search) -> list[FacetOption]:
        chosen = params.get(self.name, "")
        counts = tally.facets[self.name]
        codes = ({code for code in counts if isinstance(code, str)} | {chosen}) - {""}
        return [
            FacetOption(
                code, currency_label(code), counts.get(code, 0), code == chosen, tally.estimated
            )
            for code in sorted(codes)
        ]


# The facets, in the order of their columns in the indexes (a new facet's columns go last:
# a migration then extends postings_published_facets and postings_published_sample).
FACETS: tuple[Facet, ...] = (
    RoleFacet("role", "Role", "Any role", ("role",)),
    Facet("employment_type", "Employment type", "Any type", ("employment_type",)),
    Facet("workplace", "Workplace", "Any workplace", ("workplace",)),
    CountryFacet(
        "country",
        "Country",
        "Any country",
        ("country", "workplace", "remote_countries"),
        help_text="Jobs based there, and remote jobs open to it.",
    ),
    CurrencyFacet("paid_in", "Paid in", "Any currency", ("salary_currency",)),
)
FACETS_BY_NAME = {facet.name: facet for facet in FACETS}
FACET_NAMES = tuple(FACETS_BY_NAME)
# The columns the facets count by, each once: one row per combination in use, not per
# posting. The facets' indexes hold them (after the columns of "open").
FACET_COLUMNS = tuple(dict.fromkeys(column for facet in FACETS for column in facet.columns))


class Search(Protocol):
    """What counting needs of a search (postings.filters.PostingFilter is one)."""

    queryset: PostingQuerySet

    @property
    def params(self) -> dict[str, Any]: ...

    @property
    def query(self) -> str: ...

    @property
    def place_parts(self) -> list[PlacePart]:
        """The place the search is narrowed to, as alternatives that an index on one key
        reads (places.location_parts); [] for none."""
        ...

    @property
    def deepest_result(self) -> int:
        """How many results a visitor can page through (fewer with keywords, whose ranking
        covers only the newest matches)."""
        ...

    def narrow(self, queryset: PostingQuerySet, *, skip: Iterable[str] = ()) -> PostingQuerySet: ...


@dataclass
class Everything:
    """The search for every posting of `queryset`: nothing chosen, nothing narrowed."""

    queryset: PostingQuerySet
    params: dict[str, Any] = field(default_factory=dict)
    query: str = ""
    place_parts: list[PlacePart] = field(default_factory=list)

    @property
    def deepest_result(self) -> int:
        return EXACT_COUNT_LIMIT

    def narrow(self, queryset: PostingQuerySet, *, skip: Iterable[str] = ()) -> PostingQuerySet:
        return queryset


GroupRows = list[tuple[Any, ...]]


def groups(search_: Search, *, sample_buckets: int = 0) -> GroupRows:
    """The postings every parameter but the facets allows, grouped by FACET_COLUMNS (then
    the count): one query. With `sample_buckets`, only the postings in that many of the
    SAMPLE_BUCKETS.

    COUNT(*) over the posting's own columns, with no join to the roles, lets the database
    read only an index (postings_published_facets, postings_published_sample) and group in
    memory."""
    base = search_.queryset.order_by()
    if not sample_buckets:
        base = search_.narrow(base, skip=FACET_NAMES)
    else:
        # A range closed at both ends, which SQLite's planner rates narrow enough to read
        # through the sample's index; and the keywords tested on each sampled posting
        # rather than all their matches looked up.
        base = base.alias(sample_bucket=SAMPLE_BUCKET).filter(
            sample_bucket__range=(0, sample_buckets - 1)
        )
        base = search.matching(
            search_.narrow(base, skip=[*FACET_NAMES, "q"]), search_.query, indexed=False
        )
    return list(base.values_list(*FACET_COLUMNS).annotate(count=Count("*")).order_by())


def highest_id(postings: PostingQuerySet) -> int:
    """How many postings there are at most, open or not: one query, by the primary key."""
    everyone = postings.model._default_manager.using(postings.db)
    return everyone.aggregate(last=Max("pk"))["last"] or 0


def located(postings: PostingQuerySet, parts: list[PlacePart]) -> int:
    """About how many published postings, open or not, the place of `parts` holds: those in
    the lowest PLACE_PROBE_BUCKETS buckets, counted through the place's sample indexes
    (postings_city_sample, postings_region_sample) and scaled. One query, which reads a few
    hundred index entries for a city of tens of thousands of postings."""
    everyone = postings.model._default_manager.using(postings.db)
    probed = (
        everyone.filter(
            reduce(operator.or_, (part.q for part in parts)),
            status=postings.model.Status.PUBLISHED,
        )
        .alias(sample_bucket=SAMPLE_BUCKET)
        .filter(sample_bucket__range=(0, PLACE_PROBE_BUCKETS - 1))
        .count()
    )
    return probed * (SAMPLE_BUCKETS // PLACE_PROBE_BUCKETS)


def sample_buckets(population: int, *, place: bool = False) -> int:
    """How many buckets hold about SAMPLE_SIZE of `population` postings (every posting's,
    or a `place`'s), or 0 when there are so few postings that counting them all costs as
    little."""
    if population < (PLACE_SAMPLE_FROM if place else SAMPLE_FROM):
        return 0
    return min(SAMPLE_BUCKETS, math.ceil(SAMPLE_BUCKETS * SAMPLE_SIZE / population))


def count_groups(rows: GroupRows, params: dict[str, Any]) -> Tally:
    """The total and every facet's counts: each facet counted with the filters of the
    others (and the rest) applied, in one pass over the groups."""
    tally = Tally()
    # Only a facet with a value chosen can fail a row: with none (the home page, the list,
    # most searches) every row is counted by every facet without a test.
    chosen = [(facet, value) for facet in FACETS if (value := facet.chosen(params)) is not None]
    adders = [(facet.add, tally.facets[facet.name]) for facet in FACETS]
    for values in rows:
        row = dict(zip(FACET_COLUMNS, values, strict=False))
        count = values[-1]
        failing = [facet for facet, value in chosen if not facet.allows(row, value)]
        if not failing:
            tally.total += count
            # Counted by every facet when all pass...
            for add, counts in adders:
                add(counts, row, count)
        elif len(failing) == 1:
            # ... by the one failing only, when one fails.
            (facet,) = failing
            facet.add(tally.facets[facet.name], row, count)
    return tally


def count_search(search_: Search) -> Tally:
    """An estimate from the sample when it finds a search with many results; exact counts
    when the search allows few postings; else the facets estimated and the total counted.
    Two or three queries.

    A search in a place draws its sample from the place's postings: a city holds one
    posting in thirty or so, and a common word's matches there, a few thousand of a
    million, are too few in a sample of every posting to estimate, while counting them
    reads every match of the word from the full-text index (70 ms at 1,000,000 postings
    for "COO" in London, against 6 to size London and sample it)."""
    parts = search_.place_parts
    population = located(search_.queryset, parts) if parts else highest_id(search_.queryset)
    tally = estimate_or_count(search_, sample_buckets(population, place=bool(parts)))
    tally.population = population
    return tally


def estimate_or_count(search_: Search, buckets: int) -> Tally:
    if buckets:
        rows = groups(search_, sample_buckets=buckets)
        sampled = count_groups(rows, search_.params)
        scale = SAMPLE_BUCKETS / buckets
        # A sampled count's standard deviation is about its square root.
        low = sampled.total - 4 * math.sqrt(sampled.total)
        if sampled.total >= MIN_SAMPLED and low * scale >= search_.deepest_result:
            return sampled.scaled(scale)
        if sum(row[-1] for row in rows) * scale > EXACT_FACETS_LIMIT:
            # A rare combination of facets within a common word.
            tally = sampled.scaled(scale)
            results = search_.narrow(search_.queryset.order_by(), skip=["q"])
            tally.total = search.narrowed(results, search_.query).count()
            tally.total_estimated = False
            return tally
    return count_groups(groups(search_), search_.params)


def tally_key(search_: Search) -> str:
    """The counts' cache key: the search, under the version of the public pages, which every
    edit changes. "" when the page cache is off."""
    chosen = as_text(search_.params, leaving_out=("sort",))
    # The facets too: counts kept by a release with other facets are not this one's.
    return caching.versioned_key("search-counts", search_.queryset.db, FACET_NAMES, chosen)


def as_text(params: dict[str, Any], *, leaving_out: Iterable[str] = ()) -> dict[str, str]:
    """A search's parameters as text (a role by its slug), for a cache key."""
    return {
        name: value.slug if isinstance(value, Role) else str(value)
        for name, value in params.items()
        if name not in leaving_out
    }


def tally(search_: Search) -> Tally:
    """The total and the facets' counts: up to four queries, or none when the same search
    was counted a moment ago (the next page, another order, the home page). With nothing
    searched, one query when the counts are stored (`stored_tally`)."""
    key = tally_key(search_)
    counted = cache.get(key) if key else None
    if counted is not None:
        return counted
    everything = searches_everything(search_)
    database = search_.queryset.db
    counted = stored_tally(database) if everything else None
    if counted is None:
        counted = count_search(search_)
        counted.role_names = {
            pk: (slug, title)
            for pk, slug, title in Role.objects.using(database)
            .published()
            .order_by()
            .values_list("pk", "slug", "title")
        }
        if everything and counted.total >= STORED_FROM:
            counted.employers = employers_of(search_.queryset)
            stored_counts.write(database, STORED_COUNTS_KEY, counted.as_json())
    if key:
        cache.set(key, counted, timeout=caching.cache_seconds())
    return counted


# -- The counts of every open posting, stored --------------------------------------------
#
# The search with nothing searched (/jobs/, and the figures of the home page, the role
# directory and the landing sitemaps) counts every open posting: at 10,000 postings, 10 ms
# of the home page's 16, at every miss of the page cache and with that cache off. So its
# counts are stored for a minute (postings/stored_counts.py), with the number of employers
# hiring, the home page's other figure. A posting that expires within that minute stays in
# them, so they are stored only where no page depends on them exactly: with twice as many
# results as a visitor can page through, a few postings more or fewer never bring the last
# page within reach, nor change "about 58,000".
STORED_FROM = 2 * EXACT_COUNT_LIMIT
STORED_COUNTS_KEY = stored_counts.key(
    "open-postings", [FACET_NAMES, FACET_COLUMNS, [item.name for item in fields(Tally)]]
)


def searches_everything(search_: Search) -> bool:
    """Nothing searched: no keywords, no place and no parameter but the order."""
    return not (
        search_.query or search_.place_parts or as_text(search_.params, leaving_out=("sort",))
    )


def employers_of(postings: PostingQuerySet) -> int:
    """How many employers `postings` are from: one probe per organisation, exact whatever
    the number of postings."""
    organisations = postings.model._meta.get_field("organisation").related_model
    has_one = postings.filter(organisation=OuterRef("pk"))
    return organisations._default_manager.using(postings.db).filter(Exists(has_one)).count()


def stored_tally(database: str) -> Tally | None:
    """The stored counts of every open posting, unless out of date (None): one query."""
    stored = stored_counts.read(database, STORED_COUNTS_KEY)
    return Tally.from_json(stored) if stored is not None else None


def open_jobs(postings: PostingQuerySet) -> Tally:
    """How many of `postings` there are, by role, type, workplace and country: the counts of
    /jobs/ with nothing searched (and the same cache entry), so a page quoting them agrees
    with the search it links to. Exact on a small site, estimated on a large one."""
    return tally(Everything(postings))


def options(search_: Search, counted: Tally) -> dict[str, list[FacetOption]]:
    """Each facet's options over the current results, each counted with the other filters
    applied."""
    params = search_.params
    return {facet.name: facet.options(counted, params, search_) for facet in FACETS}


def selects(search_: Search, counted: Tally, form: Form) -> list[Select]:
    """The facets' selects, for the bound fields of `form` of the same names."""
    counted_options = options(search_, counted)
    return [
        Select(
            form[facet.name],
            facet.label,
            counted_options[facet.name],
            any_label=facet.any_label,
            help_text=facet.help_text,
        )
        for facet in FACETS
    ]
