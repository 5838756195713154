"""The alerts' periodic work, in the task worker (jobsite/tasks.py): every hour, the due
alerts' searches are shared out in tasks of a few searches each, which the workers run side
by side (alerts/runs.py); every day, sign-ups never confirmed are forgotten."""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from alerts import runs
from alerts.models import Alert

logger = logging.getLogger(__name__)

# Small enough that two workers share a run evenly, large enough that the published roles
# (read once per task) and the connection to the mail server are read and opened seldom.
SEARCHES_PER_TASK = 20


@db_periodic_task(crontab(minute="5"))
def queue_alert_runs() -> None:
    """Share out the searches of the alerts due now. The run's time travels with each task:
    postings published up to it are this run's, later ones the next run's."""
    now = timezone.now()
    queries = runs.due_searches(now)
    for start in range(0, len(queries), SEARCHES_PER_TASK):
        run_alerts(queries[start : start + SEARCHES_PER_TASK], now.isoformat())
    logger.info("Alert run %s: %d searches queued", now.isoformat(), len(queries))


@db_task(retries=2, retry_delay=60)
def run_alerts(queries: list[str], run_at: str) -> None:
    """Run the searches `queries` for their alerts due at `run_at`. Retried after an error:
    what was recorded is not listed again."""
    runs.run_searches(queries, datetime.fromisoformat(run_at))


@db_periodic_task(crontab(minute="35", hour="3"))
def forget_unconfirmed_alerts() -> None:
    deleted, _ = Alert.objects.stale(timezone.now()).delete()
    logger.info("Forgot %d unconfirmed alert sign-ups", deleted)
