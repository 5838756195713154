"""The postings' tasks for the worker (jobsite/tasks.py says how tasks run): keeping the
aggregator feed's file current (postings/aggregator.py)."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task
from huey.exceptions import TaskLockedException

from postings import aggregator

logger = logging.getLogger(__name__)

# How often the worker asks whether the feed is out of date: a change is in the file within
# this and one build (about 0.4 s per 1,000 open postings, so some 5 to 7 minutes at a
# million; bench/feed.py measures it).
FEED_CHECK_MINUTES = 5
# One build at a time, whichever worker runs it. A worker killed while building leaves the
# lock behind: `run_huey --flush-locks` (as `make run` starts it) clears it.
FEED_LOCK = HUEY.lock_task("aggregator-feed")


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
