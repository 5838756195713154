"""An owner's organisation settings: what its company page says, its logo, and its team
(members' access, removing a member, pending invitations). Inviting stays on the team page
(postings.views.recruiters.invitation_list), which lists the team with these actions.

Only owners reach these pages; a recruiter is refused (403), and every member, invitation
and logo is looked up within the owner's own organisation, so another's is a 404. Every
change is a POST.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from jobsite.clients import client_address
from postings import accounts, logos
from postings.models import AlreadyDone, Invitation, Membership
from postings.organisation_forms import LogoForm, MemberAccessForm, OrganisationSettingsForm
from postings.views.accounts import SignedInRequest
from postings.views.recruiters import member_required

OwnerView = Callable[..., HttpResponseBase]


def owner_required(view: OwnerView) -> Callable[..., HttpResponseBase]:
    """A member's view, for owners only: recruiters are refused."""

    @wraps(view)
    @member_required
    def wrapper(
        request: SignedInRequest, membership: Membership, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        if not membership.is_owner:
            raise PermissionDenied("Only the organisation's owners change its settings.")
        return view(request, membership, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
@never_cache
@owner_required
def organisation_settings(request: SignedInRequest, membership: Membership) -> HttpResponseBase:
    organisation = membership.organisation
    if request.method == "POST":
        form = OrganisationSettingsForm(request.POST, instance=organisation)
        if form.is_valid():
            organisation = form.save()
            organisation.refresh_domain_verification()
            messages.success(request, "Saved. Your company page shows the change now.")
            return redirect("recruiters:organisation_settings")
    else:
        form = OrganisationSettingsForm(instance=organisation)
    return settings_page(request, membership, form=form, logo_form=LogoForm())


def settings_page(
    request: SignedInRequest,
    membership: Membership,
    *,
    form: OrganisationSettingsForm,
    logo_form: LogoForm,
    status: int = 200,
) -> TemplateResponse:
    organisation = membership.organisation
    if form.errors:
        # The stored details, not what was refused, beside the form.
        organisation.refresh_from_db()
    return TemplateResponse(
        request,
        "recruiters/organisation_settings.html",
        {
            "organisation": organisation,
            "membership": membership,
            "form": form,
            "logo_form": logo_form,
        },
        status=status,
    )


@require_POST
@owner_required
def organisation_logo(request: SignedInRequest, membership: Membership) -> HttpResponseBase:
    """Upload a new logo, or (with `remove`) take the logo off."""
    organisation = membership.organisation
    if "remove" in request.POST:
        organisation.set_logo(None)
        messages.success(request, "Logo removed.")
        return redirect("recruiters:organisation_settings")
    logo_form = LogoForm(request.POST, request.FILES)
    if not logo_form.is_valid():
        form = OrganisationSettingsForm(instance=organisation)
        return settings_page(request, membership, form=form, logo_form=logo_form, status=400)
    organisation.set_logo(logos.keep(logo_form.prepared))
    messages.success(request, "Logo saved. It shows on your company page and postings now.")
    return redirect("recruiters:organisation_settings")


# --- The team --------------------------------------------------------------------------


@require_POST
@owner_required
def member_access(request: SignedInRequest, membership: Membership, pk: int) -> HttpResponseBase:
    member = get_object_or_404(
        Membership.objects.filter(organisation=membership.organisation).select_related(
            "user", "organisation"
        ),
        pk=pk,
    )
    form = MemberAccessForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose owner or recruiter.")
        return redirect("recruiters:invitation_list")
    try:
        member.change_access(form.cleaned_data["access"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"{member_name(member)} is now {member.get_access_display().lower()}."
        )
    return after_team_change(request, membership)


@require_POST
@owner_required
def member_remove(request: SignedInRequest, membership: Membership, pk: int) -> HttpResponseBase:
    member = (
        Membership.objects.filter(organisation=membership.organisation, pk=pk)
        .select_related("user", "organisation")
        .first()
    )
    if member is None:
        # Removed already (a second click) or never this organisation's: the same answer.
        messages.info(request, "This person is not a member of your organisation.")
        return redirect("recruiters:invitation_list")
    try:
        member.remove()
    except AlreadyDone as done:
        messages.info(request, " ".join(done.messages))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{member_name(member)} is no longer a member.")
    return after_team_change(request, membership)


def after_team_change(request: SignedInRequest, membership: Membership) -> HttpResponseBase:
    """Back to the team page; to the dashboard if the owner is no longer one (or a member)."""
    stored = Membership.objects.filter(pk=membership.pk).first()
    if stored is None or not stored.is_owner:
        return redirect("recruiters:dashboard")
    return redirect("recruiters:invitation_list")


def member_name(member: Membership) -> str:
    return member.user.get_full_name() or member.user.email or member.user.get_username()


def pending_invitation(membership: Membership, pk: int) -> Invitation | None:
    return (
        Invitation.objects.filter(
            organisation=membership.organisation, pk=pk, accepted_at__isnull=True
        )
        .select_related("organisation")
        .first()
    )


@require_POST
@owner_required
def invitation_revoke(
    request: SignedInRequest, membership: Membership, pk: int
) -> HttpResponseBase:
    invitation = pending_invitation(membership, pk)
    if invitation is not None and invitation.revoke():
        messages.success(request, f"The invitation to {invitation.email} is withdrawn.")
    else:
        messages.info(request, "This invitation was accepted or withdrawn already.")
    return redirect("recruiters:invitation_list")


@require_POST
@owner_required
def invitation_resend(
    request: SignedInRequest, membership: Membership, pk: int
) -> HttpResponseBase:
    invitation = pending_invitation(membership, pk)
    if invitation is None:
        messages.info(request, "This invitation was accepted or withdrawn already.")
        return redirect("recruiters:invitation_list")
    try:
        sent = accounts.invitation_resend(
            invitation=invitation, by=request.user, client=client_address(request)
        )
    except accounts.MailNotSent:
        sent = False
    if sent:
        messages.success(
            request, f"Sent the invitation to {invitation.email} again: its link works for 7 days."
        )
    else:
        messages.error(request, "We could not send the invitation just now. Try again in a while.")
    return redirect("recruiters:invitation_list")
