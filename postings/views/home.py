"""The home page: search, the roles people are hiring for, the latest jobs.

Its figures are the search page's own: the counts of /jobs/ with nothing searched
(postings/facets.py), exact on a small site and estimated from the search's sample on a
large one, so the home page and the page it links to always agree and neither counts every
open posting.
"""

from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from jobsite import structured_data
from jobsite.caching import expires_with, public_page
from postings import facets
from postings.display import RESULT_FIELDS
from postings.models import Organisation, Posting, Workplace
from roles.models import Role

DESCRIPTION = (
    "What does a COO or a Director of Operations do, need and lead to? Read plain-English "
    "explainers of leadership roles and search the jobs that match."
)
FEATURED_ROLE_COUNT = 6
LATEST_POSTING_COUNT = 8


@require_safe
@public_page
def home(request: HttpRequest) -> HttpResponseBase:
    public = Posting.objects.public()
    tally = facets.open_jobs(public)

    # Roles with the most open jobs first, then by title.
    roles = list(Role.objects.published().only("title", "slug", "abbreviation", "brief_answer"))
    roles.sort(key=lambda role: (-tally.count("role", role.pk), role.title, role.pk))
    featured_roles = roles[:FEATURED_ROLE_COUNT]
    for role in featured_roles:
        role.open_postings = tally.count("role", role.pk)
        role.open_postings_text = tally.figure(role.open_postings)
    latest_postings = (
        public.newest_first()
        .select_related("organisation")
        .only(*RESULT_FIELDS)[:LATEST_POSTING_COUNT]
    )
    # Exact whatever the number of postings: one probe per organisation for an open posting.
    employers = Organisation.objects.filter(
        Exists(public.filter(organisation=OuterRef("pk")))
    ).count()
    workplaces = [
        {
            "value": workplace.value,
            "label": workplace.label,
            "count_text": tally.figure(tally.count("workplace", workplace.value)),
        }
        for workplace in Workplace
    ]
    response = TemplateResponse(
        request,
        "postings/home.html",
        {
            "featured_roles": featured_roles,
            "latest_postings": latest_postings,
            "stats": {
                "jobs": tally.total,
                "jobs_text": tally.total_text,
                "employers": employers,
            },
            "workplaces": workplaces,
            "description": DESCRIPTION,
            "website": structured_data.website(search_path=reverse("postings:posting_list")),
            "organization": structured_data.organization(description=DESCRIPTION),
        },
    )
    return expires_with(response, latest_postings)
