"""Accounts: sign-up, email verification, account mail and its limits, and invitations (their
mail, their signed links, accepting one). The account pages (postings.views.accounts) and an
owner's invitation list (postings.views.recruiters) use it.

Account mail (verification, "you have an account", password reset, invitations) is sent in
the request: the page that says "check your inbox" is only true once the backend has it.
Notifications (an invitation accepted, postings.notifications) go through the task queue.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from jobsite.origin import absolute_url
from jobsite.tasks import new_message_id
from postings import notifications
from postings.models import (
    EmailVerification,
    Invitation,
    MailLimit,
    MailQuota,
    Membership,
    Organisation,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)

INVITATION_MAX_AGE = timedelta(days=7)
INVITATION_SALT = "postings.invitation"
VERIFICATION_MAX_AGE = timedelta(days=3)
VERIFICATION_SALT = "postings.email_verification"

# Account mail per address, per account that asks, and per client address. A refused mail
# is not sent, and the page says what it says for a sent one.
MAILS_PER_ADDRESS = (3, timedelta(hours=1))
MAILS_PER_ACCOUNT = (20, timedelta(days=1))
MAILS_PER_CLIENT = (20, timedelta(days=1))

# What a mail backend raises when it cannot take a message: SMTP refusals and network errors.
MAIL_ERRORS = (smtplib.SMTPException, OSError)


class InvitationError(Exception):
    """An invitation link that cannot be used; the message says why, for the page."""


class VerificationError(Exception):
    """A verification link that cannot be used; the message says why, for the page."""


class MailNotSent(Exception):
    """The mail backend did not take the message; nothing that needed it was kept."""


# --- Account mail and its limits ---------------------------------------------------------


def normalise_email(email: str) -> str:
    return email.strip().lower()


def mail_limits(*, address: str, client: str, account: User | None = None) -> list[MailLimit]:
    limits = [
        MailLimit(f"address:{normalise_email(address)}", *MAILS_PER_ADDRESS),
        MailLimit(f"client:{client}", *MAILS_PER_CLIENT),
    ]
    if account is not None:
        limits.append(MailLimit(f"account:{account.pk}", *MAILS_PER_ACCOUNT))
    return limits


def mail_allowed(*, address: str, client: str, account: User | None = None) -> bool:
    """Count one account mail to `address`; False, and nothing counted, over a limit."""
    allowed = MailQuota.objects.take(mail_limits(address=address, client=client, account=account))
    if not allowed:
        log.warning("Account mail to one address refused: over a limit (client %s)", client)
    return allowed


def send_account_mail(template: str, context: dict, to: str) -> None:
    """Render `registration/<template>_subject.txt` and `_email.txt` and send them to `to`.
    The subject is one line whatever the context holds, so no name can break the header."""
    context = {"site_name": settings.SITE_NAME, **context}
    subject = " ".join(render_to_string(f"registration/{template}_subject.txt", context).split())
    body = render_to_string(f"registration/{template}_email.txt", context)
    try:
        # From DEFAULT_FROM_EMAIL, with a Message-ID on the site's domain like queued mail's.
        EmailMessage(subject, body, None, [to], headers={"Message-ID": new_message_id()}).send()
    except MAIL_ERRORS as error:
        log.exception("The mail backend refused a %s mail", template)
        raise MailNotSent from error


# --- Sign-up and verification ------------------------------------------------------------


def account_create(*, name: str, email: str, password: str) -> User:
    """A user who logs in with their email address."""
    email = normalise_email(email)
    return get_user_model().objects.create_user(
        username=email, email=email, password=password, first_name=name.strip()
    )


def account_for(email: str) -> User | None:
    email = normalise_email(email)
    return (
        get_user_model()
        .objects.filter(Q(username__iexact=email) | Q(email__iexact=email))
        .order_by("pk")
        .first()
    )


def signup(
    *,
    name: str,
    email: str,
    password: str,
    organisation_name: str = "",
    website: str = "",
    client: str,
) -> None:
    """A new, unverified user (owning a new organisation, if `organisation_name` names one:
    a recruiter; else a job seeker), and a mail with the link that verifies the address; for
    an address that has an account, a mail saying so instead.

    The caller learns nothing about which happened, and neither may the person signing up:
    both answer "check your inbox", take about as long, and count against the same limits.
    Raises MailNotSent if the backend refused the mail (and keeps no new account then).
    """
    email = normalise_email(email)
    existing = account_for(email)
    if existing is None:
        if not mail_allowed(address=email, client=client):
            make_password(password)  # as long as a new account takes
            return
        try:
            user = signup_account(
                name=name,
                email=email,
                password=password,
                organisation_name=organisation_name,
                website=website,
            )
        except IntegrityError:
            # A simultaneous sign-up with this address made the account and sends its mail.
            return
        try:
            send_verification(user)
        except MailNotSent:
            organisation = Organisation.objects.filter(memberships__user=user).first()
            user.delete()
            if organisation is not None:
                organisation.delete()
            raise
        return
    make_password(password)
    if mail_allowed(address=email, client=client):
        send_account_mail(
            "signup_exists",
            {
                "user": existing,
                "login_url": absolute_url(reverse("login")),
                "reset_url": absolute_url(reverse("password_reset")),
                # No confirmation link for an unconfirmed account: its password may be
                # someone else's, who signed up with this address first. A new password
                # (the reset link) confirms the address and shuts them out.
                "unconfirmed": not EmailVerification.is_verified(existing),
            },
            email,
        )


@transaction.atomic
def signup_account(
    *, name: str, email: str, password: str, organisation_name: str, website: str
) -> User:
    """An unverified account; with an organisation it owns when `organisation_name` is set."""
    user = account_create(name=name, email=email, password=password)
    EmailVerification.objects.create(user=user)
    if organisation_name:
        Organisation.create_with_owner(owner=user, name=organisation_name, website=website)
    return user


def verification_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=VERIFICATION_SALT)


def verification_url(user: User) -> str:
    return absolute_url(reverse("email_verify", kwargs={"token": verification_token(user)}))


def send_verification(user: User) -> None:
    """The link that verifies a new account's address; a recruiter's mail names their
    organisation, a job seeker's none."""
    membership = Membership.objects.select_related("organisation").filter(user=user).first()
    send_account_mail(
        "verification",
        {
            "user": user,
            "url": verification_url(user),
            "days": VERIFICATION_MAX_AGE.days,
            "organisation": membership.organisation if membership else None,
        },
        user.email,
    )


