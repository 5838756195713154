"""Absolute URLs, built from the configured public origin (settings.SITE_URL).

Never from the request: its Host header is whatever the client sent, and a page, feed or
email that copied it could point visitors at another site.
"""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` (starting with /) on the site's public origin."""
    return f"{settings.SITE_URL}{path}"


def site_domain() -> str:
    """The public origin's host (and port, if any), e.g. jobs.example.com."""
    return urlsplit(settings.SITE_URL).netloc


def site_scheme() -> str:
    return urlsplit(settings.SITE_URL).scheme
