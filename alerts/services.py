"""Signing up for an alert: with an account (its address verified: at once), or with an
address alone (double opt-in: a mail with a confirmation link, within the mail limits)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from alerts import links
from alerts.models import Alert
from alerts.searches import AlertSearch
from jobsite.mail import send_templated_email
from jobsite.origin import absolute_url
from postings.accounts import mail_allowed
from postings.models import EmailVerification

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


@transaction.atomic
def alert_subscribe(
    *,
    search: AlertSearch,
    frequency: str,
    user: User | AnonymousUser,
    email: str = "",
    client: str,
) -> Alert | None:
    """The alert of `search` for the signed-in `user` or for `email`, at `frequency`.

    Confirmed at once for an account whose address is verified, and returned then. Else a
    mail goes to the address (if the mail limits allow): the confirmation link, or for an
    alert the address already confirmed, its manage link; None is returned, and the caller
    says "check your inbox" whichever it was, so the page tells no one what an address
    has subscribed to.
    """
    if user.is_authenticated:
        alert, _ = Alert.objects.get_or_create(
            user=user, query=search.query, defaults={"description": search.description}
        )
        address, account = user.email, user
    else:
        alert, _ = Alert.objects.get_or_create(
            user=None, email=email, query=search.query, defaults={"description": search.description}
        )
        address, account = email, None
    if not alert.is_confirmed or account is not None:
        alert.set_frequency(frequency)
    if account is not None and EmailVerification.is_verified(account):
        alert.confirm()
        return alert
    if mail_allowed(address=address, client=client, account=account):
        context = {"alert": alert, "search_url": absolute_url(alert.search_url())}
        if alert.is_confirmed:
            context["manage_url"] = links.manage_url(alert)
        else:
            context["confirm_url"] = links.confirm_url(alert)
        send_templated_email("alerts/email/confirm", context, to=[address])
    return None