def user_from_verification_token(token: str) -> User:
    """The unverified user a verification link names, if the link is genuine and recent."""
    try:
        data = signing.loads(token, salt=VERIFICATION_SALT, max_age=VERIFICATION_MAX_AGE)
    except signing.SignatureExpired as error:
        raise VerificationError(
            "This link has expired: links work for 3 days. Sign up again with the same "
            "address and we will send a new one."
        ) from error
    except signing.BadSignature as error:
        raise VerificationError(
            "This link is not valid: it may have been cut short or changed. Copy the whole "
            "link from the email."
        ) from error
    pk = data.get("user") if isinstance(data, dict) else None
    user = get_user_model().objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if user is None or user.email != data.get("email"):
        raise VerificationError("This link no longer works: its account has changed or gone.")
    if EmailVerification.is_verified(user):
        raise VerificationError("This address is confirmed already. Log in to continue.")
    return user


def email_verify(user: User) -> None:
    """Mark the address verified; a link used already (or twice at once) is refused."""
    if not EmailVerification.verify(user):
        raise VerificationError("This address is confirmed already. Log in to continue.")


# --- Invitations -------------------------------------------------------


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
    *, organisation: Organisation, email: str, invited_by: User, client: str
) -> Invitation | None:
    """Record an invitation and email its signed link, which works for 7 days.

    None, with nothing sent or saved, when a mail limit refuses it. The invitation is kept
    only if the mail backend took the message (MailNotSent otherwise).
    """
    email = normalise_email(email)
    if not mail_allowed(address=email, client=client, account=invited_by):
        return None
    invitation = Invitation.objects.create(
        organisation=organisation, email=email, invited_by=invited_by
    )
    try:
        send_invitation(invitation, inviter=invited_by)
    except MailNotSent:
        invitation.delete()
        raise
    return invitation


def send_invitation(invitation: Invitation, *, inviter: User) -> None:
    """Mail the invitation's link, freshly signed: it works for 7 days from now."""
    context = {
        "invitation": invitation,
        "url": absolute_url(
            reverse("invitation_accept", kwargs={"token": invitation_token(invitation)})
        ),
        "inviter_name": inviter.get_full_name() or inviter.get_username(),
        "days": INVITATION_MAX_AGE.days,
    }
    send_account_mail("invitation", context, invitation.email)


def invitation_resend(*, invitation: Invitation, by: User, client: str) -> bool:
    """Mail an unaccepted invitation's link again, from `by`, within the mail limits: False,
    with nothing sent, over a limit. Sent in the request, like every account mail, so the
    owner's "sent" is true once the backend has the message (MailNotSent otherwise)."""
    if not mail_allowed(address=invitation.email, client=client, account=by):
        return False
    send_invitation(invitation, inviter=by)
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    return True


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Make `user` a recruiter of the inviting organisation and mark the invitation used.

    Only the invited address may accept, and only once: the conditional UPDATE lets one of
    simultaneous accepts through, and Membership's one-to-one fields refuse a second
    membership from one invitation or for one user.
    """
    if not invitation.is_for(user):
        raise InvitationError(
            f"This invitation was sent to another address, not to {user.email}. Log in with "
            "the account for the invited address, or ask for an invitation to yours."
        )
    if not invitation.mark_accepted():
        raise InvitationError(
            "This invitation has been used already. Log in with the account it created."
        )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user,
                organisation=invitation.organisation,
                access=Membership.Access.RECRUITER,
                invitation=invitation,
            )
    except IntegrityError as error:
        raise InvitationError(
            "Your account belongs to an organisation already: an account belongs to one."
        ) from error
    # The link reached the invited address, which is the user's: that verifies it.
    EmailVerification.verify(user)
    notifications.invitation_accepted(invitation, membership)
    return membership
