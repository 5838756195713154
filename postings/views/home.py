"""The home page: search, the roles people are hiring for, the latest jobs."""

from django.db.models import Count, Q
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from postings.caching import expires_with, public_page
from postings.models import Posting, Workplace
from roles.models import Role

FEATURED_ROLE_COUNT = 6
LATEST_POSTING_COUNT = 8


@require_safe
@public_page
def home(request: HttpRequest) -> TemplateResponse:
    public = Posting.objects.public()
    # Roles with the most open jobs first; the count reuses the one "public" rule.
    featured_roles = (
        Role.objects.published()
        .annotate(open_postings=Count("postings", filter=Q(postings__in=public.values("pk"))))
        .order_by("-open_postings", "title", "pk")
        .only("title", "slug", "abbreviation", "brief_answer")[:FEATURED_ROLE_COUNT]
    )
    latest_postings = public.newest_first().select_related("organisation", "role")[
        :LATEST_POSTING_COUNT
    ]
    stats = public.aggregate(
        jobs=Count("pk"),
        employers=Count("organisation", distinct=True),
        **{workplace.value: Count("pk", filter=Q(workplace=workplace)) for workplace in Workplace},
    )
    workplaces = [
        {"value": workplace.value, "label": workplace.label, "count": stats[workplace.value]}
        for workplace in Workplace
    ]
    response = TemplateResponse(
        request,
        "postings/home.html",
        {
            "featured_roles": featured_roles,
            "latest_postings": latest_postings,
            "stats": stats,
            "workplaces": workplaces,
        },
    )
    return expires_with(response, latest_postings)
