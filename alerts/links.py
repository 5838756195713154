"""The signed addresses an alert is reached by, without an account: the confirmation link of
the double opt-in (good for UNCONFIRMED_MAX_AGE), and the manage and unsubscribe links in
every message (good as long as the alert exists). Each is the alert's id signed with the
site's secret under a salt of its own, so a link cannot be made for another alert, nor a
manage link turned into a confirmation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core import signing
from django.urls import reverse

from alerts.models import UNCONFIRMED_MAX_AGE, Alert
from jobsite.origin import absolute_url

if TYPE_CHECKING:
    from django.contrib.auth.models import User

CONFIRM_SALT = "alerts.confirm"
MANAGE_SALT = "alerts.manage"


def token(alert: Alert, salt: str) -> str:
    return signing.dumps(alert.pk, salt=salt)


def alert_for(value: str, salt: str) -> Alert | None:
    """The alert a link's token names; None for a token that is forged, expired or names
    an alert that is gone."""
    max_age = UNCONFIRMED_MAX_AGE if salt == CONFIRM_SALT else None
    try:
        pk = signing.loads(value, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return Alert.objects.select_related("user").filter(pk=pk).first()


def confirm_url(alert: Alert) -> str:
    return absolute_url(reverse("alerts:alert_confirm", args=[token(alert, CONFIRM_SALT)]))


def manage_path(alert: Alert) -> str:
    return reverse("alerts:alert_manage", args=[token(alert, MANAGE_SALT)])


def alerts_of(user: User) -> list[Alert]:
    """A signed-in person's alerts, each with its `manage_url` (a path): one query."""
    alerts = list(Alert.objects.of_user(user))
    for alert in alerts:
        alert.manage_url = manage_path(alert)
    return alerts


def manage_url(alert: Alert) -> str:
    return absolute_url(manage_path(alert))


def unsubscribe_url(alert: Alert) -> str:
    return absolute_url(reverse("alerts:alert_unsubscribe", args=[token(alert, MANAGE_SALT)]))


def is_signed(value: str, salt: str) -> bool:
    """Whether `value` is a token this site signed (for an alert that may be gone)."""
    try:
        signing.loads(value, salt=salt)
    except signing.BadSignature:
        return False
    return True
