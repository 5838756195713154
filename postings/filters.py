"""The job search form: a FilterSet over public postings, with its facet counts.

`PostingFilter(request.GET, queryset=Posting.objects.public())`: `.form` is the search form
the page renders, `.qs` the matching postings in the asked order, `.facets()` the counts
beside each filter. Malformed parameters become form errors and are left out of the search;
nothing a visitor puts in the query string raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone

from postings import search
from postings.display import country_name
from postings.models import EmploymentType, Posting, PostingQuerySet, Workplace
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


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


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
        postings = self.narrow(queryset, ranked=sort == Sort.RELEVANCE)
        if sort == Sort.RELEVANCE:
            return postings.order_by("-search_rank", "-published_at", "-pk")
        if sort == Sort.SALARY:
            yearly = Coalesce("salary_max_annual", "salary_min_annual")
            return postings.order_by(yearly.desc(nulls_last=True), "-published_at", "-pk")
        return postings.order_by("-published_at", "-pk")

    def narrow(
        self, queryset: PostingQuerySet, *, skip: str = "", ranked: bool = False
    ) -> PostingQuerySet:
        """The postings every valid parameter but `skip` allows; `ranked` annotates each
        with its `search_rank` when there are keywords."""
        for name, value in self.params.items():
            if name == skip:
                continue
            if name == "q" and ranked:
                queryset = search.ranked(queryset, value)
            else:
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

    def facets(self) -> dict[str, list[FacetOption]]:
        """Counts for each facet's values over the current results, each facet counted with
        the other filters applied: one GROUP BY query per facet, whatever the data size."""
        params = self.params
        base = self.queryset.order_by()
        counts = {name: self.narrow(base, skip=name) for name in self.FACETS}
        selected_role = params.get("role")
        role_rows = (
            counts["role"]
            .filter(role__is_published=True)
            .values_list("role__slug", "role__title")
            .annotate(count=Count("pk"))
        )
        roles = {slug: (title, count) for slug, title, count in role_rows}
        if selected_role and selected_role.slug not in roles:
            roles[selected_role.slug] = (selected_role.title, 0)
        role_options = sorted(
            (
                FacetOption(slug, title, count, bool(selected_role and slug == selected_role.slug))
                for slug, (title, count) in roles.items()
            ),
            key=lambda option: option.label.lower(),
        )
        return {
            "role": role_options,
            "employment_type": self._choice_facet(
                counts["employment_type"], "employment_type", EmploymentType.choices
            ),
            "workplace": self._choice_facet(counts["workplace"], "workplace", Workplace.choices),
            "country": self._country_facet(counts["country"], params.get("country", "")),
        }

    def _choice_facet(self, postings: PostingQuerySet, field: str, choices) -> list[FacetOption]:
        counts = dict(postings.values_list(field).annotate(count=Count("pk")))
        chosen = self.params.get(field, "")
        return [
            FacetOption(value, label, counts.get(value, 0), value == chosen)
            for value, label in choices
        ]

    def _country_facet(self, postings: PostingQuerySet, chosen: str) -> list[FacetOption]:
        """A country counts the postings based in it and the remote ones open to it, as the
        country filter does; rows are grouped by place, so their number follows the variety
        of places, not the number of postings."""
        rows = postings.values_list("country", "workplace", "remote_countries").annotate(
            count=Count("pk")
        )
        based: dict[str, int] = {}
        open_to: dict[str, int] = {}
        anywhere = 0
        # Open to anywhere and based in the country: counted once, among those based there.
        anywhere_based: dict[str, int] = {}
        for country, workplace, remote_countries, count in rows:
            if country:
                based[country] = based.get(country, 0) + count
            if workplace != Workplace.REMOTE:
                continue
            if not remote_countries:
                anywhere += count
                anywhere_based[country] = anywhere_based.get(country, 0) + count
                continue
            for code in set(remote_countries.split()) - {country}:
                open_to[code] = open_to.get(code, 0) + count
        codes = set(based) | set(open_to) | ({chosen} if chosen else set())
        options = [
            FacetOption(
                code,
                country_name(code),
                based.get(code, 0) + open_to.get(code, 0) + anywhere - anywhere_based.get(code, 0),
                code == chosen,
            )
            for code in codes
        ]
        return sorted(options, key=lambda option: option.label)
