"""The home page: search, the roles people are hiring for, the latest jobs.

Its counts are bounded: counting every open posting costs time in proportion to their
number (60 ms at 100,000), so each count stops one past a cap and a count beyond it reads
"1,000+". The search page, one click away, gives the exact numbers.
"""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.views.decorators.http import require_safe

from postings.caching import expires_with, public_page
from postings.models import Posting, Workplace
from roles.models import Role

FEATURED_ROLE_COUNT = 6
LATEST_POSTING_COUNT = 8
# Open jobs counted at most: the site's total and each workplace's...
JOB_COUNT_CAP = 1000
# ...and each role's, once per published role for the ranking.
ROLE_JOB_COUNT_CAP = 100
# What a listed posting shows (templates/postings/home.html), and its valid-through moment.
LISTED_FIELDS = (
    "title",
    "slug",
    "city",
    "region",
    "country",
    "workplace",
    "employment_type",
    "salary_min",
    "salary_max",
    "salary_currency",
    "salary_period",
    "published_at",
    "valid_through",
)


class CappedCount(Subquery):
    """How many rows the subquery gives, reading at most as many as its slice allows."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) capped)"
    output_field = IntegerField()


@require_safe
@public_page
def home(request: HttpRequest) -> TemplateResponse:
    public = Posting.objects.public()
    # Roles with the most open jobs first, each counted to one past the cap from the index
    # postings_role_newest; roles past it rank by title.
    open_postings = public.filter(role=OuterRef("pk")).order_by().values("pk")
    featured_roles = (
        Role.objects.published()
        .annotate(open_postings=CappedCount(open_postings[: ROLE_JOB_COUNT_CAP + 1]))
        .order_by("-open_postings", "title", "pk")
        .only("title", "slug", "abbreviation", "brief_answer")[:FEATURED_ROLE_COUNT]
    )
    latest_postings = (
        public.newest_first()
        .select_related("organisation")
        .only(*LISTED_FIELDS, "organisation__name")[:LATEST_POSTING_COUNT]
    )
    # Up to one past the cap, in no order: an index-only scan of postings_published_facets
    # that stops there. Below the cap every figure is exact; past it only the total is shown.
    stats = (
        public.order_by()
        .values("organisation", "workplace")[: JOB_COUNT_CAP + 1]
        .aggregate(
            jobs=Count("*"),
            employers=Count("organisation", distinct=True),
            **{
                workplace.value: Count("workplace", filter=Q(workplace=workplace))
                for workplace in Workplace
            },
        )
    )
    stats["more"] = stats["jobs"] > JOB_COUNT_CAP
    if stats["more"]:
        stats["jobs"] = JOB_COUNT_CAP
    workplaces = [
        {
            "value": workplace.value,
            "label": workplace.label,
            "count": None if stats["more"] else stats[workplace.value],
        }
        for workplace in Workplace
    ]
    response = TemplateResponse(
        request,
        "postings/home.html",
        {
            "featured_roles": featured_roles,
            "role_job_count_cap": ROLE_JOB_COUNT_CAP,
            "latest_postings": latest_postings,
            "stats": stats,
            "workplaces": workplaces,
        },
    )
    return expires_with(response, latest_postings)
