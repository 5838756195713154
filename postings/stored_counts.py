"""Counts of open postings, stored in the database for a minute (OpenPostingCounts).

Some pages count many open postings at every request: /jobs/ with nothing searched, the home
page and the role directory count all of them (postings/facets.py), a role's explainer the
salaries of all of the role's (postings/views/roles.py). The page that counts stores its
counts under a key of its own, and the pages after it read that row, one query, for at most
LIFETIME_SECONDS, whether or not the page cache holds them.

A write to a posting, an organisation or a role deletes every row once it commits. What can
leave a row behind the postings is a posting expiring, or a page that counted the rows as
they were storing its counts after a write committed: the row's age bounds both. So each
caller stores only counts that no page depends on exactly, and only where counting costs
(many postings); below that it counts every time.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, transaction
from django.utils import timezone

from jobsite.caching import once_committed

logger = logging.getLogger(__name__)

LIFETIME_SECONDS = 60


def key(name: str, form: Any) -> str:
    """The key of counts called `name`, stored in `form` (what JSON holds: the names of the
    fields they are made of, say): a release that changes the form reads none stored
    before it, rather than misread them."""
    return f"{name}:{hashlib.sha256(json.dumps(form).encode()).hexdigest()[:16]}"


def read(database: str, key: str) -> Any | None:
    """The counts stored under `key`, unless out of date (None): one query."""
    from postings.models import OpenPostingCounts

    counted_after = timezone.now() - timedelta(seconds=LIFETIME_SECONDS)
    return (
        OpenPostingCounts.objects.using(database)
        .filter(key=key, counted_at__gt=counted_after)
        .values_list("counts", flat=True)
        .first()
    )


def write(database: str, key: str, counts: Any) -> None:
    """Store `counts` (what JSON holds) under `key`, over any stored before: one query. A
    page is not worth a failed write (SQLite busy with another writer)."""
    from postings.models import OpenPostingCounts

    row = OpenPostingCounts(key=key, counts=counts, counted_at=timezone.now())
    try:
        # A savepoint, so that a failure leaves a surrounding transaction usable.
        with transaction.atomic(using=database):
            OpenPostingCounts.objects.using(database).bulk_create(
                [row],
                update_conflicts=True,
                unique_fields=["key"],
                update_fields=["counts", "counted_at"],
            )
    except DatabaseError:
        logger.warning("Could not store the counts %s", key, exc_info=True)


def out_of_date(using: str) -> None:
    """A posting, an organisation or a role was written on `using`: forget every stored
    count once the write commits (once, however many rows it writes)."""
    once_committed(forget, using, robust=True)


def forget(using: str = DEFAULT_DB_ALIAS) -> None:
    from postings.models import OpenPostingCounts

    OpenPostingCounts.objects.using(using).all().delete()
