"""Operational endpoints that belong to the site, not to an app."""

import logging
import re

from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from jobsite.mediastorage import CACHE_CONTROL
from jobsite.origin import absolute_url

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Health check: the database did not answer", exc_info=True)
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /recruiters/",
        # The apply buttons' counter, which forwards to the employer: not a page.
        "Disallow: /jobs/*/apply/",
        # The page for employers is public; the recruiter pages below it are not.
        "Allow: /recruiters/$",
        f"Sitemap: {absolute_url(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


# What the media storage holds: content-addressed files (postings/logos.py), nothing else,
# so no other name (a path with "..", a file someone put beside them) is ever served.
MEDIA_NAME = re.compile(r"[a-z]+/[0-9a-f]{32}-[0-9]{1,4}\.png")


@require_safe
def media_file(request: HttpRequest, name: str) -> FileResponse:
    """A file of the media storage, served by the site itself (filesystem storage; with S3
    storage pages link to the bucket instead). Its name is its content's digest, so it is
    cached for a year without asking again."""
    if not MEDIA_NAME.fullmatch(name):
        raise Http404("No such file.")
    try:
        stream = default_storage.open(name, "rb")
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise Http404("No such file.") from None
    response = FileResponse(stream, content_type="image/png")
    response["Cache-Control"] = CACHE_CONTROL
    return response
