"""The employers' public pages: /companies/ (a directory with open-job counts) and
/companies/<slug>/ (who they are, how the site knows it, their open jobs).

Which organisations have a page is one queryset method, `Organisation.objects.public()`:
not suspended, not held as a lookalike, and verified or with a posting that has been public.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponseBase
from django.template.response import TemplateResponse
from django.utils.text import Truncator
from django.views.decorators.http import require_safe

from jobsite.caching import expires_with, public_page
from jobsite.markup import render_markdown, text_of
from postings import jsonld
from postings.display import RESULT_FIELDS
from postings.models import Organisation, Posting

COMPANIES_PER_PAGE = 50
POSTINGS_PER_PAGE = 20
# What a directory line and a company page read of an organisation: not the description
# (long, and only on its own page), nor the flags staff set that the public never sees.
DIRECTORY_FIELDS = [
    "name",
    "slug",
    "industry",
    "headquarters",
    "logo_digest",
    "is_verified",
    "verified_domain",
]


@require_safe
@public_page(reads=("page",))
def company_list(request: HttpRequest) -> HttpResponseBase:
    """Every organisation with a page, by name, with how many open jobs each has."""
    companies = Organisation.objects.public().with_open_posting_counts().only(*DIRECTORY_FIELDS)
    page = Paginator(companies, COMPANIES_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "companies/company_list.html",
        {
            "page_obj": page,
            "companies": page.object_list,
            "noindex": page.number > 1,
        },
    )


@require_safe
# No Last-Modified: the page lists open jobs, which change without the organisation.
@public_page(reads=("page",))
def company_detail(request: HttpRequest, slug: str) -> HttpResponseBase:
    try:
        organisation = Organisation.objects.public().get(slug=slug)
    except Organisation.DoesNotExist:
        raise Http404("No employer has a page at this address.") from None
    postings = (
        Posting.objects.public()
        .for_organisation(organisation)
        .newest_first()
        .select_related("organisation")
        .only(*RESULT_FIELDS)
    )
    page = Paginator(postings, POSTINGS_PER_PAGE).get_page(request.GET.get("page"))
    description_html = render_markdown(organisation.description)
    response = TemplateResponse(
        request,
        "companies/company_detail.html",
        {
            "organisation": organisation,
            "description_html": description_html,
            "page_obj": page,
            "postings": page.object_list,
            "open_count": page.paginator.count,
            "meta_description": company_summary(organisation, text_of(description_html)),
            "organization_data": jsonld.organization(organisation),
            "og_image": organisation.logo.large_absolute if organisation.logo else "",
            "noindex": page.number > 1,
        },
    )
    return expires_with(response, page.object_list)


def company_summary(organisation: Organisation, description: str) -> str:
    """Who they are, in 160 characters: the facts, then the start of the description."""
    facts = [organisation.name, organisation.industry, organisation.headquarters]
    summary = ". ".join(fact for fact in facts if fact) + ". " + description
    return Truncator(" ".join(summary.split())).chars(160)
