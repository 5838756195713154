from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from jobsite.headers import PERMISSIONS_POLICY


def security_headers(get_response: Callable[[HttpRequest], HttpResponse]):
    """Add the headers Django's SecurityMiddleware does not set."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response

    return middleware
