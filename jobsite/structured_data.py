"""schema.org data that belongs to the whole site rather than to one app: the breadcrumbs a
page shows, and the site itself (`WebSite` with its search, and the `Organization` that runs
it) on the home page. Each is a dict for `{% json_ld %}` (jobsite/markup.py); every address
in it is on settings.SITE_URL.

An app's own types live with the app: JobPosting in postings/jsonld.py, Occupation in
roles/jsonld.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from jobsite.origin import absolute_url
from jobsite.page_meta import site_logo_url

CONTEXT = "https://schema.org"
# What the site's search page calls its keywords; the template's placeholder names it too.
SEARCH_TERM = "search_term_string"


@dataclass(frozen=True)
class Crumb:
    """One step of a page's breadcrumbs: what it reads and the path it links to."""

    name: str
    path: str


def breadcrumb_list(crumbs: list[Crumb]) -> dict[str, Any]:
    """The `BreadcrumbList` of the breadcrumbs a page shows, top first, the page itself last."""
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": crumb.name,
                "item": absolute_url(crumb.path),
            }
            for position, crumb in enumerate(crumbs, start=1)
        ],
    }


def organization_id() -> str:
    return absolute_url("/#organization")


def website(*, search_path: str, search_parameter: str = "q") -> dict[str, Any]:
    """The site, and how to search it: `search_path` with its keywords in `search_parameter`."""
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "@id": absolute_url("/#website"),
        "name": settings.SITE_NAME,
        "url": absolute_url("/"),
        "publisher": {"@id": organization_id()},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": absolute_url(f"{search_path}?{search_parameter}={{{SEARCH_TERM}}}"),
            },
            # schema.org's Actions: `<property>-input` describes what fills the property.
            "query-input": f"required name={SEARCH_TERM}",
        },
    }


def organization(*, description: str) -> dict[str, Any]:
    """The organisation that runs the site, with its logo."""
    return {
        "@context": CONTEXT,
        "@type": "Organization",
        "@id": organization_id(),
        "name": settings.SITE_NAME,
        "url": absolute_url("/"),
        "logo": site_logo_url(),
        "description": description,
    }
