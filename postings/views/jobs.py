"""Public posting search: /jobs/."""

from __future__ import annotations

from functools import cached_property
from math import ceil
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from jobsite.caching import expires_with, public_page
from jobsite.origin import absolute_url
from postings import search
from postings.display import RESULT_FIELDS, country_name
from postings.filters import RELEVANCE_WINDOW, PostingFilter, Sort
from postings.models import EmploymentType, Posting, Workplace

PAGE_SIZE = 20
# How far a visitor may page. Each page further costs the database one page more to skip, and
# a relevance ranking covers only the newest matches (filters.RELEVANCE_WINDOW); a deeper
# page number shows the last page. Beyond these, narrowing the search serves better.
MAX_PAGES = 100
MAX_KEYWORD_PAGES = RELEVANCE_WINDOW // PAGE_SIZE
# Parameters that pick what the page lists; `sort` and `page` only arrange it.
CANONICAL_PARAMETERS = (
    "q",
    "role",
    "location",
    "country",
    "employment_type",
    "workplace",
    "salary_min",
    "currency",
    "posted_within",
)


# What the search page reads from its query: the filters, and which page.
SEARCH_PARAMETERS = (*PostingFilter.base_filters, "page")


class SearchPaginator(Paginator):
    """A Paginator told the number of results (counted with the facets, so it runs no COUNT
    of its own) and how many pages it may offer."""

    def __init__(self, object_list: Any, per_page: int, *, count: int, max_pages: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count
        self.max_pages = max_pages

    @cached_property
    def count(self) -> int:
        return self.known_count

    @cached_property
    def num_pages(self) -> int:
        return max(1, min(ceil(self.count / self.per_page), self.max_pages))


@require_safe
@public_page(reads=SEARCH_PARAMETERS)
def posting_list(request: HttpRequest) -> TemplateResponse:
    filterset = PostingFilter(request.GET, queryset=Posting.objects.public())
    # A result shows its organisation's name (joined, not one query per result) and none of
    # the long texts: the rows the database reads and sends stay small.
    postings = filterset.qs.select_related("organisation").only(*RESULT_FIELDS)
    paginator = SearchPaginator(
        postings,
        PAGE_SIZE,
        count=filterset.count(),
        max_pages=MAX_KEYWORD_PAGES if filterset.query else MAX_PAGES,
    )
    page = paginator.get_page(request.GET.get("page"))
    query = filterset.query
    if query:
        excerpts = search.snippets(page.object_list, query, using=postings.db)
        for posting in page.object_list:
            posting.snippet = excerpts.get(posting.pk, "")

    params = filterset.params
    heading = describe(params)
    response = TemplateResponse(
        request,
        "postings/posting_list.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "facets": filterset.facets(),
            "page_obj": page,
            "result_count": filterset.count_text(),
            "postings": page.object_list,
            "heading": heading,
            "query": query,
            "sort": filterset.sort_order,
            "posted_within": params.get("posted_within"),
            "posted_within_choices": filterset.posted_within_choices,
            "sort_choices": Sort.choices if query else Sort.choices[1:],
            "active_filters": active_filters(request.GET, params),
            "canonical_url": canonical_url(params, page.number),
            # Page one of no search or of one filter is worth indexing; the combinations
            # and later pages are many and thin, so search engines may follow but not keep.
            "noindex": page.number > 1
            or len(params.keys() - {"sort"}) > 1
            or "q" in params
            or bool(filterset.form.errors),
        },
    )
    return expires_with(response, page.object_list)


def describe(params: dict[str, Any]) -> str:
    """ "Full-time remote Chief Operating Officer jobs matching “supply” in Ireland"."""
    words = []
    if "employment_type" in params:
        words.append(EmploymentType(params["employment_type"]).label.lower())
    if "workplace" in params:
        words.append(Workplace(params["workplace"]).label.lower())
    if "role" in params:
        words.append(params["role"].title)
    words.append("jobs")
    if "q" in params:
        words.append(f"matching “{params['q']}”")
    places = [params.get("location", ""), country_name(params.get("country", ""))]
    place = ", ".join(part for part in places if part)
    if place:
        words.append(f"in {place}")
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def active_filters(query: QueryDict, params: dict[str, Any]) -> list[tuple[str, str]]:
    """For each parameter in use, what it is and the address of the search without it.
    `query` holds only the parameters the page reads (`public_page` dropped the others), so
    no link carries a parameter the search ignored."""
    labels = {
        "q": lambda value: f"“{value}”",
        "role": lambda value: value.title,
        "location": str,
        "country": country_name,
        "employment_type": lambda value: EmploymentType(value).label,
        "workplace": lambda value: Workplace(value).label,
        "salary_min": lambda value: f"At least {value:,.0f} {params.get('currency', '')} a year",
        "currency": lambda value: f"Paid in {value}",
        "posted_within": lambda value: f"Posted in the last {value} days",
    }
    base = reverse("postings:posting_list")
    filters = []
    for name, label in labels.items():
        if name not in params:
            continue
        rest = query.copy()
        for dropped in (name, "page", *(("salary_min",) if name == "currency" else ())):
            rest.pop(dropped, None)
        encoded = rest.urlencode()
        filters.append((label(params[name]), f"{base}?{encoded}" if encoded else base))
    return filters


def canonical_url(params: dict[str, Any], page: int) -> str:
    """/jobs/ with the parameters that choose the postings, in a fixed order."""
    canonical = QueryDict(mutable=True)
    for name in CANONICAL_PARAMETERS:
        if name in params:
            value = params[name]
            canonical[name] = value.slug if name == "role" else str(value)
    if page > 1:
        canonical["page"] = str(page)
    url = absolute_url(reverse("postings:posting_list"))
    return f"{url}?{canonical.urlencode()}" if canonical else url
