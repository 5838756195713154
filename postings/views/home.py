"""The home page: search, the roles people are hiring for, the latest jobs."""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
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
    # Roles with the most open jobs first; the count reuses the one "public" rule, one
    # role at a time inside the one query, from the index postings_role_newest.
    open_postings = (
        public.filter(role=OuterRef("pk")).order_by().values("role").annotate(n=Count("*"))
    )
    featured_roles = (
        Role.objects.published()
        .annotate(
            open_postings=Coalesce(
                Subquery(open_postings.values("n"), output_field=IntegerField()), 0
            )
        )
        .order_by("-open_postings", "title", "pk")
        .only("title", "slug", "abbreviation", "brief_answer")[:FEATURED_ROLE_COUNT]
    )
    latest_postings = public.newest_first().select_related("organisation", "role")[
        :LATEST_POSTING_COUNT
    ]
    # Counting columns of postings_published_facets, not the id: the database counts from
    # the index alone.
    stats = public.aggregate(
        jobs=Count("*"),
        employers=Count("organisation", distinct=True),
        **{
            workplace.value: Count("workplace", filter=Q(workplace=workplace))
            for workplace in Workplace
        },
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
