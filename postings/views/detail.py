"""A posting's public page: /jobs/<slug>/, and the same page as a recruiter's preview."""

from __future__ import annotations

from datetime import datetime
from http import HTTPStatus
from typing import cast
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from jobsite.caching import expires_with, public_page
from postings import counting, jsonld, search
from postings.display import RESULT_FIELDS, place_text, salary_text
from postings.models import Posting

SIMILAR_POSTING_COUNT = 4


def last_changed(response: HttpResponseBase) -> datetime:
    """The page's natural date: the last edit to the posting, its organisation or role."""
    # The response of posting_detail, below: a TemplateResponse with the posting.
    context = cast(TemplateResponse, response).context_data or {}
    posting: Posting = context["posting"]
    return max(posting.page_dates())


def count_view(request: HttpRequest, response: HttpResponseBase, slug: str) -> None:
    """Count a view of a posting's page, told by the page cache of every answer, a page
    served from the cache included. Only a page sent whole counts: not a 304 or an error."""
    if response.status_code == HTTPStatus.OK:
        counting.count(request, counting.VIEW, slug)


@require_safe
@public_page(last_modified=last_changed, served=count_view)
def posting_detail(request: HttpRequest, slug: str) -> HttpResponseBase:
    posting = get_object_or_404(
        Posting.objects.reachable().select_related("organisation", "role", "rendered"), slug=slug
    )
    return render_posting_page(request, posting)


class ApplyRedirect(HttpResponseRedirect):
    # An apply address is a web page or an email address (apply_href says which).
    allowed_schemes = ["https", "http", "mailto"]


@require_safe
@never_cache
def posting_apply(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The apply buttons' link: count the click, then go to the posting's own apply address,
    never anywhere a request names. Only an open posting has one."""
    posting = get_object_or_404(
        Posting.objects.public().only("slug", "title", "apply_url", "apply_email"), slug=slug
    )
    href = apply_href(posting)
    if not href:
        raise Http404("This posting has no apply address.")
    counting.count(request, counting.APPLY, slug)
    response = ApplyRedirect(href)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def render_posting_page(
    request: HttpRequest, posting: Posting, *, preview: bool = False
) -> HttpResponseBase:
    """The posting's public page. With `preview`, the page a draft will become: marked as a
    preview, kept out of search engines, shown as open, and without JSON-LD (nothing may
    advertise a posting that is not public)."""
    # A page `posting_detail` found knows from its query whether the posting is open.
    is_open = preview or posting.is_open
    similar_postings = similar_to(posting)
    context = {
        "posting": posting,
        "preview": preview,
        "is_open": is_open,
        "place": place_text(posting),
        "salary": salary_text(posting),
        "apply_href": apply_href(posting),
        # The buttons go through the click counter; a preview's straight to the address (a
        # draft has no counter). JSON-LD keeps the posting's own page as its url.
        "apply_link": apply_href(posting)
        if preview
        else reverse("postings:posting_apply", kwargs={"slug": posting.slug}),
        "meta_description": meta_description(posting),
        "similar_postings": similar_postings,
        "job_posting_script": jsonld.job_posting_script(posting) if is_open and not preview else "",
        # The employer's logo, for link previews (og:image).
        "og_image": posting.organisation.logo.large_absolute if posting.organisation.logo else "",
    }
    response = TemplateResponse(request, "postings/posting_detail.html", context)
    return expires_with(response, [posting, *similar_postings])


def similar_to(posting: Posting, count: int = SIMILAR_POSTING_COUNT) -> list[Posting]:
    """Open postings for the same role: in the same country and workplace first, then in the
    same country, then anywhere; newest first within each.

    One query: three newest-first walks, each through an index and `count` rows long
    (postings_role_country_newest, postings_role_newest), their rows read by id in one list
    (search.any_of), never a sort of the role's postings. The rows are put in order here,
    each by its own country and workplace: one that a wider walk found but that belongs to
    a narrower one comes after that walk's own `count` newer rows, so the first `count` are
    the answer. (A union of the walks' rows, each tagged with its walk, costs Django three
    times the compiling for the same rows.)"""
    for_role = Posting.objects.public().for_role(posting.role).exclude(pk=posting.pk)
    in_country = for_role.filter(country=posting.country)
    walks = [in_country.filter(workplace=posting.workplace), in_country, for_role]
    # Each walk chooses its few rows by id, all of them read in one list (postings/search.py).
    walked = [walk.newest_first()[:count].values("pk") for walk in walks]
    found = search.backend(for_role.db).any_of(walked)
    shown = Posting.objects.select_related("organisation").only(*RESULT_FIELDS).filter(found)

    def place(other: Posting) -> int:
        """0 in the same country and workplace, 1 in the same country, 2 elsewhere."""
        if other.country != posting.country:
            return 2
        return 0 if other.workplace == posting.workplace else 1

    # Newest first from the database (a dozen rows at most), then by place: a stable sort.
    return sorted(shown.newest_first(), key=place)[:count]


def apply_href(posting: Posting) -> str:
    """The apply link: the employer's page, or an email with the job in the subject. Only
    web addresses count, whatever reached the database."""
    if posting.apply_url.lower().startswith(("https://", "http://")):
        return posting.apply_url
    if posting.apply_email:
        subject = quote(f"Application: {posting.title}")
        return f"mailto:{posting.apply_email}?subject={subject}"
    return ""


def meta_description(posting: Posting) -> str:
    """Who is hiring, where, on what terms, then the start of the description: 160 chars."""
    facts = [
        f"{posting.title} at {posting.organisation.name}",
        place_text(posting),
        posting.get_employment_type_display(),
        posting.get_workplace_display(),
        salary_text(posting),
    ]
    description = posting.shown_description_text
    summary = ". ".join(fact for fact in facts if fact) + ". " + description
    return Truncator(" ".join(summary.split())).chars(160)
