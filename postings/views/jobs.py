"""Public posting search: /jobs/."""

from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse


def posting_list(request: HttpRequest) -> TemplateResponse:
    raise Http404("TODO(search)")
