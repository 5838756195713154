"""A job seeker's own pages, at /me/: My jobs, saving and removing a job, their data and
deleting their account. Every page is the signed-in person's own: no id in an address names
another person's rows, and every query starts from `SavedJob.objects.of(request.user)`."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alerts.links import alerts_of
from postings.models import LastOwner, Membership, Posting
from seekers.accounts import account_delete as delete_account
from seekers.data import personal_data as data_of
from seekers.forms import AccountDeleteForm
from seekers.models import SavedJob

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class SignedInRequest(HttpRequest):
    """The request of a view behind login_required: its user has signed in."""

    user: User


def next_or(request: HttpRequest, default: str) -> str:
    """The `next` the form carried if it is a path on this site, else `default`."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return target
    return default


@require_GET
@never_cache
@login_required
def my_jobs(request: SignedInRequest) -> TemplateResponse:
    """The saved jobs, newest first, each with its state (SavedJob.with_state: one query
    however many there are), the search alerts (one query), and the links to the person's
    data and account."""
    saved_jobs = list(SavedJob.objects.of(request.user).with_state())
    return TemplateResponse(
        request,
        "seekers/my_jobs.html",
        {
            "saved_jobs": saved_jobs,
            "alerts": alerts_of(request.user),
            "is_recruiter": Membership.objects.filter(user=request.user).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
def saved_job_save(request: SignedInRequest, pk: int) -> HttpResponseBase:
    """GET asks (the page an anonymous visitor's "Save" link leads to, after logging in);
    POST saves. Only an open posting can be saved."""
    posting = get_object_or_404(Posting.objects.public().select_related("organisation"), pk=pk)
    if request.method == "POST":
        SavedJob.save_for(user=request.user, posting=posting)
        messages.success(request, f"Saved “{posting.title}” to My jobs.")
        return redirect(next_or(request, posting.get_absolute_url()))
    saved = SavedJob.objects.of(request.user).filter(posting=posting).exists()
    return TemplateResponse(
        request, "seekers/saved_job_save.html", {"posting": posting, "saved": saved}
    )


@require_POST
@login_required
def saved_job_remove(request: SignedInRequest, pk: int) -> HttpResponseBase:
    """Remove a posting from the visitor's own saved jobs; removing it twice is no error."""
    if SavedJob.remove_for(user=request.user, posting_id=pk):
        messages.success(request, "Removed from your saved jobs.")
    return redirect(next_or(request, "seekers:my_jobs"))


@require_GET
@never_cache
@login_required
def personal_data(request: SignedInRequest) -> HttpResponse:
    """Everything kept about the visitor, as a JSON download (seekers.data)."""
    response = HttpResponse(
        json.dumps(data_of(request.user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="rolewise-my-data.json"'
    return response


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
def account_delete(request: SignedInRequest) -> HttpResponseBase:
    form = AccountDeleteForm(request.POST or None, account=request.user)
    if form.is_valid():
        try:
            delete_account(user=request.user)
        except LastOwner as error:
            form.add_error(
                None,
                f"{error.message} Your account stays until then. An organisation needs an "
                "owner to run it: make a colleague an owner in your organisation's settings.",
            )
        else:
            logout(request)
            messages.success(request, "Your account and everything it kept are deleted.")
            return redirect("postings:home")
    return TemplateResponse(request, "seekers/account_delete.html", {"form": form})
