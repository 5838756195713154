"""The public pages' cache, and the HTTP headers that let browsers and a CDN revalidate them.

`@public_page` wraps a public view. For an anonymous GET or HEAD it serves the page from the
Django cache (CACHE_URL: by default a database table every process of the site shares,
Redis in production), or renders it and stores it; every answer carries an ETag,
`Cache-Control: public` with a short max-age and `Vary: Cookie`, and a request whose
validators match gets 304 Not Modified.

What keeps a cached page right:

- Edits. Every stored page carries the version number it was rendered at, and is served only
  while that is the current one. Each app names the models its public pages show
  (`invalidate_on_change`, in its AppConfig.ready()) and gives them `InvalidatingQuerySet`:
  a save, a delete, a change of their many-to-many links, an `update()` or a `bulk_create()`
  of one of them bumps it, so the next request renders afresh and no caller need remember to.
  An app may name what else such a write makes out of date (`also=`: roles' stored
  explainers), called on the same writes.
  The number lives only in the cache backend and is read from it at every request (with the
  page's head, in one round trip), so every process that shares it (gunicorn workers, several
  machines on one database or Redis) sees the bump at once; never a cache in one process's
  memory, whose version the others would not see. (What a process does keep is the bodies
  of the pages it served, by their ETag, a digest of their bytes: the same in every process,
  and served only when the shared head names them.) Each version is a moment from the clock,
  not a count, so neither a version lost to eviction nor two processes bumping at once
  brings back older pages.
- Time. A posting leaves the public pages when its valid-through moment passes, with no edit
  to signal it. A view names the postings its page lists (`expires_with`), and the page is
  kept no longer than the first of their valid-through moments. Counts of open postings (the
  home page's, the facets') and a scheduled posting's arrival may lag by at most
  PUBLIC_PAGE_CACHE_SECONDS: no page goes on listing a posting that has expired.
- Parameters. A view names the query parameters it reads (`reads=`); the others are dropped
  from the request before it runs, so `?x=<random>` is answered from the cached page and
  nothing of it reaches a link. The key is the path and those parameters, in the order the
  view names them: not the host, since absolute URLs come from settings.SITE_URL.
- Visitors. A request that carries a session or messages cookie (a logged-in recruiter, or
  anyone with a message waiting) is never served from the cache and never stored, and
  neither is a response that sets a cookie. Their pages say `Cache-Control: private`.

PUBLIC_PAGE_CACHE_SECONDS bounds how long a page is kept (0 turns the cache off; the headers
stay). PUBLIC_PAGE_MAX_AGE is what browsers and a CDN are told.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache, wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.template.response import SimpleTemplateResponse
from django.urls import Resolver404, URLResolver, get_resolver
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

VERSION_KEY = "public-pages:version"
# Headers a cached page keeps besides its Content-Type and ETag (which its head holds on
# their own); the others (CSP, security headers) are added afresh by the middleware on every
# response.
STORED_HEADERS = (
    "Content-Language",
    "Last-Modified",
    "X-Robots-Tag",
    "Cache-Control",
    "Vary",
)
CONDITIONAL_HEADERS = (
    "HTTP_IF_MATCH",
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_UNMODIFIED_SINCE",
)


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


def versioned_key(name: str, *parts: object) -> str:
    """A cache key for something worked out from the rows public pages show (a search's
    counts, its reading of the keywords): under the current version, so that every edit
    makes it out of date. "" when the page cache is off."""
    if not cache_seconds():
        return ""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return f"public-pages:{version()}:{name}:{digest}"


def bump(using: str | None = None) -> None:
    """Make every cached public page out of date, now and again once the transaction on
    `using` commits: a request served between the two could have read the old rows."""
    _bump()
    bump_when_committed(using)


def bump_when_committed(using: str | None = None) -> None:
    """Bump once the transaction on `using` commits (at once outside one): once however many
    rows it writes, since every bump after the first would change nothing."""
    once_committed(_bump, using)


def once_committed(
    callback: Callable[[], object], using: str | None, *, robust: bool = False
) -> None:
    """Call `callback` when the transaction on `using` commits (at once outside one), once
    however many writes in it ask: what a write makes out of date is remade or forgotten
    once, for the rows as they are then."""
    pending = transaction.get_connection(using).run_on_commit
    if not any(queued is callback for _, queued, _ in pending):
        transaction.on_commit(callback, using=using, robust=robust)


def _bump() -> None:
    # A new number from the clock rather than an increment: the database and file caches'
    # incr() is a read and a write, and two processes bumping at once would both write the
    # same number, one edit's bump lost and a page rendered before it still current. Two
    # bumps write two different moments; `current + 1` keeps the number moving if the clock
    # steps back, so it never returns to one a page was stored under.
    current = cache.get(VERSION_KEY) or 0
    cache.set(VERSION_KEY, max(time.time_ns(), current + 1), timeout=None)


# -- Invalidation: the writes to the models public pages show -----------------------------
#
# One version for every page, rather than finer keys: a role's title shows on its explainer,
# the comparisons, the directory, the search facets and every posting of that role, and a
# posting on the home page, the search, its role's explainer and its neighbours' pages. Edits
# are rare next to reads, so recomputing each page once after an edit costs little, and
# nothing can be missed.


# What else a write to a model makes out of date, beyond the pages: each app's own derived
# rows (roles' stored explainers), named when it connects its models.
ALSO_OUT_OF_DATE: dict[type[models.Model], list[Callable[[str], None]]] = {}


def written(model: type[models.Model], using: str, *, raw: bool = False) -> None:
    """A row of `model` was written on `using`: the pages, and whatever else depends on it,
    are out of date."""
    if raw:
        # loaddata (a restore): every row in one transaction, which no page sees before it
        # commits; then once is enough.
        bump_when_committed(using)
    else:
        bump(using)
    for out_of_date in ALSO_OUT_OF_DATE.get(model, ()):
        out_of_date(using)


def invalidate(sender: type[models.Model], *, using: str, raw: bool = False, **kwargs: Any) -> None:
    """The receiver of post_save, post_delete and m2m_changed for the models connected."""
    written(sender, using, raw=raw)


def invalidate_on_change(
    *public_models: type[models.Model], also: Callable[[str], None] | None = None
) -> None:
    """Make every cached public page out of date whenever a row of one of these models is
    saved or deleted, or its many-to-many links change. Called by each app for its own
    models; their querysets should be `InvalidatingQuerySet`s, for the writes sending no
    signal. `also(using)` is called on each such write too, for what else the app derives
    from these rows."""
    for model in public_models:
        if also is not None and also not in ALSO_OUT_OF_DATE.setdefault(model, []):
            ALSO_OUT_OF_DATE[model].append(also)
        uid = f"jobsite.caching.{model._meta.label_lower}"
        post_save.connect(invalidate, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"{uid}.delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                invalidate,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}.{field.name}",
            )


class InvalidatingQuerySet(models.QuerySet):
    """The queryset of a model public pages show: its writes that send no signal bump the
    version themselves. `bulk_update()` writes through `update()`; `delete()` sends
    post_delete for each row, since `invalidate_on_change` connects a receiver.

    An `update()` also moves the rows' `auto_now` dates (`updated_at`), which Django moves
    only on save(): a page's Last-Modified, a sitemap's lastmod and what is stored from a
    row by its date (a posting's JSON-LD) follow every write, not only saves."""

    def update(self, **kwargs: Any) -> int:
        now = timezone.now()
        for field in self.model._meta.concrete_fields:
            if getattr(field, "auto_now", False):
                kwargs.setdefault(field.name, now)
        count = super().update(**kwargs)
        if count:
            written(self.model, self.db)
        return count

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            written(self.model, self.db)
        return created


# -- Time: a listed posting expires -------------------------------------------------------


def expires_with(response: HttpResponseBase, postings: Iterable[Any]) -> HttpResponseBase:
    """Keep the page no longer than the first valid-through moment among the postings it
    lists: once that passes, the posting must leave the page."""
    moments = [p.valid_through for p in postings if getattr(p, "valid_through", None)]
    return keep_until(response, min(moments)) if moments else response


def keep_until(response: HttpResponseBase, moment: datetime | None) -> HttpResponseBase:
    """Keep the page no longer than `moment` (None: no limit of its own)."""
    if moment is not None:
        current = getattr(response, "cache_until", None)
        # An attribute of our own on the response, read by seconds_to_keep.
        response.cache_until = min(moment, current) if current else moment  # type: ignore[attr-defined]
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


def page_key(request: HttpRequest) -> str:
    """The page's path and the query as `only_what_is_read` left it. Not the host nor the
    scheme: absolute URLs come from settings.SITE_URL, so a page is the same whatever Host a
    client sent."""
    address = f"{request.path}?{request.META.get('QUERY_STRING', '')}"
    digest = hashlib.sha256(address.encode("utf-8", "surrogateescape")).hexdigest()
    return f"public-pages:head:{digest}"


def only_what_is_read(request: HttpRequest, reads: dict[str, int]) -> None:
    """Leave in the request's query only the parameters the page reads (`reads`: each name's
    place), in the order the page names them: a parameter it ignores (`?x=<random>`) neither
    makes a page of its own in the cache nor reaches the page through a link that copies the
    query, and `?b=1&a=2` is the page `?a=2&b=1` is."""
    query = request.META.get("QUERY_STRING")
    if not query:
        return  # nothing to leave out (most requests)
    kept = sorted(
        (item for item in request.GET.lists() if item[0] in reads), key=lambda item: reads[item[0]]
    )
    read = urlencode([(name, value) for name, values in kept for value in values])
    if read != query:
        request.GET = QueryDict(read)
        request.META["QUERY_STRING"] = read


def public_page(
    view: Callable[..., HttpResponseBase] | None = None,
    *,
    reads: Iterable[str] = (),
    last_modified: Callable[[HttpResponseBase], datetime | None] | None = None,
    served: Served | None = None,
) -> Any:
    """Cache a public page for anonymous visitors and answer conditional requests.

    `reads` names the query parameters the page reads; the view sees no others, and the
    page is stored under its path and those. `last_modified(response)` may name the page's
    natural date from the rendered response (e.g. a posting's `updated_at` from its
    context); it becomes the Last-Modified header. `served(request, response, *args,
    **kwargs)` is told of every answer the page gives, from the cache or not (a posting
    page counts its views).

    A hit is answered by `serve_cached_pages`, before the view and any decorator outside
    this one: what a page's response must carry, a decorator adds inside (the stored page
    keeps its headers); outside belongs only what a hit needs no more (`require_safe`: only
    GET and HEAD are served from the cache).

    A page is stored under its address with the version it was rendered at; a hit reads the
    version and the page's head in one round trip and counts only if the versions match,
    then takes the body its head names from this process's memory (or, the first time, from
    the cache: `Bodies`). The version is read before rendering, so a page built from rows
    older than an edit is never labelled with the version that edit made.
    """
    # Each parameter's place in the order the page names them.
    page = PublicPage(
        reads={name: place for place, name in enumerate(dict.fromkeys(reads))}, served=served
    )

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            return page.tell(request, respond(request, *args, **kwargs), args, kwargs)

        def respond(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            only_what_is_read(request, page.reads)
            seconds = cache_seconds()
            cacheable = is_cacheable_request(request)
            key = ""
            current_version = None
            if cacheable and seconds:
                key = page_key(request)
                current_version, stored = looked_up(request, key) or from_cache(key)
                if stored is not None:
                    return conditional(request, stored)
            answer = view(request, *args, **kwargs)
            if isinstance(answer, SimpleTemplateResponse) and not answer.is_rendered:
                answer.render()
            if answer.status_code != 200 or not isinstance(answer, HttpResponse):
                return answer  # An error, a redirect or a stream: never stored.
            response = answer
            if last_modified is not None:
                moment = last_modified(response)
                if moment is not None:
                    response.headers["Last-Modified"] = http_date(moment.timestamp())
            response.headers["ETag"] = etag_for(response.content)
            public = cacheable and not response.cookies
            add_caching_headers(response, public=public)
            if key and public and current_version is not None:
                ttl = seconds_to_keep(response, seconds)
                if ttl > 0:
                    store(key, response, current_version, ttl)
            return conditional(request, response)

        # What serve_cached_pages reads from the view a URL resolves to (functools.wraps
        # carries it to the decorators outside this one).
        wrapper.public_page = page  # type: ignore[attr-defined]
        return wrapper

    return decorator(view) if view is not None else decorator


Served = Callable[..., None]


@dataclass(frozen=True)
class PublicPage:
    """What the page cache knows of a view decorated with `public_page`: the query
    parameters it reads (each with its place in their order) and whom to tell of an answer."""

    reads: dict[str, int]
    served: Served | None

    def tell(
        self, request: HttpRequest, response: HttpResponseBase, args: tuple, kwargs: dict
    ) -> HttpResponseBase:
        if self.served is not None:
            self.served(request, response, *args, **kwargs)
        return response


# -- The middleware: a hit answered before the rest of the stack -------------------------

# The request's attribute with the key and version serve_cached_pages looked up, so that the
# view's decorator, on a miss, does not ask the cache again.
LOOKED_UP = "public_page_looked_up"


def looked_up(request: HttpRequest, key: str) -> tuple[int, None] | None:
    found = getattr(request, LOOKED_UP, None)
    return (found[1], None) if found is not None and found[0] == key else None


@lru_cache(maxsize=4096)
def public_page_at(resolver: URLResolver, path: str) -> tuple[PublicPage, tuple, dict] | None:
    """The public page at `path`, with the arguments its view takes from the path; None for
    any other address. Kept per address (the URLconf is the same code in every process), so
    that an address that is no public page costs no resolving at each request."""
    try:
        match = resolver.resolve(path)
    except Resolver404:
        return None
    page = getattr(match.func, "public_page", None)
    return (page, match.args, match.kwargs) if page is not None else None


def serve_cached_pages(get_response: Callable[[HttpRequest], HttpResponseBase]) -> Any:
    """Answer an anonymous request for a public page from the cache before the middleware
    below this one (CSRF, authentication, messages) and the view run: a hit needs none of
    them. settings.MIDDLEWARE puts it after CommonMiddleware, so that the Host header is
    checked and every security header is added, as for any page. A miss goes on down the
    stack to the view, whose `public_page` renders and stores the page."""

    def middleware(request: HttpRequest) -> HttpResponseBase:
        if not (cache_seconds() and is_cacheable_request(request)):
            return get_response(request)
        resolver = get_resolver(getattr(request, "urlconf", None))
        found = public_page_at(resolver, request.path_info)
        if found is None:
            return get_response(request)
        page, args, kwargs = found
        only_what_is_read(request, page.reads)
        key = page_key(request)
        try:
            current_version, stored = from_cache(key)
        except DatabaseError:
            # The cache's database unreachable: the view answers as it would (503).
            return get_response(request)
        if stored is None:
            setattr(request, LOOKED_UP, (key, current_version))
            return get_response(request)
        return page.tell(request, conditional(request, stored), args, kwargs)

    return middleware


def etag_for(content: bytes) -> str:
    return f'"{hashlib.blake2b(content, digest_size=16).hexdigest()}"'


class Bodies:
    """The page bodies a process served last, by ETag, up to `limit` bytes in all.

    An ETag is a digest of the body's bytes, so a body found here is the body the shared
    cache holds under that ETag, in every process: which page is current is never decided
    here, only by the head read from the shared cache at every request. What this saves is
    fetching and decoding the same tens of kilobytes from the cache at each hit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._bodies: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()  # for gthread workers

    def get(self, etag: str) -> bytes | None:
        with self._lock:
            body = self._bodies.get(etag)
            if body is not None:
                self._bodies.move_to_end(etag)
            return body

    def put(self, etag: str, body: bytes) -> None:
        if len(body) > self.limit:
            return
        with self._lock:
            if etag in self._bodies:
                self._bodies.move_to_end(etag)
                return
            self._bodies[etag] = body
            self._size += len(body)
            while self._size > self.limit:
                _, oldest = self._bodies.popitem(last=False)
                self._size -= len(oldest)

    def clear(self) -> None:
        with self._lock:
            self._bodies.clear()
            self._size = 0


# About 500 pages of the explainer's size per process.
BODIES = Bodies(limit=32 * 1024 * 1024)


def body_key(etag: str) -> str:
    return "public-pages:body:" + etag.strip('"')


def from_cache(key: str) -> tuple[int, HttpResponse | None]:
    """The current version, and the page stored under `key` if it was rendered at that
    version: both in one round trip to the cache."""
    found = cache.get_many([VERSION_KEY, key])
    current_version = found.get(VERSION_KEY)
    if current_version is None:
        current_version = version()
    head = found.get(key)
    if head is None or head[0] != current_version:
        return current_version, None
    body = stored_body(head[1])
    return current_version, restore(head, body) if body is not None else None


def stored_body(etag: str) -> bytes | None:
    """The body named by a stored head: from this process's memory, or else from the cache
    (None once the cache has dropped it, and the page is rendered again)."""
    body = BODIES.get(etag)
    if body is None:
        body = cache.get(body_key(etag))
        if body is not None:
            BODIES.put(etag, body)
    return body


def store(key: str, response: HttpResponse, page_version: int, ttl: int) -> None:
    """Store the page: its body under its ETag, and under its address a head (the version it
    was rendered at, its ETag, Content-Type and the other headers it keeps, caching headers
    included), so that a hit reads a few hundred bytes and only copies them back."""
    etag = response.headers["ETag"]
    headers = tuple(
        (name, response.headers[name]) for name in STORED_HEADERS if name in response.headers
    )
    head = (page_version, etag, response.headers["Content-Type"], headers)
    # The body first: a head is never found without its body but for the cache's eviction.
    cache.set_many({body_key(etag): response.content, key: head}, timeout=ttl)
    BODIES.put(etag, response.content)


def restore(head: tuple[int, str, str, tuple], body: bytes) -> HttpResponse:
    _, etag, content_type, headers = head
    response = HttpResponse(body, content_type=content_type)
    response.headers["ETag"] = etag
    for name, value in headers:
        response.headers[name] = value
    return response


def add_caching_headers(response: HttpResponseBase, *, public: bool) -> None:
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


def conditional(request: HttpRequest, response: HttpResponse) -> HttpResponseBase:
    """The response, or 304 (412) if the request's validators say the visitor's copy is
    current (stale)."""
    if not any(header in request.META for header in CONDITIONAL_HEADERS):
        return response
    last_modified = response.headers.get("Last-Modified")
    answer = get_conditional_response(
        request,
        etag=response.headers.get("ETag"),
        last_modified=parse_http_date_safe(last_modified) if last_modified else None,
        response=response,
    )
    return answer if answer is not None else response
