"""The sitemap: an index of section files, for the fixed pages, published role explainers
(roles/sitemaps.py), open postings and the employers' company pages. The kinds of section
are in jobsite/sitemaps.py.

Postings come from `Posting.objects.public()`, so an expired or closed posting leaves the
sitemap the moment it leaves search. A section is split into files by primary key: file
`?p=n` holds the rows whose ids fall in the n-th run of 50,000 (the sitemap protocol's limit
of URLs a file), so a file never holds more, and any file, however deep, is one range scan
of the primary key, never an OFFSET past the files before it. A file whose rows have all
closed is small or empty, which the protocol allows. The index needs only the highest id of
each table, and names files without a lastmod (each URL carries its own).

Each file is written as it is read (values, no model instances, no dict per URL): its cost
and memory are bounded by the 50,000 rows of its range, whatever the size of the site.
Every absolute URL comes from settings.SITE_URL, never from the request's Host.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from xml.sax.saxutils import escape

from django.contrib.sitemaps.views import x_robots_tag
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from jobsite.caching import public_page
from jobsite.origin import absolute_url
from jobsite.sitemaps import FixedSection, RowSection
from postings.models import Organisation, Posting
from roles import sitemaps as roles_sitemaps

XMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"
CONTENT_TYPE = "application/xml; charset=utf-8"


SECTIONS: dict[str, FixedSection | RowSection] = {
    "pages": FixedSection(
        (
            "postings:home",
            "roles:role_directory",
            "postings:posting_list",
            "companies:company_list",
        ),
        "daily",
    ),
    "roles": roles_sitemaps.EXPLAINERS,
    "postings": RowSection(lambda: Posting.objects.public(), "postings:posting_detail", "weekly"),
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
        for number in range(1, section.files() + 1):
            lines.append(f"<sitemap><loc>{escape(section_url(name, number))}</loc></sitemap>")
    lines.append("</sitemapindex>\n")
    return "\n".join(lines)


def section_document(section: FixedSection | RowSection, number: int) -> str:
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
        modified = f"<lastmod>{lastmod.date().isoformat()}</lastmod>" if lastmod else ""
        yield f"<url><loc>{origin}{escape(path)}</loc>{modified}{changefreq}</url>"


def page_number(request: HttpRequest) -> int:
    value = request.GET.get("p", "1")
    if not value.isascii() or not value.isdigit() or len(value) > 9 or int(value) < 1:
        raise Http404("No such sitemap page.")
    return int(value)


@require_safe
@x_robots_tag
@public_page
def index(request: HttpRequest) -> HttpResponse:
    return HttpResponse(index_document(), content_type=CONTENT_TYPE)


@require_safe
@x_robots_tag
@public_page(reads=("p",))
def section(request: HttpRequest, section: str) -> HttpResponse:
    try:
        chosen = SECTIONS[section]
    except KeyError:
        raise Http404("No such sitemap section.") from None
    number = page_number(request)
    if number > chosen.files():
        raise Http404("No such sitemap page.")
    return HttpResponse(section_document(chosen, number), content_type=CONTENT_TYPE)
