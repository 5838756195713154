"""Work that spans several models or leaves the site: sign-up and invitations."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from postings.models import Invitation, Membership, Organisation

INVITATION_MAX_AGE = timedelta(days=7)
INVITATION_SALT = "postings.invitation"


class InvitationError(Exception):
    """An invitation link that cannot be used; the message says why, for the page."""


def account_create(*, name: str, email: str, password: str) -> AbstractBaseUser:
    """A user who logs in with their email address."""
    email = email.strip().lower()
    return get_user_model().objects.create_user(
        username=email, email=email, password=password, first_name=name.strip()
    )


@transaction.atomic
def signup(
    *, name: str, email: str, password: str, organisation_name: str, website: str = ""
) -> AbstractBaseUser:
    """A new user and a new organisation that they own."""
    user = account_create(name=name, email=email, password=password)
    organisation = Organisation.objects.create(name=organisation_name.strip(), website=website)
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.OWNER)
    return user


@transaction.atomic
def organisation_create(*, user: AbstractBaseUser, name: str, website: str = "") -> Organisation:
    """An organisation for a user who has none yet, with them as its owner."""
    organisation = Organisation.objects.create(name=name.strip(), website=website)
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.OWNER)
    return organisation


def invitation_token(invitation: Invitation) -> str:
    return signing.TimestampSigner(salt=INVITATION_SALT).sign(str(invitation.pk))


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link names, if the link is genuine, recent and unused."""
    signer = signing.TimestampSigner(salt=INVITATION_SALT)
    try:
        pk = signer.unsign(token, max_age=INVITATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise InvitationError(
            "This invitation has expired: invitations work for 7 days. Ask the person who "
            "invited you to send a new one."
        ) from error
    except signing.BadSignature as error:
        raise InvitationError(
            "This invitation link is not valid: it may have been cut short or changed. "
            "Copy the whole link from the email, or ask for a new invitation."
        ) from error
    invitation = (
        Invitation.objects.select_related("organisation").filter(pk=pk).first()
        if pk.isdigit()
        else None
    )
    if invitation is None:
        raise InvitationError("This invitation has been withdrawn. Ask for a new one.")
    if invitation.accepted_at is not None:
        raise InvitationError(
            "This invitation has been used already. Log in with the account it created."
        )
    return invitation


def invitation_send(
    *, organisation: Organisation, email: str, invited_by: AbstractBaseUser, request: HttpRequest
) -> Invitation:
    """Record an invitation and email its signed link, which works for 7 days."""
    invitation = Invitation.objects.create(
        organisation=organisation, email=email, invited_by=invited_by
    )
    url = request.build_absolute_uri(
        reverse("invitation_accept", kwargs={"token": invitation_token(invitation)})
    )
    context = {
        "invitation": invitation,
        "url": url,
        "inviter_name": invited_by.get_full_name() or invited_by.get_username(),
        "days": INVITATION_MAX_AGE.days,
        "site_name": settings.SITE_NAME,
    }
    subject = render_to_string("registration/invitation_subject.txt", context).strip()
    body = render_to_string("registration/invitation_email.txt", context)
    send_mail(subject, body, None, [email])
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: AbstractBaseUser) -> Membership:
    """Make `user` a recruiter of the inviting organisation and mark the invitation used."""
    membership = Membership.objects.create(
        user=user, organisation=invitation.organisation, role=Membership.Role.RECRUITER
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership
