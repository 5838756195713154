"""The job search form: a FilterSet over public postings, with its facet counts.

`PostingFilter(request.GET, queryset=Posting.objects.public())`: `.form` is the search form
the page renders, `.qs` the matching postings in the asked order, `.facets()` the counts
beside each filter and `.count()` the number of results. Malformed parameters become form
errors and are left out of the search; nothing a visitor puts in the query string raises.

Counting is the expensive part of a search (it visits every match, where a page of results
visits twenty), so the counts come from one GROUP BY query over the postings that every
parameter but the four facets allows, grouped by the facets' columns; the facets and the
total are then summed from those few thousand groups in Python, and kept in the cache under
the public pages' version (jobsite/caching.py) for the next page or order of the search.

A search with many thousands of results is not counted: its counts are estimated from a
fixed, uniform sample of about SAMPLE_SIZE postings (models.SAMPLE_BUCKET), so it costs the
same at a million postings as at ten thousand, and the page says "about". Only a search
with few results is counted exactly, which is also what keeps the last page of results
right: an estimate is used only when it is far above the deepest page a visitor can reach.
A rare combination of facets within a common word gets its results counted exactly and its
facets estimated, since exact facets would read every match of the word.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import Any

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Count, Max, Q, Value
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone

from jobsite import caching
from postings import search
from postings.display import country_name
from postings.models import (
    SAMPLE_BUCKET,
    SAMPLE_BUCKETS,
    EmploymentType,
    Posting,
    PostingQuerySet,
    Workplace,
)
from roles.models import Role

MAX_POSTED_WITHIN_DAYS = 3650
MAX_SALARY = 100_000_000
MAX_VALUE_LENGTH = search.MAX_QUERY_LENGTH

CURRENCIES = [
    ("USD", "USD – US dollar"),
    ("EUR", "EUR – euro"),
    ("GBP", "GBP – pound sterling"),
    ("CAD", "CAD – Canadian dollar"),
    ("AUD", "AUD – Australian dollar"),
    ("SGD", "SGD – Singapore dollar"),
    ("CHF", "CHF – Swiss franc"),
    ("SEK", "SEK – Swedish krona"),
    ("NZD", "NZD – New Zealand dollar"),
    ("INR", "INR – Indian rupee"),
    ("JPY", "JPY – Japanese yen"),
]

# Relevance is ranked among the newest matches only: ranking reads each match's whole search
# document, so a word found in most postings would otherwise cost a second per search.
RELEVANCE_WINDOW = 500
# Below this many postings every search is counted exactly: it costs little, and a sample
# of SAMPLE_SIZE would be too large a share to save much (at 10,000, a fifth).
SAMPLE_FROM = 25_000
# About how many postings the sample holds: a few milliseconds to read and test.
SAMPLE_SIZE = 2_000
# An estimate stands only on this many sampled results (a tenth off at worst, as a rule)...
MIN_SAMPLED = 50
# ... and only when, even four standard deviations low, it is above this: the results of
# the deepest page (views.jobs.MAX_PAGES of 20), so every page offered holds results.
EXACT_COUNT_LIMIT = 2_000
# Exact facet counts read every posting the keywords and the other filters allow. When the
# sample says that is more than this, but the results are too few to estimate, only the
# total is counted exactly (a query with every filter, which the indexes narrow) and the
# facets are estimated.
EXACT_FACETS_LIMIT = 20_000
# The groups: a row per combination of GROUP_FIELDS values, then how many postings have it.
GroupRows = list[tuple[int, str, str, str, str, int]]
# Sort by salary: the yearly top of the range, highest first, postings without one last (as
# -1: salaries are never negative). The same expression as the index postings_published_salary,
# which SQLite could not build with NULLS LAST.
SALARY_ORDER = Coalesce("salary_max_annual", "salary_min_annual", Value(-1))
# The columns the facets count by; one row per combination in use, not per posting.
GROUP_FIELDS = (
    "role_id",
    "employment_type",
    "workplace",
    "country",
    "remote_countries",
)

POSTED_WITHIN = [(1, "Last 24 hours"), (3, "Last 3 days"), (7, "Last week"), (30, "Last month")]


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    SALARY = "salary"
    choices = [
        (RELEVANCE, "Best match"),
        (NEWEST, "Newest first"),
        (SALARY, "Highest salary first"),
    ]


class PostingSearchForm(forms.Form):
    """Cleans what the filters read; a value that cannot be read is a form error."""

    def clean_q(self) -> str:
        return search.clean_query(self.cleaned_data.get("q"))

    def clean_location(self) -> str:
        return " ".join((self.cleaned_data.get("location") or "").split())[:100]

    def clean_country(self) -> str:
        code = (self.cleaned_data.get("country") or "").strip().upper()
        if code and not (len(code) == 2 and code.isascii() and code.isalpha()):
            raise forms.ValidationError("Choose a country from the list.")
        return code

    def clean_posted_within(self) -> int | None:
        days = self.cleaned_data.get("posted_within")
        # Any number of days is a fair question; beyond ten years the answer is the same.
        return min(days, MAX_POSTED_WITHIN_DAYS) if days else days

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("salary_min") is not None and not cleaned.get("currency"):
            # Salaries compare only within one currency: without it the minimum is not used.
            self.add_error("currency", "Choose the currency of the minimum salary.")
            del cleaned["salary_min"]
        return cleaned


class DaysFilter(django_filters.Filter):
    field_class = forms.IntegerField


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

    @property
    def count_text(self) -> str:
        return count_text(self.count, estimated=self.estimated)


@dataclass
class Tally:
    """The search's counts, summed from the groups in one pass."""

    # Counted from a sample: the facets' figures are estimates, and the total too unless
    # `total_estimated` says otherwise.
    estimated: bool = False
    total_estimated: bool = False
    total: int = 0
    role: dict[int, int] = field(default_factory=dict)
    employment_type: dict[str, int] = field(default_factory=dict)
    workplace: dict[str, int] = field(default_factory=dict)
    # The country facet: based in each country, open to it from elsewhere, open anywhere.
    based: dict[str, int] = field(default_factory=dict)
    open_to: dict[str, int] = field(default_factory=dict)
    anywhere: int = 0
    anywhere_based: dict[str, int] = field(default_factory=dict)
    # The published roles' slugs and titles by id, to name the role facet's options.
    role_names: dict[int, tuple[str, str]] = field(default_factory=dict)

    def scaled(self, factor: float) -> Tally:
        """The counts of a sample, scaled to estimate the whole."""

        def scale(counts: dict) -> dict:
            return {key: round(count * factor) for key, count in counts.items()}

        return Tally(
            estimated=True,
            total_estimated=True,
            total=round(self.total * factor),
            role=scale(self.role),
            employment_type=scale(self.employment_type),
            workplace=scale(self.workplace),
            based=scale(self.based),
            open_to=scale(self.open_to),
            anywhere=round(self.anywhere * factor),
            anywhere_based=scale(self.anywhere_based),
        )

    def figure(self, count: int) -> str:
        """One of this tally's counts as a visitor reads it ("1,234", "about 58,000",
        "under 100"), or "" for exactly none: an estimate of none is "under 100"."""
        if not count and not self.estimated:
            return ""
        return count_text(count, estimated=self.estimated)

    def country(self, code: str) -> int:
        # Open to anywhere and based in the country: counted once, among those based there.
        return (
            self.based.get(code, 0)
            + self.open_to.get(code, 0)
            + self.anywhere
            - self.anywhere_based.get(code, 0)
        )


class PostingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Keywords",
        method="filter_q",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "class": "search-box__input",
                "maxlength": search.MAX_QUERY_LENGTH,
            }
        ),
    )
    role = django_filters.ModelChoiceFilter(
        label="Role",
        queryset=Role.objects.published(),
        to_field_name="slug",
        method="filter_role",
    )
    location = django_filters.CharFilter(
        label="City or region",
        method="filter_location",
        widget=forms.TextInput(attrs={"maxlength": 100}),
    )
    country = django_filters.CharFilter(label="Country", method="filter_country")
    employment_type = django_filters.ChoiceFilter(
        label="Employment type", choices=EmploymentType.choices
    )
    workplace = django_filters.ChoiceFilter(label="Workplace", choices=Workplace.choices)
    salary_min = django_filters.NumberFilter(
        label="Minimum yearly salary",
        method="filter_salary_min",
        min_value=0,
        max_value=MAX_SALARY,
        max_digits=12,
        decimal_places=2,
        # Text, not number: a number input cannot echo back what it failed to read.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 15}),
    )
    currency = django_filters.ChoiceFilter(
        label="Currency", choices=CURRENCIES, method="filter_currency", empty_label="Any currency"
    )
    posted_within = DaysFilter(label="Posted within", method="filter_posted_within", min_value=1)
    sort = django_filters.ChoiceFilter(label="Sort by", choices=Sort.choices, method="keep")

    class Meta:
        model = Posting
        fields: list[str] = []
        form = PostingSearchForm

    # Facets: the filter each one counts by; each is counted with the others applied.
    FACETS = ("role", "employment_type", "workplace", "country")

    def __init__(self, data: QueryDict | None = None, *args: Any, **kwargs: Any) -> None:
        if data is not None:
            # NUL bytes mean nothing in any parameter, and databases refuse them; no
            # parameter needs more than a few hundred characters, nor is echoed with more.
            data = data.copy()
            for key, values in list(data.lists()):
                data.setlist(
                    key, [value.replace("\x00", "")[:MAX_VALUE_LENGTH] for value in values]
                )
        super().__init__(data, *args, **kwargs)

    # -- The search -------------------------------------------------------------------

    @property
    def params(self) -> dict[str, Any]:
        """The parameters that were given and read cleanly; {} for an unbound form."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return {
            name: value for name, value in self.form.cleaned_data.items() if value not in (None, "")
        }

    @property
    def query(self) -> str:
        return self.params.get("q", "")

    @property
    def posted_within_choices(self) -> list[tuple[int, str]]:
        """The usual choices, and the one in the address if it is another."""
        days = self.params.get("posted_within")
        if days and days not in dict(POSTED_WITHIN):
            return sorted([*POSTED_WITHIN, (days, f"Last {days} days")])
        return POSTED_WITHIN

    @property
    def sort_order(self) -> str:
        """The order asked for, or the default: best match with keywords, else newest."""
        default = Sort.RELEVANCE if self.query else Sort.NEWEST
        sort = self.params.get("sort", default)
        return default if sort == Sort.RELEVANCE and not self.query else sort

    def filter_queryset(self, queryset: PostingQuerySet) -> PostingQuerySet:
        sort = self.sort_order
        if sort == Sort.RELEVANCE:
            postings = self.narrow(queryset, skip=["q"])
            postings = search.ranked(postings, self.query, window=RELEVANCE_WINDOW)
            return postings.order_by("-search_rank", "-published_at", "-pk")
        postings = self.narrow(queryset)
        if sort == Sort.SALARY:
            return postings.order_by(SALARY_ORDER.desc(), "-published_at", "-pk")
        return postings.order_by("-published_at", "-pk")

    def narrow(self, queryset: PostingQuerySet, *, skip: Iterable[str] = ()) -> PostingQuerySet:
        """The postings every valid parameter but those in `skip` allows."""
        skip = set(skip)
        for name, value in self.params.items():
            if name not in skip:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_q(self, queryset: PostingQuerySet, name: str, value: str) -> PostingQuerySet:
        return search.matching(queryset, value)

    def filter_role(self, queryset: PostingQuerySet, name: str, value: Role) -> PostingQuerySet:
        return queryset.for_role(value)

    def filter_location(self, queryset: PostingQuerySet, name: str, value: str) -> PostingQuerySet:
        return queryset.filter(Q(city__icontains=value) | Q(region__icontains=value))

    def filter_country(self, queryset: PostingQuerySet, name: str, value: str) -> PostingQuerySet:
        """Based in the country, or remote and open to it (no list means open to anywhere)."""
        open_to_it = Q(remote_countries="") | Q(remote_countries__contains=value)
        return queryset.filter(Q(country=value) | (Q(workplace=Workplace.REMOTE) & open_to_it))

    def filter_salary_min(self, queryset: PostingQuerySet, name: str, value) -> PostingQuerySet:
        """Pays at least `value` a year at the top of its range, in the chosen currency."""
        currency = self.params.get("currency")
        if not currency:
            return queryset
        return queryset.alias(top_yearly=Coalesce("salary_max_annual", "salary_min_annual")).filter(
            salary_currency=currency, top_yearly__gte=value
        )

    def filter_currency(self, queryset: PostingQuerySet, name: str, value: str) -> PostingQuerySet:
        return queryset.filter(salary_currency=value)

    def filter_posted_within(
        self, queryset: PostingQuerySet, name: str, value: int
    ) -> PostingQuerySet:
        return queryset.filter(published_at__gte=timezone.now() - timedelta(days=value))

    def keep(self, queryset: PostingQuerySet, name: str, value: Any) -> PostingQuerySet:
        return queryset

    # -- Facets -----------------------------------------------------------------------

    def groups(self, *, sample_buckets: int = 0) -> GroupRows:
        """The postings every parameter but the facets allows, grouped by the facets'
        columns (GROUP_FIELDS, then the count): one query. With `sample_buckets`, only the
        postings in that many of the SAMPLE_BUCKETS.

        COUNT(*) over the posting's own columns, with no join to the roles, lets the
        database read only an index (postings_published_facets, postings_published_sample)
        and group in memory."""
        base = self.queryset.order_by()
        if not sample_buckets:
            base = self.narrow(base, skip=self.FACETS)
        else:
            # A range closed at both ends, which SQLite's planner rates narrow enough to
            # read through the sample's index; and the keywords tested on each sampled
            # posting rather than all their matches looked up.
            base = base.alias(sample_bucket=SAMPLE_BUCKET).filter(
                sample_bucket__range=(0, sample_buckets - 1)
            )
            base = search.matching(
                self.narrow(base, skip=[*self.FACETS, "q"]), self.query, indexed=False
            )
        return list(base.values_list(*GROUP_FIELDS).annotate(count=Count("*")).order_by())

    def sample_buckets(self) -> int:
        """How many buckets hold about SAMPLE_SIZE postings, or 0 when there are so few
        postings that counting them all costs as little: one query, by the primary key."""
        population = Posting.objects.using(self.queryset.db).aggregate(last=Max("pk"))["last"] or 0
        if population < SAMPLE_FROM:
            return 0
        return min(SAMPLE_BUCKETS, math.ceil(SAMPLE_BUCKETS * SAMPLE_SIZE / population))

    def count_search(self) -> Tally:
        """An estimate from the sample when it finds a search with many results; exact
        counts when the search allows few postings; else the facets estimated and the total
        counted. Two or three queries."""
        buckets = self.sample_buckets()
        if buckets:
            groups = self.groups(sample_buckets=buckets)
            sampled = self.count_groups(groups)
            scale = SAMPLE_BUCKETS / buckets
            # A sampled count's standard deviation is about its square root.
            low = sampled.total - 4 * math.sqrt(sampled.total)
            if sampled.total >= MIN_SAMPLED and low * scale >= EXACT_COUNT_LIMIT:
                return sampled.scaled(scale)
            if sum(row[-1] for row in groups) * scale > EXACT_FACETS_LIMIT:
                # A rare combination of facets within a common word.
                tally = sampled.scaled(scale)
                results = self.narrow(self.queryset.order_by(), skip=["q"])
                tally.total = search.narrowed(results, self.query).count()
                tally.total_estimated = False
                return tally
        return self.count_groups(self.groups())

    def _tally_key(self) -> str:
        """The counts' cache key: the search, under the version of the public pages, which
        every edit changes. "" when the page cache is off."""
        if not caching.cache_seconds():
            return ""
        search = {
            name: value.slug if name == "role" else str(value)
            for name, value in self.params.items()
            if name != "sort"
        }
        text = json.dumps([self.queryset.db, search], sort_keys=True)
        digest = hashlib.sha256(text.encode()).hexdigest()
        return f"public-pages:{caching.version()}:search-counts:{digest}"

    @cached_property
    def tally(self) -> Tally:
        """The total and the facets' counts: up to four queries, or none when the same
        search was counted a moment ago (the next page, another order)."""
        key = self._tally_key()
        tally = cache.get(key) if key else None
        if tally is None:
            tally = self.count_search()
            tally.role_names = {
                pk: (slug, title)
                for pk, slug, title in Role.objects.using(self.queryset.db)
                .published()
                .order_by()
                .values_list("pk", "slug", "title")
            }
            if key:
                cache.set(key, tally, timeout=caching.cache_seconds())
        return tally

    def count_groups(self, groups: GroupRows) -> Tally:
        """The total and every facet's counts: each facet counted with the filters of the
        other three (and the rest) applied, in one pass over the groups."""
        params = self.params
        role = params.get("role")
        role_id = role.pk if role is not None else None
        employment_type = params.get("employment_type", "")
        workplace = params.get("workplace", "")
        country = params.get("country", "")
        remote = Workplace.REMOTE.value
        tally = Tally()
        lists: dict[str, set[str]] = {}
        for row_role, row_type, row_workplace, row_country, row_remote, count in groups:
            role_ok = role_id is None or row_role == role_id
            type_ok = not employment_type or row_type == employment_type
            workplace_ok = not workplace or row_workplace == workplace
            # As the country filter has it: based there, or remote and open to it.
            country_ok = (
                not country
                or row_country == country
                or (row_workplace == remote and (not row_remote or country in row_remote))
            )
            if type_ok and workplace_ok and country_ok:
                tally.role[row_role] = tally.role.get(row_role, 0) + count
            if role_ok and workplace_ok and country_ok:
                tally.employment_type[row_type] = tally.employment_type.get(row_type, 0) + count
            if role_ok and type_ok and country_ok:
                tally.workplace[row_workplace] = tally.workplace.get(row_workplace, 0) + count
            if not (role_ok and type_ok and workplace_ok):
                continue
            if country_ok:
                tally.total += count
            if row_country:
                tally.based[row_country] = tally.based.get(row_country, 0) + count
            if row_workplace != remote:
                continue
            if not row_remote:
                tally.anywhere += count
                tally.anywhere_based[row_country] = tally.anywhere_based.get(row_country, 0) + count
                continue
            if row_remote not in lists:
                lists[row_remote] = set(row_remote.split())
            for code in lists[row_remote] - {row_country}:
                tally.open_to[code] = tally.open_to.get(code, 0) + count
        return tally

    def count(self) -> int:
        """How many postings match the search: from the groups, no query of its own."""
        return self.tally.total

    def count_text(self) -> str:
        """The number of results as a visitor reads it: "58,010", or "about 58,000"."""
        return count_text(self.tally.total, estimated=self.tally.total_estimated)

    def facets(self) -> dict[str, list[FacetOption]]:
        """Counts for each facet's values over the current results, each facet counted with
        the other filters applied, all from the groups."""
        params = self.params
        tally = self.tally
        published_roles = tally.role_names
        selected_role = params.get("role")
        roles: dict[str, tuple[str, int]] = {}
        for role_id, count in tally.role.items():
            if role_id in published_roles:
                slug, title = published_roles[role_id]
                roles[slug] = (title, count)
        if selected_role and selected_role.slug not in roles:
            roles[selected_role.slug] = (selected_role.title, 0)
        role_options = sorted(
            (
                FacetOption(
                    slug,
                    title,
                    count,
                    bool(selected_role and slug == selected_role.slug),
                    tally.estimated,
                )
                for slug, (title, count) in roles.items()
            ),
            key=lambda option: option.label.lower(),
        )
        chosen_country = params.get("country", "")
        codes = set(tally.based) | set(tally.open_to) | ({chosen_country} - {""})
        countries = sorted(
            (
                FacetOption(
                    code,
                    country_name(code),
                    tally.country(code),
                    code == chosen_country,
                    tally.estimated,
                )
                for code in codes
            ),
            key=lambda option: option.label,
        )
        return {
            "role": role_options,
            "employment_type": self._choice_facet(
                tally.employment_type, "employment_type", EmploymentType
            ),
            "workplace": self._choice_facet(tally.workplace, "workplace", Workplace),
            "country": countries,
        }

    def _choice_facet(self, counts: dict[str, int], name: str, choices) -> list[FacetOption]:
        chosen = self.params.get(name, "")
        return [
            FacetOption(value, label, counts.get(value, 0), value == chosen, self.tally.estimated)
            for value, label in choices.choices
        ]
