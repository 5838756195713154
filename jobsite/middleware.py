import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from jobsite.headers import PERMISSIONS_POLICY

logger = logging.getLogger(__name__)

Handler = Callable[[HttpRequest], HttpResponse]


def security_headers(get_response: Handler) -> Handler:
    """Add the headers Django's SecurityMiddleware does not set."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    return middleware


def database_unavailable(get_response: Handler) -> Handler:
    """Answer 503 with Retry-After while the database is unreachable, not a 500: the outage
    is temporary, and load balancers and crawlers know to come back."""

    def middleware(request: HttpRequest) -> HttpResponse:
        return get_response(request)

    def process_exception(request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable: %s", exception)
        # Rendered without the request's context: its processors could touch the database.
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response

    # Django calls a function middleware's process_exception as it does a class's.
    middleware.process_exception = process_exception  # type: ignore[attr-defined]
    return middleware
