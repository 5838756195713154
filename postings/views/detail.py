"""A posting's public page: /jobs/<slug>/."""

from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse


def posting_detail(request: HttpRequest, slug: str) -> TemplateResponse:
    raise Http404("TODO(detail)")
