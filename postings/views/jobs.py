"""Public posting search: /jobs/."""

from __future__ import annotations

from functools import cached_property
from math import ceil
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponseBase
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from jobsite.caching import expires_with, public_page
from postings import currencies, filters, search
from postings.display import RESULT_FIELDS
from postings.models import Posting
from roles import presentation


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
@public_page(reads=filters.PAGE_PARAMETERS)
def posting_list(request: HttpRequest) -> HttpResponseBase:
    filterset = filters.PostingFilter(request.GET, queryset=Posting.objects.public())
    # A result shows its organisation's name (joined, not one query per result) and none of
    # the long texts: the rows the database reads and sends stay small.
    postings = filterset.qs.select_related("organisation").only(*RESULT_FIELDS)
    paginator = SearchPaginator(
        postings,
        filters.PAGE_SIZE,
        count=filterset.count(),
        max_pages=filterset.max_pages,
    )
    page = paginator.get_page(request.GET.get("page"))
    reading = filterset.reading_currency if filterset.compares_salaries else ""
    for posting in page.object_list:
        posting.reading_currency = reading
    if filterset.query:
        excerpts = search.snippets(page.object_list, filterset.query, using=postings.db)
        mark = search.title_marker(filterset.query)
        for posting in page.object_list:
            posting.snippet = excerpts.get(posting.pk, "")
            posting.title_html = mark(posting.title) if mark else ""
    # The role the keywords name, answered above the first page of results: the query that
    # found it also ranked its postings first, and the tally counted them.
    role = filterset.named_role if page.number == 1 else None
    response = TemplateResponse(
        request,
        "postings/posting_list.html",
        {
            "filter": filterset,
            "form": filterset.shown_form,
            "selects": filterset.selects(),
            # The filters' disclosure opens by itself only to show an error in it.
            "filters_open": bool(filterset.shown_form.errors),
            "page_obj": page,
            "result_count": filterset.count_text(),
            "postings": page.object_list,
            "heading": filterset.heading(),
            "active_filters": filterset.active_filters(),
            "canonical_url": filterset.canonical_url(page.number),
            "noindex": not filterset.is_worth_indexing(page.number),
            "rss_url": filterset.feed_url("postings:posting_feed_rss"),
            "atom_url": filterset.feed_url("postings:posting_feed_atom"),
            # The alerts app's page for this search (a link: no form on a cached page).
            "alert_url": filterset.feed_url("alerts:alert_create"),
            "reading_currency": reading,
            "rates_text": currencies.rates_text(),
            "role_answer": presentation.role_answer(role) if role else None,
            "role_jobs": filterset.role_jobs(role) if role else None,
        },
    )
    return expires_with(response, page.object_list)
