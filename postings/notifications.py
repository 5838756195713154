"""Mail to recruiters about their work: a posting approved or sent back, a posting about to
expire, an invitation accepted. Each is queued once the change that caused it commits
(jobsite.mail), in plain text and HTML, to the recruiters it concerns who have not turned
that kind off (NotificationPreferences).

Every message carries a one-click unsubscribe link (RFC 8058) for its reader and its kind;
an expiry reminder also carries a link that extends the posting. Both are signed, so they
work without logging in: mail is read on phones, and forwarded. Mail scanners fetch links,
so a GET of either only shows a page; the change takes a POST.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from jobsite.mail import one_click_unsubscribe, send_templated_email
from jobsite.origin import absolute_url
from postings.models import (
    ExpiryReminder,
    Invitation,
    Membership,
    Notification,
    Posting,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# A posting is reminded of this long before its end date.
REMINDER_LEAD = timedelta(days=3)
# What the reminder's Extend button gives: the one rule for it (Posting.extend counts from
# the later of now and the current end date).
REMINDER_EXTENSION_DAYS = 30
# The Extend link works for this long: past the end date, so a recruiter back from a few
# days away can still bring the posting back.
EXTEND_MAX_AGE = timedelta(days=14)
EXTEND_SALT = "postings.notifications.extend"
# Unsubscribe links never expire: mail stays in inboxes for years, and all a link can do is
# stop one kind of mail to the person it was sent to.
UNSUBSCRIBE_SALT = "postings.notifications.unsubscribe"


class LinkError(Exception):
    """A link from a notification that cannot be used; the message says why, for the page."""


# --- Who hears ----------------------------------------------------------------------------


def owners_of(organisation_id: int) -> QuerySet[User]:
    return get_user_model().objects.filter(
        membership__organisation_id=organisation_id, membership__access=Membership.Access.OWNER
    )


def member_or_owners(user_id: int | None, organisation_id: int) -> QuerySet[User]:
    """The user `user_id` while a member of the organisation, else its owners."""
    if user_id is not None:
        member = get_user_model().objects.filter(
            pk=user_id, membership__organisation_id=organisation_id
        )
        if member.exists():
            return member
    return owners_of(organisation_id)


def posting_recruiters(posting: Posting) -> QuerySet[User]:
    """Who hears about a posting: its author, who wrote it and waits on the decision; when the
    author has gone or left the organisation (or staff made the posting), its owners, who
    answer for the organisation's postings. Not every recruiter: a team of ten would get ten
    copies of each other's news."""
    return member_or_owners(posting.created_by_id, posting.organisation_id)


def notify(
    kind: Notification,
    users: QuerySet[User],
    template: str,
    context: dict[str, Any],
) -> list[str]:
    """Queue the message `template` to each active one of `users` who receives `kind`, with
    their own unsubscribe link: one message each, since the link is theirs. Returns their
    Message-IDs."""
    receivers = (
        users.filter(is_active=True)
        .exclude(email="")
        .exclude(**{f"notification_preferences__{kind}": False})
    )
    message_ids = []
    for user in receivers.order_by("pk"):
        unsubscribe_url = absolute_url(
            reverse("recruiters:notification_unsubscribe", args=[unsubscribe_token(user, kind)])
        )
        sent = send_templated_email(
            template,
            {
                **context,
                "user": user,
                "kind": kind,
                "unsubscribe_url": unsubscribe_url,
                "preferences_url": absolute_url(reverse("recruiters:notification_preferences")),
            },
            to=[user.email],
            headers=one_click_unsubscribe(unsubscribe_url),
        )
        message_ids.append(sent)
    return message_ids


# --- The notifications ----------------------------------------------------------------------


def posting_reviewed(posting: Posting, *, approved: bool, change: bool) -> None:
    """Staff approved `posting` or sent it back (with its rejection_reason); `change` when
    what they decided on was an edit of a public posting rather than a new posting."""
    notify(
        Notification.POSTING_REVIEWED,
        posting_recruiters(posting),
        "email/posting_approved" if approved else "email/posting_sent_back",
        {
            "posting": posting,
            "change": change,
            "manage_url": absolute_url(reverse("recruiters:posting_manage", args=[posting.pk])),
            "posting_url": absolute_url(posting.get_absolute_url()),
        },
    )


def invitation_accepted(invitation: Invitation, membership: Membership) -> None:
    """The person who sent `invitation` (or, if they have left, the owners) hears that it was
    accepted: a new colleague can now publish in the organisation's name."""
    notify(
        Notification.INVITATION_ACCEPTED,
        member_or_owners(invitation.invited_by_id, invitation.organisation_id).exclude(
            pk=membership.user_id
        ),
        "email/invitation_accepted",
        {
            "invitation": invitation,
            "member": membership.user,
            "organisation": invitation.organisation,
            "team_url": absolute_url(reverse("recruiters:invitation_list")),
        },
    )


