"""The sitemap: an index of section files, for the fixed pages, the search landing pages
(postings/landing.py), published role explainers (roles/sitemaps.py), open postings and the
employers' company pages. The kinds of section are in jobsite/sitemaps.py.

Postings come from `Posting.objects.public()`, so an expired or closed posting leaves the
sitemap the moment it leaves search. A section is split into files by primary key: file
`?p=n` holds the rows whose ids fall in the n-th run of 50,000 (the sitemap protocol's limit
of URLs a file), so a file never holds more, and any file, however deep, is one range scan
of the primary key, never an OFFSET past the files before it. A file whose rows have all
closed is left out of the index: the protocol's schema wants a URL in every file. The index
needs the highest id of each table and one probe of each file's range (one query a table),
and names files without a lastmod.

A posting's URL carries the lastmod its page's Last-Modified names: the last edit to the
posting, its organisation or its role (models.PAGE_DATES). The other pages show
open postings, which come and go without an edit to date them: they name none.

Each file is written as it is read (values, no model instances, no dict per URL): its cost
and memory are bounded by the 50,000 rows of its range, whatever the size of the site.
Every absolute URL comes from settings.SITE_URL, never from the request's Host.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from xml.sax.saxutils import escape

from django.contrib.sitemaps.views import x_robots_tag
from django.db.models.functions import Greatest
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.views.decorators.http import require_safe

from jobsite.caching import public_page
from jobsite.origin import absolute_url
from jobsite.sitemaps import FixedSection, ListedSection, RowSection, lastmod_text
from postings import facets, landing
from postings.filters import jobs_url
from postings.models import PAGE_DATES, Organisation, Posting
from roles import sitemaps as roles_sitemaps

XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
CONTENT_TYPE = "application/xml; charset=utf-8"


def landing_paths() -> list[str]:
    """/jobs/?role=…, ?country=…, ?workplace=…: the single-filter searches with enough open
    jobs, as their canonical addresses write them."""
    paths = []
    for name, value in landing.sitemap_pages(facets.open_jobs(Posting.objects.public())):
        search = QueryDict(mutable=True)
        search[name] = value
        paths.append(jobs_url(search))
    return paths


Section = FixedSection | ListedSection | RowSection
SECTIONS: dict[str, Section] = {
    "pages": FixedSection(
        (
            "postings:home",
            "roles:role_directory",
            "postings:posting_list",
            "companies:company_list",
            "recruiters:dashboard",
        ),
        "daily",
    ),
    "searches": ListedSection(landing_paths, "daily"),
    "roles": roles_sitemaps.EXPLAINERS,
    "postings": RowSection(
        lambda: Posting.objects.public(),
        "postings:posting_detail",
        "weekly",
        lastmod=lambda: Greatest(*PAGE_DATES),
    ),
    # No lastmod: a company page lists its open jobs, which change without the organisation.
    "companies": RowSection(
        lambda: Organisation.objects.public(), "companies:company_detail", "weekly"
    ),
}


def section_url(name: str, number: int) -> str:
    path = reverse("sitemap_section", kwargs={"section": name})
    return absolute_url(f"{path}?p={number}" if number > 1 else path)


def index_document() -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{XMLNS}">']
    for name, section in SECTIONS.items():
        for number in section.filled_files():
            lines.append(f"<sitemap><loc>{escape(section_url(name, number))}</loc></sitemap>")
    lines.append("</sitemapindex>\n")
    return "\n".join(lines)


def section_document(section: Section, number: int) -> str:
    origin = escape(absolute_url(""))
    changefreq = f"<changefreq>{section.changefreq}</changefreq>"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{XMLNS}">']
    lines.extend(url_lines(section.entries(number), origin, changefreq))
    lines.append("</urlset>\n")
    return "\n".join(lines)


def url_lines(
    entries: Iterable[tuple[str, datetime | None]], origin: str, changefreq: str
) -> Iterator[str]:
    for path, lastmod in entries:
        modified = f"<lastmod>{lastmod_text(lastmod)}</lastmod>" if lastmod else ""
        yield f"<url><loc>{origin}{escape(path)}</loc>{modified}{changefreq}</url>"


def page_number(request: HttpRequest) -> int:
    value = request.GET.get("p", "1")
    if not value.isascii() or not value.isdigit() or len(value) > 9 or int(value) < 1:
        raise Http404("No such sitemap page.")
    return int(value)


@require_safe
@public_page
@x_robots_tag  # inside: the stored page keeps it
def index(request: HttpRequest) -> HttpResponse:
    return HttpResponse(index_document(), content_type=CONTENT_TYPE)


@require_safe
@public_page(reads=("p",))
@x_robots_tag
def section(request: HttpRequest, section: str) -> HttpResponse:
    try:
        chosen = SECTIONS[section]
    except KeyError:
        raise Http404("No such sitemap section.") from None
    number = page_number(request)
    if number > chosen.files():
        raise Http404("No such sitemap page.")
    return HttpResponse(section_document(chosen, number), content_type=CONTENT_TYPE)
