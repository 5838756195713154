"""The job search: a FilterSet over public postings, and its description in words.

`PostingFilter(request.GET, queryset=Posting.objects.public())`: `.form` is the search form
the page renders, `.qs` the matching postings in the asked order, `.tally` the counts
(postings/facets.py) and `.count()` the number of results. Malformed parameters become form
errors and are left out of the search; nothing a visitor puts in the query string raises.

The FilterSet also says what the search is, once, for every page that shows or links to
it (the search page, the feeds, the alerts to come): its heading, the filters in use with
the address of the search without each, its canonical address and a one-line summary.
Which parameters choose the results and which only arrange them is SEARCH_PARAMETERS and
ARRANGING_PARAMETERS here, and nowhere else; of the first, `currency` chooses only beside
`salary_min` (`PostingFilter.choosing`).

Salaries compare across currencies (postings/currencies.py): `currency` is the one they are
read in, US dollars unless named, and `paid_in` the one postings are paid in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from jobsite import caching
from jobsite.origin import absolute_url
from postings import currencies, facets, landing, places, search, spelling, understanding
from postings.display import country_name
from postings.facets import FacetOption, Select, Tally
from postings.models import EmploymentType, Posting, PostingQuerySet, SearchTerm, Workplace
from roles import presentation
from roles.models import Role

MAX_POSTED_WITHIN_DAYS = 3650
MAX_SALARY = 100_000_000
MAX_VALUE_LENGTH = search.MAX_QUERY_LENGTH
SUMMARY_LENGTH = 200

# Relevance is ranked among the newest matches only: ranking reads each match's whole search
# document, so a word found in most postings would otherwise cost a second per search.
RELEVANCE_WINDOW = 500
PAGE_SIZE = 20
# How far a visitor may page. Each page further costs the database one page more to skip, and
# a relevance ranking covers only the newest matches; a deeper page number shows the last
# page. Beyond these, narrowing the search serves better.
MAX_PAGES = 100
# Sort by salary: the yearly top of the range in euros, highest first, then the salaries in a
# currency without a rate, then none (Posting.salary_top_eur): the index
# postings_published_salary, in its order.
SALARY_ORDER = ("-salary_top_eur", "-published_at", "-pk")

POSTED_WITHIN = [(1, "Last 24 hours"), (3, "Last 3 days"), (7, "Last week"), (30, "Last month")]
# Parameters that only arrange the results: the order, and which page of them.
ARRANGING_PARAMETERS = ("sort", "page")


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

    def clean_literal(self) -> bool | None:
        # Only "literal=1" (or true) means anything; any other value, nothing.
        return True if self.cleaned_data.get("literal") else None

    def clean_location(self) -> str:
        """The place as it is canonically written: "nyc", "NEW YORK CITY" → "New York"."""
        return places.canonical(self.cleaned_data.get("location") or "")

    def clean_country(self) -> str:
        code = (self.cleaned_data.get("country") or "").strip().upper()
        if code and not (len(code) == 2 and code.isascii() and code.isalpha()):
            raise forms.ValidationError("Choose a country from the list.")
        return code

    def clean_currency(self) -> str:
        return clean_currency_code(self.cleaned_data.get("currency"))

    def clean_paid_in(self) -> str:
        return clean_currency_code(self.cleaned_data.get("paid_in"))

    def clean_posted_within(self) -> int | None:
        days = self.cleaned_data.get("posted_within")
        # Any number of days is a fair question; beyond ten years the answer is the same.
        return min(days, MAX_POSTED_WITHIN_DAYS) if days else days

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("q"):
            # The words as typed: there are none.
            cleaned["literal"] = None
        return cleaned


def clean_currency_code(value: str | None) -> str:
    """ "aed " → "AED": a posting may be paid in any three-letter code (as its column
    allows), so any is a fair question; anything else is a form error."""
    code = (value or "").strip().upper()
    if code and not (len(code) == 3 and code.isascii() and code.isalpha()):
        raise forms.ValidationError("Choose a currency from the list.")
    return code


class DaysFilter(django_filters.Filter):
    field_class = forms.IntegerField


@dataclass(frozen=True)
class Term:
    """One parameter of a search in words: "Remote", "“supply”", "At least 50,000 GBP a
    year"; `label` says what the words are where they do not say it themselves."""

    name: str
    words: str
    pattern: str = "{}"
    label: str = ""

    def text(self, clean: Callable[[str], str] = str) -> str:
        """The term as a filter in use reads; "" when `clean` leaves no words."""
        words = clean(self.words)
        return self.pattern.format(words) if words else ""

    def summary(self, clean: Callable[[str], str] = str) -> str:
        text = self.text(clean)
        return f"{self.label}: {text}" if text and self.label else text


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
    # The keywords as typed: no shorthand read, no misspelling corrected (postings/spelling.py).
    literal = django_filters.BooleanFilter(
        label="Words as typed", method="keep", widget=forms.HiddenInput
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
    # The currency salaries are read in: the minimum's and the converted figures'. It
    # chooses nothing by itself; filter_salary_min reads it.
    currency = django_filters.CharFilter(label="Salaries in", method="keep")
    paid_in = django_filters.CharFilter(label="Paid in", method="filter_paid_in")
    posted_within = DaysFilter(label="Posted within", method="filter_posted_within", min_value=1)
    sort = django_filters.ChoiceFilter(label="Sort by", choices=Sort.choices, method="keep")

    class Meta:
        model = Posting
        fields: list[str] = []
        form = PostingSearchForm

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
        """The parameters that were given and read cleanly, the keywords as the search reads
        them (`reading`), and the filters the keywords name (`understood`); {} for an
        unbound form. A copy: the page asks for it dozens of times."""
        return dict(self.read_params)

    @cached_property
    def read_params(self) -> dict[str, Any]:
        params = self.typed_params
        if "q" in params:
            understood = self.understood
            params.update(understood.filters)
            params["q"] = understood.query
            if not params["q"]:
                del params["q"]
        return params

    @property
    def typed_params(self) -> dict[str, Any]:
        """The parameters that were given and read cleanly, the keywords as typed."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return {
            name: value for name, value in self.form.cleaned_data.items() if value not in (None, "")
        }

    @property
    def query(self) -> str:
        """The keywords searched for: as typed, with shorthand read, misspellings corrected
        when the words as typed find nothing, and the words that named filters left out."""
        return self.read_params.get("q", "")

    @property
    def reading(self) -> spelling.Reading:
        """What the keywords are taken to mean (postings/spelling.py)."""
        return self.interpretation[0]

    @property
    def understood(self) -> understanding.Understanding:
        """The filters the keywords name, and the words left to search for
        (postings/understanding.py); none with `literal`."""
        return self.interpretation[1]

    @cached_property
    def interpretation(self) -> tuple[spelling.Reading, understanding.Understanding]:
        """The keywords read and understood: a few queries, kept in the cache beside the
        search's counts for its next page or order."""
        params = self.typed_params
        typed, literal = params.get("q", ""), bool(params.get("literal"))
        if not typed:
            return spelling.Reading(typed, typed), understanding.Understanding(typed)
        using = self.queryset.db
        chosen = facets.as_text(params, leaving_out=ARRANGING_PARAMETERS)
        key = caching.versioned_key("search-reading", using, chosen)
        found = cache.get(key) if key else None
        if found is None:

            def finds(query: str) -> bool:
                # Counted, not exists(): asked about words with a misspelling, which match
                # few postings or none, and PostgreSQL's planner answers EXISTS for a word
                # it has no statistics on by walking the postings in the hope of an early
                # match (100 ms at 100,000 postings, against 3 through the index).
                others = self.narrow(self.queryset.order_by(), skip=["q"], params=params)
                return search.matching(others, query).count() > 0

            reading = spelling.read(typed, using=using, literal=literal, finds=finds)
            found = (reading, self.understand(reading.query, literal=literal, given=params))
            if key:
                cache.set(key, found, timeout=caching.cache_seconds())
        return found

    def understand(
        self, query: str, *, literal: bool, given: dict[str, Any]
    ) -> understanding.Understanding:
        """The filters `query` names beside those `given` (none with `literal`): one query
        for the vocabulary's kinds of its words, and one for each reading of an ambiguous
        place."""
        if literal:
            return understanding.Understanding(query)
        using = self.queryset.db
        return understanding.understand(
            query,
            given=given.keys(),
            kinds_of=lambda words: SearchTerm.objects.using(using).kinds(words),
            has_postings=lambda place: self.queryset.order_by().filter(based_in(place)).exists(),
        )

    @cached_property
    def place_parts(self) -> list[places.PlacePart]:
        """The place the search is narrowed to (`location`), as alternatives that an index
        on one city or region key reads: the search is counted and walked within them
        (postings/facets.py, search.ranked). [] for no place, or a country."""
        location = self.params.get("location")
        return places.location_parts(location) if location else []

    @cached_property
    def named_role(self) -> Role | None:
        """The published role the keywords name (RoleQuerySet.named_in): its postings rank
        first and the page opens with what it is. One query when there are keywords,
        with the fields the role's answer shows."""
        words = search.sought(self.query)
        if not words:
            return None
        roles = Role.objects.using(self.queryset.db).published()
        return roles.only(*presentation.ANSWER_FIELDS).named_in(words)

    @property
    def reading_currency(self) -> str:
        """The currency salaries are read in: the one asked for, or US dollars."""
        return self.params.get("currency") or currencies.DEFAULT_READING

    @property
    def compares_salaries(self) -> bool:
        """Whether the search puts salaries side by side: a minimum, the salary order, or a
        currency to read them in."""
        params = self.params
        return "salary_min" in params or "currency" in params or self.sort_order == Sort.SALARY

    @property
    def posted_within_choices(self) -> list[tuple[int, str]]:
        """The usual choices, and the one in the address if it is another."""
        days = self.params.get("posted_within")
        if days and days not in dict(POSTED_WITHIN):
            return sorted([*POSTED_WITHIN, (days, f"Last {days} days")])
        return POSTED_WITHIN

    @property
    def max_pages(self) -> int:
        """How many pages of results the search offers: keywords rank only the newest
        matches (RELEVANCE_WINDOW), whatever the order."""
        return RELEVANCE_WINDOW // PAGE_SIZE if self.query else MAX_PAGES

    @property
    def deepest_result(self) -> int:
        """How many results a visitor can page through: an estimated count must surely
        pass it, so that every page offered holds results (postings/facets.py)."""
        return self.max_pages * PAGE_SIZE

    @property
    def sort_order(self) -> str:
        """The order asked for, or the default: best match with keywords, else newest."""
        default = Sort.RELEVANCE if self.query else Sort.NEWEST
        sort = self.params.get("sort", default)
        return default if sort == Sort.RELEVANCE and not self.query else sort

    def filter_queryset(self, queryset: PostingQuerySet) -> PostingQuerySet:
        sort = self.sort_order
        if sort == Sort.RELEVANCE:
            # The place, if any, by its parts, which the ranking walks one by one.
            within = self.place_parts
            postings = self.narrow(queryset, skip=["q", "location"] if within else ["q"])
            role = self.named_role
            tally = self.tally
            common, favoured_common = tally.common, False
            if within:
                common = tally.walkable(tally.total, RELEVANCE_WINDOW)
                if role is not None:
                    favoured_count = tally.count("role", role.pk)
                    favoured_window = search.favoured_window(RELEVANCE_WINDOW)
                    favoured_common = tally.walkable(favoured_count, favoured_window)
            postings = search.ranked(
                postings,
                self.query,
                window=RELEVANCE_WINDOW,
                favoured=Q(role=role) if role else None,
                common=common,
                favoured_common=favoured_common,
                within=within,
            )
            return postings.order_by("-search_rank", "-published_at", "-pk")
        postings = self.narrow(queryset)
        if sort == Sort.SALARY:
            return postings.order_by(*SALARY_ORDER)
        return postings.order_by("-published_at", "-pk")

    def narrow(
        self,
        queryset: PostingQuerySet,
        *,
        skip: Iterable[str] = (),
        params: dict[str, Any] | None = None,
    ) -> PostingQuerySet:
        """The postings every valid parameter (of `params`, by default the search's) but
        those in `skip` allows."""
        skip = set(skip)
        for name, value in (self.params if params is None else params).items():
            if name not in skip:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_q(self, queryset: PostingQuerySet, name: str, value: str) -> PostingQuerySet:
        return search.matching(queryset, value)

    def filter_role(self, queryset: PostingQuerySet, name: str, value: Role) -> PostingQuerySet:
        return queryset.for_role(value)

    def filter_location(self, queryset: PostingQuerySet, name: str, value: str) -> PostingQuerySet:
        """In the city or region the value names, however the posting spells it."""
        return queryset.filter(places.location_q(value))

    def filter_country(self, queryset: PostingQuerySet, name: str, value: str) -> PostingQuerySet:
        """Based in the country, or remote and open to it (no list means open to anywhere)."""
        open_to_it = Q(remote_countries="") | Q(remote_countries__contains=value)
        return queryset.filter(Q(country=value) | (Q(workplace=Workplace.REMOTE) & open_to_it))

    def filter_salary_min(
        self, queryset: PostingQuerySet, name: str, value: Decimal
    ) -> PostingQuerySet:
        """Pays at least `value` a year at the top of its range, in the reading currency:
        in its own figures when paid in it, else converted (a salary in a currency without
        a rate is compared in no other)."""
        reading = self.reading_currency
        meets = Q(salary_currency=reading, top_yearly__gte=value)
        euros = currencies.in_euros(value, reading)
        if euros is not None:
            meets |= ~Q(salary_currency=reading) & Q(salary_top_eur__gte=euros)
        top_yearly = Coalesce("salary_max_annual", "salary_min_annual")
        return queryset.alias(top_yearly=top_yearly).filter(meets)

    def filter_paid_in(self, queryset: PostingQuerySet, name: str, value: str) -> PostingQuerySet:
        return queryset.filter(salary_currency=value)

    def filter_posted_within(
        self, queryset: PostingQuerySet, name: str, value: int
    ) -> PostingQuerySet:
        return queryset.filter(published_at__gte=timezone.now() - timedelta(days=value))

    def keep(self, queryset: PostingQuerySet, name: str, value: Any) -> PostingQuerySet:
        return queryset

    # -- What the search is, in words and addresses ------------------------------------

    def terms(self, params: dict[str, Any] | None = None) -> list[Term]:
        """The parameters that choose the results (or those of `params`), in words, in the
        form's order."""
        params = self.params if params is None else params
        currency = self.reading_currency
        words: dict[str, Callable[[Any], Term]] = {
            "q": lambda value: Term("q", value, "“{}”"),
            "literal": lambda value: Term("literal", "Words as typed"),
            "role": lambda value: Term("role", value.title, label="Role"),
            "location": lambda value: Term("location", value, label="City or region"),
            "country": lambda value: Term("country", country_name(value), label="Country"),
            "employment_type": lambda value: Term(
                "employment_type", EmploymentType(value).label, label="Employment type"
            ),
            "workplace": lambda value: Term("workplace", Workplace(value).label, label="Workplace"),
            "salary_min": lambda value: Term(
                "salary_min", f"{value:,.0f} {currency}", "At least {} a year"
            ),
            # The reading currency is said with the minimum; alone it chooses nothing.
            "paid_in": lambda value: Term("paid_in", value, "Paid in {}"),
            "posted_within": lambda value: Term(
                "posted_within", str(value), "Posted in the last {} days"
            ),
        }
        return [
            words[name](params[name])
            for name in SEARCH_PARAMETERS
            if name in params.keys() & words.keys()
        ]

    def heading(self) -> str:
        """ "Full-time remote Chief Operating Officer jobs matching “supply” in Ireland"."""
        text = self.describe(self.params)
        return text[:1].upper() + text[1:]

    def understood_text(self) -> str:
        """ "remote jobs matching “COO” in London": what the page shows for keywords that
        named filters; "" when they named none."""
        understood = self.understood
        if not understood.filters:
            return ""
        return self.describe(
            {**understood.filters, "q": understood.query}
            if understood.query
            else understood.filters
        )

    def describe(self, params: dict[str, Any]) -> str:
        """The search of `params` in words, as the heading says it, in lower case."""
        terms = {term.name: term for term in self.terms(params)}
        words = [
            terms[name].words.lower() for name in ("employment_type", "workplace") if name in terms
        ]
        if "role" in terms:
            words.append(terms["role"].words)
        words.append("jobs")
        if "q" in terms:
            words.append(f"matching {terms['q'].text()}")
        places = [params.get("location", ""), country_name(params.get("country", ""))]
        place = ", ".join(part for part in places if part)
        if place:
            words.append(f"in {place}")
        return " ".join(words)

    def summary(self, clean: Callable[[str], str] = str) -> str:
        """ "“coo” · Workplace: Remote": what the search asks for, on one line, each value
        passed through `clean` (a feed's plain text); "" for every posting."""
        parts = filter(None, (term.summary(clean) for term in self.terms()))
        return Truncator(" · ".join(parts)).chars(SUMMARY_LENGTH)

    def active_filters(self) -> list[tuple[str, str]]:
        """For each parameter in use, what it is and the address of the search without it
        (and without its page). The data holds only the parameters the page reads
        (`public_page` dropped the others), so no link carries one the search ignored."""
        filters = []
        # Keywords that named filters: each is removed from the search's filter form, where
        # it has a parameter of its own (the keywords would name it again).
        data = self.filter_form() if self.understood.filters else self.data
        for term in self.terms():
            rest = data.copy()
            # "As typed" means nothing without the words.
            dropped = ("q", "literal") if term.name == "q" else (term.name,)
            for name in (*dropped, "page"):
                rest.pop(name, None)
            filters.append((term.text(), jobs_url(rest)))
        return filters

    def filter_form(self) -> QueryDict:
        """The parameters that choose the postings, in a fixed order: the filters the
        keywords named have their own, and `q` holds only the words left."""
        form = QueryDict(mutable=True)
        for name, value in self.choosing().items():
            form[name] = canonical_value(name, value)
        return form

    def canonical_url(self, page: int = 1) -> str:
        """/jobs/ with the parameters that choose the postings, in a fixed order: an
        understood search's is its filter form (`q=remote` → `workplace=remote`)."""
        canonical = self.filter_form()
        if page > 1:
            canonical["page"] = str(page)
        url = absolute_url(reverse("postings:posting_list"))
        return f"{url}?{canonical.urlencode()}" if canonical else url

    def feed_url(self, url_name: str) -> str:
        """The feed `url_name` names (RSS or Atom) of this search: its filter form, the
        parameters the feeds read, on the feed's address."""
        url = reverse(url_name)
        canonical = self.filter_form().urlencode()
        return f"{url}?{canonical}" if canonical else url

    def search_url(self, query: str, *, literal: bool = False) -> str:
        """The address of this search with the keywords `query`, as typed with `literal`
        (its first page)."""
        data = self.data.copy()
        data["q"] = query
        for name in ("literal", "page"):
            data.pop(name, None)
        if literal:
            data["literal"] = "1"
        return jobs_url(data)

    def as_typed_url(self) -> str:
        """ "Search instead for …": the keywords as typed, none of them read otherwise."""
        return self.search_url(self.reading.typed, literal=True)

    def suggestion_url(self) -> str:
        """ "Did you mean …?": the search with the misspellings corrected."""
        suggestion = self.reading.suggestion
        return self.search_url(suggestion.text) if suggestion else ""

    def role_jobs(self, role: Role) -> RoleJobs:
        """The results of `role`, counted with the rest (no query), and the address of this
        search narrowed to it, which lists exactly those."""
        count = self.tally.count("role", role.pk)
        narrowed = self.data.copy()
        narrowed.pop("page", None)
        narrowed["role"] = role.slug
        return RoleJobs(count=count, text=self.tally.figure(count), url=jobs_url(narrowed))

    def is_worth_indexing(self, page: int) -> bool:
        """Page one of no search, or of one filter with a known value and enough results
        (postings/landing.py): the combinations, thin pages and later pages are many, so
        search engines may follow them but not keep them."""
        choosing = self.choosing()
        if page != 1 or len(choosing) > 1 or "q" in choosing or self.form.errors:
            return False
        if not choosing:
            return True
        ((name, value),) = choosing.items()
        return landing.is_landing_page(name, value, self.count())

    def choosing(self) -> dict[str, Any]:
        """The parameters that choose the postings: the search's, but the currency only with
        a minimum salary (alone it changes how salaries read, not which postings show)."""
        params = self.params
        return {
            name: value
            for name, value in params.items()
            if name in SEARCH_PARAMETERS and (name != "currency" or "salary_min" in params)
        }

    # -- Counts and the form's selects ------------------------------------------------

    @cached_property
    def tally(self) -> Tally:
        """The total and the facets' counts (postings/facets.py): up to four queries, or
        none when the same search was counted a moment ago."""
        return facets.tally(self)

    def count(self) -> int:
        """How many postings match the search: from the counts, no query of its own."""
        return self.tally.total

    def count_text(self) -> str:
        """The number of results as a visitor reads it: "58,010", or "about 58,000"."""
        return self.tally.total_text

    def facets(self) -> dict[str, list[FacetOption]]:
        """Counts for each facet's values over the current results, each facet counted with
        the other filters applied."""
        return facets.options(self, self.tally)

    @cached_property
    def shown_form(self) -> forms.Form:
        """The form as the page shows it. Where the keywords named filters, the search's
        filter form: the box holds the words left and each filter its own field, so that
        sending the form again makes the same search (with the words as typed beside a
        chosen workplace, "remote" would be a word). Else, and beside errors, as sent."""
        if not self.understood.filters or self.form.errors:
            return self.form
        data = self.filter_form()
        if "sort" in self.data:
            data["sort"] = self.data["sort"]
        shown = self.get_form_class()(data, prefix=self.form_prefix)
        shown.is_valid()
        return shown

    def selects(self) -> SearchSelects:
        """The form's selects: the facets' with their counts, the posting date, the order."""
        form = self.shown_form
        days = self.params.get("posted_within")
        sort = self.sort_order
        sorts = Sort.choices if self.query else Sort.choices[1:]
        return SearchSelects(
            facets=facets.selects(self, self.tally, form),
            posted_within=Select(
                form["posted_within"],
                "Posted",
                [
                    FacetOption(str(value), label, 0, value == days, counted=False)
                    for value, label in self.posted_within_choices
                ],
                any_label="Any time",
            ),
            sort=Select(
                form["sort"],
                "Sort by",
                [
                    FacetOption(value, label, 0, value == sort, counted=False)
                    for value, label in sorts
                ],
            ),
            currency=self.currency_select(form),
        )

    def currency_select(self, form: forms.Form) -> Select:
        """The currencies salaries may be read in: those with a rate and those postings are
        paid in (from the counts: no query of its own), US dollars first as the default."""
        reading = self.reading_currency
        in_use = {code for code in self.tally.facets["paid_in"] if isinstance(code, str)}
        codes = sorted((currencies.rated() | in_use | {reading}) - {currencies.DEFAULT_READING, ""})
        return Select(
            form["currency"],
            "Salaries in",
            [
                FacetOption(
                    code, currencies.currency_label(code), 0, code == reading, counted=False
                )
                for code in codes
            ],
            any_label=currencies.currency_label(currencies.DEFAULT_READING),
            help_text=f"Other currencies are converted at {currencies.rates_text()}.",
        )


def based_in(place: places.Place) -> Q:
    """Postings based in the place: for a country, not those merely open to it from afar
    (which the country filter counts), so that a name whose readings are a country and a
    state goes to the one with jobs there."""
    if place.kind == places.COUNTRY:
        return Q(country=place.country)
    return places.location_q(place.name)


def jobs_url(data: QueryDict) -> str:
    """/jobs/ with the parameters of `data` (none: no "?")."""
    base = reverse("postings:posting_list")
    encoded = data.urlencode()
    return f"{base}?{encoded}" if encoded else base


def canonical_value(name: str, value: Any) -> str:
    if name == "role":
        return value.slug
    if name == "literal":
        return "1"
    return str(value)


@dataclass(frozen=True)
class RoleJobs:
    """A role's postings among a search's results: how many ("" for none), and where."""

    count: int
    text: str
    url: str


@dataclass(frozen=True)
class SearchSelects:
    facets: list[Select]
    posted_within: Select
    sort: Select
    currency: Select


# The parameters that choose the results: every filter but those that arrange them (the
# currency salaries are read in among them, for the minimum salary reads it).
SEARCH_PARAMETERS = tuple(
    name for name in PostingFilter.base_filters if name not in ARRANGING_PARAMETERS
)
# What a page of results reads: the search, its order and the page number.
PAGE_PARAMETERS = (*SEARCH_PARAMETERS, *ARRANGING_PARAMETERS)
