"""The postings' tasks for the worker (jobsite/tasks.py says how tasks run): keeping the
aggregator feed's file current (postings/aggregator.py), reminding recruiters of
postings about to expire (postings/notifications.py), and collecting the views and
apply clicks counted on the request path into the daily table (postings/counting.py)."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from huey.exceptions import TaskLockedException

from postings import aggregator, counting, notifications

logger = logging.getLogger(__name__)

# How often the worker asks whether the feed is out of date: a change is in the file within
# this and one build (about 0.4 s per 1,000 open postings, so some 5 to 7 minutes at a
# million; bench/feed.py measures it).
FEED_CHECK_MINUTES = 5
# One build at a time, whichever worker runs it. A worker killed while building leaves the
# lock behind: `run_huey --flush-locks` (as `make run` starts it) clears it.
FEED_LOCK = HUEY.lock_task("aggregator-feed")
# How often views and apply clicks reach the dashboard.
COUNTS_MINUTES = 5
# One collection at a time: two would each add what they read, before either subtracted it.
COUNTS_LOCK = HUEY.lock_task("posting-counts")


def build_feed() -> None:
    try:
        with FEED_LOCK:
            aggregator.rebuild()
    except TaskLockedException:
        logger.info("The aggregator feed is being built already.")


@db_periodic_task(crontab(minute=f"*/{FEED_CHECK_MINUTES}"))
def check_aggregator_feed() -> None:
    """Rebuild the feed if anything it lists may have changed since it was built."""
    if aggregator.is_out_of_date(aggregator.read_manifest(), timezone.now()):
        build_feed()


@db_task()
def refresh_aggregator_feed() -> None:
    """Rebuild the feed now: when a request finds none yet, or an operator asks for it."""
    build_feed()


@db_periodic_task(crontab(hour="7", minute="0"))
def remind_expiring_postings() -> None:
    """Each morning, mail the recruiters of postings that end within 3 days, once per posting
    per end date (a second run, or a retry, sends nothing twice)."""
    sent = notifications.send_expiry_reminders()
    logger.info("Queued %d expiry reminder(s).", sent)


@db_periodic_task(crontab(minute=f"*/{COUNTS_MINUTES}"))
def collect_counts() -> None:
    """Move the shared counters of views and apply clicks into DailyCount."""
    try:
        with COUNTS_LOCK:
            moved = counting.collect()
    except TaskLockedException:
        logger.info("The counts are being collected already.")
        return
    if moved:
        logger.info("Collected %d views and apply clicks", moved)
