"""Public posting pages: search and detail."""

from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse


def posting_list(request: HttpRequest) -> TemplateResponse:
    raise Http404("TODO(search)")


def posting_detail(request: HttpRequest, slug: str) -> TemplateResponse:
    raise Http404("TODO(detail)")
