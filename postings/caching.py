"""The public pages' cache, and the HTTP headers that let browsers and a CDN revalidate them.

`@public_page` wraps a public view. For an anonymous GET or HEAD it serves the page from the
Django cache (Redis in production, through CACHE_URL), or renders it and stores it; every
answer carries an ETag, `Cache-Control: public` with a short max-age and `Vary: Cookie`, and
a request whose validators match gets 304 Not Modified.

What keeps a cached page right:

- Edits. Every key holds a version number kept in the cache; `postings.signals` bumps it when
  a role or any of its parts, an organisation or a posting is saved or deleted, so the next
  request renders afresh. The number lives only in the cache backend, so every process that
  shares it (gunicorn workers, several machines on one Redis) sees the bump at once. It starts
  from the clock, not from 1, so a version lost to eviction never brings back older pages.
- Time. A posting leaves the public pages when its valid-through moment passes, with no edit
  to signal it. A view names the postings its page lists (`expires_with`), and the page is
  kept no longer than the first of their valid-through moments. Counts of open postings (the
  home page's, the facets') and a scheduled posting's arrival may lag by at most
  PUBLIC_PAGE_CACHE_SECONDS: no page goes on listing a posting that has expired.
- Visitors. A request that carries a session or messages cookie (a logged-in recruiter, or
  anyone with a message waiting) is never served from the cache and never stored, and
  neither is a response that sets a cookie. Their pages say `Cache-Control: private`.

PUBLIC_PAGE_CACHE_SECONDS bounds how long a page is kept (0 turns the cache off; the headers
stay). PUBLIC_PAGE_MAX_AGE is what browsers and a CDN are told.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

VERSION_KEY = "public-pages:version"
# Headers a cached page keeps; the others (CSP, security headers) are added afresh by the
# middleware on every response.
KEPT_HEADERS = ("Content-Type", "Content-Language", "Last-Modified", "X-Robots-Tag")


def cache_seconds() -> int:
    return max(0, int(getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0)))


# -- The version: one number in the cache, bumped on every edit --------------------------


def version() -> int:
    """The current version of the public pages; created, from the clock, when missing."""
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        current = cache.get(VERSION_KEY)
    return current


def bump() -> None:
    """Make every cached public page out of date, now and again once the transaction
    commits: a request served between the two could have read the old rows."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


# -- Time: a listed posting expires -------------------------------------------------------


def expires_with(response: HttpResponseBase, postings: Iterable[Any]) -> HttpResponseBase:
    """Keep the page no longer than the first valid-through moment among the postings it
    lists: once that passes, the posting must leave the page."""
    moments = [p.valid_through for p in postings if getattr(p, "valid_through", None)]
    if moments:
        earliest = min(moments)
        current = getattr(response, "cache_until", None)
        response.cache_until = min(earliest, current) if current else earliest
    return response


def seconds_to_keep(response: HttpResponseBase, seconds: int) -> int:
    until = getattr(response, "cache_until", None)
    if until is None:
        return seconds
    return min(seconds, int((until - timezone.now()).total_seconds()))


# -- The decorator -------------------------------------------------------------------------


def is_cacheable_request(request: HttpRequest) -> bool:
    """An anonymous GET or HEAD with nothing personal to show."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def page_key(request: HttpRequest, current_version: int) -> str:
    # The address in full: pages carry absolute canonical links, so host and scheme count.
    url = request.build_absolute_uri()
    digest = hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()
    return f"public-pages:{current_version}:{digest}"


def public_page(
    view: Callable[..., HttpResponseBase] | None = None,
    *,
    last_modified: Callable[[HttpResponseBase], datetime | None] | None = None,
) -> Any:
    """Cache a public page for anonymous visitors and answer conditional requests.

    `last_modified(response)` may name the page's natural date from the rendered response
    (e.g. a posting's `updated_at` from its context); it becomes the Last-Modified header.
    """

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            seconds = cache_seconds()
            cacheable = is_cacheable_request(request)
            key = ""
            if cacheable and seconds:
                key = page_key(request, version())
                stored = cache.get(key)
                if stored is not None:
                    return answer(request, restore(stored), public=True)
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            if response.status_code != 200 or response.streaming:
                return response
            if last_modified is not None:
                moment = last_modified(response)
                if moment is not None:
                    response.headers["Last-Modified"] = http_date(moment.timestamp())
            response.headers["ETag"] = etag_for(response.content)
            public = cacheable and not response.cookies
            if key and public:
                ttl = seconds_to_keep(response, seconds)
                if ttl > 0:
                    cache.set(key, freeze(response), timeout=ttl)
            return answer(request, response, public=public)

        return wrapper

    return decorator(view) if view is not None else decorator


def etag_for(content: bytes) -> str:
    return f'"{hashlib.blake2b(content, digest_size=16).hexdigest()}"'


def freeze(response: HttpResponse) -> dict[str, Any]:
    headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
    return {"content": response.content, "headers": headers, "etag": response.headers["ETag"]}


def restore(stored: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(stored["content"])
    for name, value in stored["headers"].items():
        response.headers[name] = value
    response.headers["ETag"] = stored["etag"]
    return response


def answer(request: HttpRequest, response: HttpResponse, *, public: bool) -> HttpResponseBase:
    """The response with its caching headers, or 304 if the visitor's copy is current."""
    if public:
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PUBLIC_PAGE_MAX_AGE,
            stale_while_revalidate=settings.PUBLIC_PAGE_STALE_WHILE_REVALIDATE,
        )
    else:
        # Personal (a message, a session): the browser may keep it, and must ask again.
        patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    last_modified = response.headers.get("Last-Modified")
    return get_conditional_response(
        request,
        etag=response.headers.get("ETag"),
        last_modified=_parse_http_date(last_modified),
        response=response,
    )


def _parse_http_date(value: str | None) -> int | None:
    return parse_http_date_safe(value) if value else None
