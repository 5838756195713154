from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone

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


@pytest.fixture
def run_alerts():
    """The hourly periodic task, run now (huey's immediate mode: in this process)."""
    from alerts.tasks import queue_alert_runs

    return queue_alert_runs


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): ...`: what the block queued for after its commit (mail) runs at
    its end, as on the site, where the request's transaction commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
