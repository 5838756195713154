"""The recruiter side: dashboard and posting management for one's own organisation, and
inviting colleagues. Account pages (sign-up, invitation links) are in postings.views.accounts.

Every view that touches a posting finds it among the user's own organisation's postings, so a
posting of another organisation is a 404; every state change is a POST.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from jobsite.caching import public_page
from jobsite.clients import client_address
from postings import accounts
from postings.completeness import Completeness, check_posting
from postings.forms import (
    ExtendForm,
    InvitationForm,
    OrganisationForm,
    PostingForm,
    initial_from_role,
)
from postings.models import (
    AlreadyCreated,
    AlreadyDone,
    DailyCount,
    Membership,
    Organisation,
    Posting,
    PostingChanged,
)
from postings.tasks import COUNTS_MINUTES
from postings.views.accounts import SignedInRequest, unverified_refusal
from postings.views.detail import render_posting_page
from roles.models import Role

# The dashboard's views and apply clicks: the last this many days (today among them), and all.
COUNTS_DAYS = 30

# The dashboard's groups, in the order a recruiter works through them.
STATUS_GROUPS = [
    Posting.Status.DRAFT,
    Posting.Status.IN_REVIEW,
    Posting.Status.PUBLISHED,
    Posting.Status.CLOSED,
]

MemberView = Callable[..., HttpResponseBase]


def membership_of(user: Any) -> Membership | None:
    return Membership.objects.select_related("organisation").filter(user=user).first()


def member_required(view: MemberView) -> Callable[..., HttpResponseBase]:
    """Log in first; without an organisation, go to the dashboard, which says how to get one.
    The view receives the user's membership after the request."""

    @wraps(view)
    @login_required
    def wrapper(request: SignedInRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        membership = membership_of(request.user)
        if membership is None:
            messages.info(request, "Create an organisation or accept an invitation first.")
            return redirect("recruiters:dashboard")
        return view(request, membership, *args, **kwargs)

    return wrapper


def own_posting(membership: Membership, pk: int) -> Posting:
    """One of the member's organisation's postings; anyone else's is a 404. With what its
    pages show of it joined, the rendered description included (the preview)."""
    return get_object_or_404(
        Posting.objects.for_organisation(membership.organisation).select_related(
            "organisation", "role", "rendered"
        ),
        pk=pk,
    )


# --- Dashboard ---------------------------------------------------------------------------


@require_safe
def recruiters_home(request: HttpRequest) -> HttpResponseBase:
    """/recruiters/: a signed-in visitor's dashboard; to anyone else, what employers get.

    Only the second is a public page, cached for anonymous visitors: a visitor with a session
    (signed in) never reads it from the page cache nor stores it there, so neither sees the
    other's page."""
    if request.user.is_authenticated:
        return dashboard(cast(SignedInRequest, request))
    return for_employers(request)


@public_page
def for_employers(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "recruiters/for_employers.html")


@require_GET
@never_cache
@login_required
def dashboard(request: SignedInRequest) -> TemplateResponse:
    membership = membership_of(request.user)
    if membership is None:
        return TemplateResponse(request, "recruiters/no_organisation.html")
    postings = list(
        Posting.objects.for_organisation(membership.organisation)
        .select_related("role")
        .prefetch_related("role__responsibilities", "role__qualifications")
        .order_by("-updated_at", "-pk")
    )
    now = timezone.now()
    counts = DailyCount.objects.filter(posting__organisation=membership.organisation).per_posting(
        since=now.date() - timedelta(days=COUNTS_DAYS - 1)
    )
    for posting in postings:
        posting.completeness = check_posting(posting, now=now)
        posting.counts = counts.get(posting.pk)
    groups = [
        {
            "status": status,
            "label": status.label,
            "postings": [posting for posting in postings if posting.status == status],
        }
        for status in STATUS_GROUPS
    ]
    return TemplateResponse(
        request,
        "recruiters/dashboard.html",
        {
            "membership": membership,
            "organisation": membership.organisation,
            "groups": groups,
            "expired_count": sum(posting.is_expired for posting in postings),
            "extend_form": ExtendForm(),
            "review_required": membership.organisation.postings_need_review(),
            "counts_days": COUNTS_DAYS,
            "counts_minutes": COUNTS_MINUTES,
        },
    )


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
def organisation_create(request: SignedInRequest) -> HttpResponseBase:
    if membership_of(request.user) is not None:
        return redirect("recruiters:dashboard")
    if request.method == "POST":
        form = OrganisationForm(request.POST)
        if form.is_valid():
            organisation = Organisation.create_with_owner(
                owner=request.user,
                name=form.cleaned_data["name"],
                website=form.cleaned_data["website"],
            )
            messages.success(request, f"{organisation.name} is set up. You are its owner.")
            return redirect("recruiters:dashboard")
    else:
        form = OrganisationForm()
    return TemplateResponse(request, "recruiters/organisation_form.html", {"form": form})


# --- Postings ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@never_cache
@member_required
def posting_create(request: SignedInRequest, membership: Membership) -> HttpResponseBase:
    roles = Role.objects.published().only("title", "slug", "abbreviation")
    if request.method == "POST":
        form = PostingForm(request.POST)
        token = form_token(request)
        if form.is_valid():
            posting = form.save(commit=False)
            posting.organisation = membership.organisation
            try:
                posting.create(by=request.user, token=token)
            except AlreadyCreated as done:
                messages.info(request, "This form was sent already: here is the draft it saved.")
                return redirect("recruiters:posting_manage", pk=done.posting.pk)
            messages.success(request, "Draft saved. Preview it, or publish it when it is ready.")
            return redirect("recruiters:posting_manage", pk=posting.pk)
        return posting_form_page(request, form, membership=membership, token=token)

    slug = request.GET.get("role", "")
    role = Role.objects.published().filter(slug=slug).first() if slug else None
    if role is None:
        return TemplateResponse(
            request,
            "recruiters/role_pick.html",
            {"roles": roles, "unknown_role": bool(slug)},
        )
    form = PostingForm(initial=initial_from_role(role))
    return posting_form_page(
        request, form, membership=membership, role=role, token=secrets.token_hex(16)
    )


def form_token(request: SignedInRequest) -> str:
    """The new-posting form's one-time token, if it looks like one we handed out."""
    token = request.POST.get("form_token", "")
    return token if re.fullmatch(r"[0-9a-f]{32}", token) else ""


@require_http_methods(["GET", "POST"])
@never_cache
@member_required
def posting_manage(request: SignedInRequest, membership: Membership, pk: int) -> HttpResponseBase:
    posting = own_posting(membership, pk)
    # The form edits the posting as its recruiters last wrote it, which may be a change
    # still waiting for review: the public keeps the approved version meanwhile.
    proposed = posting.proposed()
    if request.method == "POST":
        publishing = request.POST.get("intent") == "publish"
        if publishing and (refusal := unverified_refusal(request, request.path)):
            return refusal
        form = PostingForm(request.POST, instance=proposed, publishing=publishing)
        if form.is_valid():
            posting = form.save(commit=False)
            save = posting.edit_and_publish if publishing else posting.edit
            try:
                save(by=request.user, fields=form.changed_data)
            except ValidationError as error:
                report(request, error)
                return redirect("recruiters:posting_manage", pk=pk)
            if publishing:
                messages.success(request, published_message(posting))
            elif posting.change_awaits_review:
                messages.success(
                    request,
                    "Saved and sent for review. Until staff approve the change, the public "
                    "sees the approved version.",
                )
            else:
                messages.success(request, "Saved.")
            return redirect("recruiters:posting_manage", pk=posting.pk)
        # The instance holds the rejected values now: show the stored ones beside the form.
        posting = own_posting(membership, pk)
    else:
        form = PostingForm(instance=proposed)
    return posting_form_page(request, form, membership=membership, posting=posting)


def posting_form_page(
    request: SignedInRequest,
    form: PostingForm,
    *,
    membership: Membership,
    posting: Posting | None = None,
    role: Role | None = None,
    token: str = "",
) -> TemplateResponse:
    """The new-posting and manage pages: the form, its checklist, actions and history."""
    context: dict[str, Any] = {
        "form": form,
        "form_token": token,
        "posting": posting,
        "organisation": membership.organisation,
        "extend_form": ExtendForm(),
        "review_required": membership.organisation.postings_need_review(),
    }
    if form.is_bound:
        # What was sent, errors and all: the checklist stays beside the errors.
        context["completeness"] = checklist_of(form)
    elif posting is not None:
        context["completeness"] = check_posting(posting.proposed())
    elif role is not None:
        context["completeness"] = check_posting(
            Posting(organisation=membership.organisation, **form.initial)
        )
    if posting is not None:
        context["events"] = history(posting)
    context["role"] = role
    return TemplateResponse(request, "recruiters/posting_form.html", context)


def checklist_of(form: PostingForm) -> Completeness | None:
    """The checklist of a bound form's posting as sent: the fields that were valid, as
    they would be saved. None without a valid role, which the role's checks need."""
    form.is_valid()
    return check_posting(form.instance) if form.instance.role_id else None


@require_POST
@never_cache
@member_required
def posting_checklist(
    request: SignedInRequest, membership: Membership, pk: int | None = None
) -> JsonResponse:
    """The checklist and the title's warning for the form as the recruiter is typing it
    (static/js/posting_form.js asks as they type): nothing is saved."""
    instance = (
        own_posting(membership, pk).proposed()
        if pk is not None
        else Posting(organisation=membership.organisation)
    )
    form = PostingForm(request.POST, instance=instance)
    completeness = checklist_of(form)
    return JsonResponse(
        {
            "checklist": render_to_string(
                "recruiters/includes/_completeness.html",
                {"completeness": completeness, "link_fields": True},
            )
            if completeness
            else "",
            "title_places": render_to_string(
                "recruiters/includes/_title_places.html", {"form": form}
            ),
        }
    )


def history(posting: Posting) -> list[dict[str, Any]]:
    """The posting's events, newest first, with changed fields named as the form names them."""
    labels = {name: str(field.label) for name, field in PostingForm.base_fields.items()}
    rows = []
    for event in posting.events.select_related("actor").order_by("-created_at", "-pk"):
        rows.append(
            {
                "event": event,
                "changes": [
                    {"label": labels.get(name, name), "before": change[0], "after": change[1]}
                    for name, change in event.changes.items()
                    if isinstance(change, list) and len(change) == 2
                ],
            }
        )
    return rows


def published_message(posting: Posting) -> str:
    if posting.is_in_review:
        return "Submitted for review. Staff will publish it or say what to change."
    return "Published. It is on the public site now."


@require_GET
@never_cache
@member_required
def posting_preview(request: SignedInRequest, membership: Membership, pk: int) -> HttpResponseBase:
    return render_posting_page(request, own_posting(membership, pk).proposed(), preview=True)


@require_POST
@member_required
def posting_publish(request: SignedInRequest, membership: Membership, pk: int) -> HttpResponseBase:
    if refusal := unverified_refusal(request, reverse("recruiters:posting_manage", args=[pk])):
        return refusal
    posting = own_posting(membership, pk)
    form = PostingForm.for_stored(posting, publishing=True)
    if not form.is_valid():
        messages.error(request, "Mend the fields marked below before publishing.")
        return posting_form_page(
            request, form, membership=membership, posting=own_posting(membership, pk)
        )
    # The form only checks the stored draft: nothing in it changes.
    return change_state(request, posting, posting.publish, published_message)


@require_POST
@member_required
def posting_close(request: SignedInRequest, membership: Membership, pk: int) -> HttpResponseBase:
    posting = own_posting(membership, pk)
    return change_state(
        request, posting, posting.close, "Closed.", revision=posted_revision(request)
    )


@require_POST
@member_required
def posting_reopen(request: SignedInRequest, membership: Membership, pk: int) -> HttpResponseBase:
    posting = own_posting(membership, pk)
    return change_state(
        request, posting, posting.reopen, "Reopened.", revision=posted_revision(request)
    )


@require_POST
@member_required
def posting_extend(request: SignedInRequest, membership: Membership, pk: int) -> HttpResponseBase:
    posting = own_posting(membership, pk)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose how long to extend the posting by.")
        return redirect_back(request, posting)
    days = form.cleaned_data["days"]
    return change_state(
        request,
        posting,
        posting.extend,
        f"Extended by {days} days.",
        days=days,
        revision=posted_revision(request),
    )


@require_POST
@member_required
def posting_duplicate(
    request: SignedInRequest, membership: Membership, pk: int
) -> HttpResponseBase:
    posting = own_posting(membership, pk)
    try:
        copy = posting.duplicate(by=request.user, revision=posted_revision(request))
    except ValidationError as error:
        report(request, error)
        return redirect_back(request, posting)
    messages.success(request, "This is a new draft copied from the posting. Edit and publish it.")
    return redirect("recruiters:posting_manage", pk=copy.pk)


def posted_revision(request: SignedInRequest) -> int | None:
    """The posting's revision the page showed, which the buttons' forms send: a second click
    of the same button finds the posting changed, and changes nothing more."""
    value = request.POST.get("revision", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def change_state(
    request: SignedInRequest,
    posting: Posting,
    change: Callable[..., None],
    done: str | Callable[[Posting], str],
    **kwargs: Any,
) -> HttpResponse:
    """Make the `change` (one of the posting's state methods) as the user, then go back
    with the `done` message, or with why nothing was done."""
    try:
        change(by=request.user, **kwargs)
    except ValidationError as error:
        report(request, error)
    else:
        message = done(posting) if callable(done) else done
        if posting.change_awaits_review:
            message += " The public sees the approved version; your change waits for review."
        messages.success(request, message)
    return redirect_back(request, posting)


def report(request: SignedInRequest, error: ValidationError) -> None:
    """Why a change was not made. Already done (a double click) is news, not a mistake."""
    text = " ".join(error.messages)
    if isinstance(error, AlreadyDone):
        messages.info(request, text)
    elif isinstance(error, PostingChanged):
        messages.warning(request, text)
    else:
        messages.error(request, text)


def redirect_back(request: SignedInRequest, posting: Posting) -> HttpResponse:
    """Back to the dashboard when the action came from there, else to the posting."""
    if request.POST.get("next") == "dashboard":
        return redirect("recruiters:dashboard")
    return redirect("recruiters:posting_manage", pk=posting.pk)


# --- Invitations -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_required
def invitation_list(request: SignedInRequest, membership: Membership) -> HttpResponseBase:
    if not membership.is_owner:
        raise PermissionDenied("Only the organisation's owners invite recruiters.")
    if refusal := unverified_refusal(request, reverse("recruiters:dashboard")):
        return refusal
    organisation = membership.organisation
    if request.method == "POST":
        form = InvitationForm(request.POST, invited_by=request.user)
        if form.is_valid():
            email = form.cleaned_data["email"]
            try:
                # None over a mail limit: the owner is told what any sender is told.
                accounts.invitation_send(
                    organisation=organisation,
                    email=email,
                    invited_by=request.user,
                    client=client_address(request),
                )
            except accounts.MailNotSent:
                form.add_error(
                    "email", "We could not send the invitation just now. Try again in a while."
                )
            else:
                messages.success(request, f"Invitation sent to {email}.")
                return redirect("recruiters:invitation_list")
    else:
        form = InvitationForm(invited_by=request.user)
    return TemplateResponse(
        request,
        "recruiters/invitation_list.html",
        {
            "form": form,
            "organisation": organisation,
            "members": organisation.memberships.select_related("user").order_by("created_at"),
            "access_choices": Membership.Access.choices,
            "invitations": organisation.invitations.select_related("invited_by").filter(
                accepted_at__isnull=True
            ),
        },
    )
