import pytest


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
