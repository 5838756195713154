"""Alerts and time for the alert tests."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.http import QueryDict
from django.utils import timezone

from alerts import links
from alerts.models import Alert
from alerts.searches import AlertSearch


def make_alert(query: str = "workplace=remote", *, days_ago: float = 1, **fields) -> Alert:
    """A confirmed alert of `query` (an address's, unless `user` is given) whose last run
    was `days_ago` days ago: due now if daily."""
    search = AlertSearch.from_request(QueryDict(query))
    now = timezone.now()
    fields.setdefault("email", "" if fields.get("user") else "seeker@example.com")
    return Alert.objects.create(
        query=search.query,
        description=search.description,
        confirmed_at=now - timedelta(days=days_ago),
        last_run_at=now - timedelta(days=days_ago),
        **fields,
    )


def days_pass(days: float = 1) -> None:
    """Every alert's last run moves `days` into the past, as if that much time went by."""
    for alert in Alert.objects.all():
        Alert.objects.filter(pk=alert.pk).update(
            last_run_at=alert.last_run_at - timedelta(days=days) if alert.last_run_at else None,
            created_at=alert.created_at - timedelta(days=days),
        )


def posted(hours_ago: float = 1, **fields):
    """A public posting published `hours_ago` hours ago."""
    from tests.factories import PostingFactory

    return PostingFactory(published_at=timezone.now() - timedelta(hours=hours_ago), **fields)


def alert_pages() -> dict[str, str]:
    """The alert pages a visitor without an account sees, for one alert of each state."""
    waiting = Alert.objects.create(
        query="q=coo&workplace=remote",
        description="Remote jobs matching “coo”",
        email="a@example.com",
    )
    confirmed = Alert.objects.create(
        query="workplace=hybrid", description="Hybrid jobs", email="b@example.com"
    )
    confirmed.confirm()
    return {
        "alert sign-up": "/alerts/new/?q=coo&workplace=remote",
        "alert sign-up sent": "/alerts/new/sent/",
        "alert confirmation": urlsplit(links.confirm_url(waiting)).path,
        "alert manage page": links.manage_path(confirmed),
        "alert unsubscribe page": urlsplit(links.unsubscribe_url(confirmed)).path,
        "alert broken link": "/alerts/manage/not-a-token/",
    }
