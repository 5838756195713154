"""The ceiling of any page of ours: one trivial view behind the site's own settings and
middleware, returning the same fixed page as bench/reference_wsgi.py.

    BENCH_FIXED_PAGE=page.html gunicorn bench.django_reference

It serves the site's URLconf with one more address, /bench/fixed/, in front; the production
URLconf never has it. Whatever a page of ours costs beyond this view is its own work.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobsite.settings")
django.setup(set_prefix=False)

from django.conf import settings  # noqa: E402 - after setup, which the URLconf needs
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.views.decorators.http import require_safe  # noqa: E402

from bench.reference_wsgi import PAGE  # noqa: E402

FIXED_PATH = "/bench/fixed/"


@require_safe
def fixed_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE)


urlpatterns = [
    path(FIXED_PATH.strip("/") + "/", fixed_page, name="bench_fixed_page"),
    path("", include("jobsite.urls")),
]

# Before the first request, so that every request resolves against this module.
settings.ROOT_URLCONF = __name__
application = WSGIHandler()
