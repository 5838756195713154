"""Public role pages: the directory, explainers and comparisons."""

from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse


def role_directory(request: HttpRequest) -> TemplateResponse:
    raise Http404("TODO(roles-pages)")


def role_explainer(request: HttpRequest, slug: str) -> TemplateResponse:
    raise Http404("TODO(roles-pages)")


def role_compare(request: HttpRequest, pair: str) -> TemplateResponse:
    raise Http404("TODO(roles-pages)")
