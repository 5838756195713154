"""The home page."""

from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from postings.models import Posting
from roles.models import Role

FEATURED_ROLE_COUNT = 6
LATEST_POSTING_COUNT = 8


@require_GET
def home(request: HttpRequest) -> TemplateResponse:
    featured_roles = Role.objects.published().only("title", "slug", "abbreviation", "brief_answer")[
        :FEATURED_ROLE_COUNT
    ]
    latest_postings = (
        Posting.objects.public()
        .newest_first()
        .select_related("organisation", "role")[:LATEST_POSTING_COUNT]
    )
    return TemplateResponse(
        request,
        "postings/home.html",
        {"featured_roles": featured_roles, "latest_postings": latest_postings},
    )