def expiring_postings(now: datetime) -> QuerySet[Posting]:
    """Public postings that end within REMINDER_LEAD and were not reminded of this end date."""
    reminded = ExpiryReminder.objects.filter(
        posting=OuterRef("pk"), valid_through=OuterRef("valid_through")
    )
    return (
        Posting.objects.public()
        .filter(valid_through__lte=now + REMINDER_LEAD)
        .exclude(Exists(reminded))
        .select_related("organisation")
        .order_by("valid_through", "pk")
    )


def send_expiry_reminders() -> int:
    """Remind each posting ending within REMINDER_LEAD, once per end date: the reminder's row
    commits before its mail is queued (send_email waits for the commit), and a second run,
    or one running beside it, finds the row and sends nothing. Returns how many postings were
    reminded."""
    sent = 0
    for posting in expiring_postings(timezone.now()):
        with transaction.atomic():
            reminder, created = ExpiryReminder.objects.get_or_create(
                posting=posting, valid_through=posting.valid_through
            )
            if created:
                reminder.message_ids = "\n".join(posting_expiring(posting))
                reminder.save(update_fields=["message_ids"])
                sent += 1
    return sent


def posting_expiring(posting: Posting) -> list[str]:
    return notify(
        Notification.POSTING_EXPIRING,
        posting_recruiters(posting),
        "email/posting_expiring",
        {
            "posting": posting,
            "extend_url": absolute_url(
                reverse("recruiters:posting_extend_link", args=[extension_token(posting)])
            ),
            "extension_days": REMINDER_EXTENSION_DAYS,
            "link_days": EXTEND_MAX_AGE.days,
            "manage_url": absolute_url(reverse("recruiters:posting_manage", args=[posting.pk])),
        },
    )


# --- Signed links ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Extension:
    """What an Extend link names: the posting, and the end date it was sent about."""

    posting: Posting
    expiring: datetime

    def apply(self) -> None:
        """Extend the posting, once: refused (AlreadyDone) if it has been extended since."""
        self.posting.extend(by=None, days=REMINDER_EXTENSION_DAYS, expiring=self.expiring)


def extension_token(posting: Posting) -> str:
    """The Extend link's token: bound to the posting and its current end date, so that it
    extends this posting once, and expires with EXTEND_MAX_AGE."""
    expiring = posting.valid_through.isoformat() if posting.valid_through else None
    return signing.dumps({"posting": posting.pk, "expiring": expiring}, salt=EXTEND_SALT)


def extension_from_token(token: str) -> Extension:
    try:
        data = signing.loads(token, salt=EXTEND_SALT, max_age=EXTEND_MAX_AGE)
    except signing.SignatureExpired as error:
        raise LinkError(
            f"This link has expired: Extend links work for {EXTEND_MAX_AGE.days} days. Log in "
            "to extend the posting from its page."
        ) from error
    except signing.BadSignature as error:
        raise LinkError(
            "This link is not valid: it may have been cut short or changed. Copy the whole "
            "link from the email, or log in to extend the posting from its page."
        ) from error
    pk = data.get("posting") if isinstance(data, dict) else None
    try:
        expiring = datetime.fromisoformat(data["expiring"])
    except (KeyError, TypeError, ValueError):
        expiring = None
    posting = (
        Posting.objects.select_related("organisation").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    if posting is None or expiring is None:
        raise LinkError("This posting no longer exists.")
    return Extension(posting, expiring)


@dataclass(frozen=True)
class Unsubscription:
    """What an unsubscribe link names: a user and one kind of notification."""

    user: User
    kind: Notification


def unsubscribe_token(user: User, kind: Notification) -> str:
    return signing.dumps({"user": user.pk, "kind": str(kind)}, salt=UNSUBSCRIBE_SALT)


def unsubscription_from_token(token: str) -> Unsubscription:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as error:
        raise LinkError(
            "This unsubscribe link is not valid: it may have been cut short or changed. Copy "
            "the whole link from the email, or log in and choose your notifications."
        ) from error
    pk = data.get("user") if isinstance(data, dict) else None
    kind = data.get("kind") if isinstance(data, dict) else None
    user = get_user_model().objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if user is None or kind not in Notification.values:
        raise LinkError("This link no longer works: its account has gone.")
    return Unsubscription(user, Notification(kind))
