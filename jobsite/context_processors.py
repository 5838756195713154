from django.conf import settings
from django.http import HttpRequest
from django.utils.encoding import escape_uri_path

from jobsite.origin import absolute_url


def site(request: HttpRequest) -> dict:
    """The site's name and this page's canonical URL (the public origin and path, no query).

    Also rendered for the 400 page of a request whose Host is not allowed, so nothing here
    may ask the request for its host."""
    return {
        "site_name": settings.SITE_NAME,
        "canonical_url": absolute_url(escape_uri_path(request.path)),
    }
