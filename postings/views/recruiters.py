"""The recruiter side: dashboard and posting management for one's own organisation."""

from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse


def dashboard(request: HttpRequest) -> TemplateResponse:
    raise Http404("TODO(recruiters)")


def signup(request: HttpRequest) -> TemplateResponse:
    raise Http404("TODO(recruiters)")
