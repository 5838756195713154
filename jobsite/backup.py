"""Backups of the site's data as one JSON document, restorable on SQLite or PostgreSQL.

What a backup holds: users (with their password hashes, groups and permissions), roles and
every part of them, organisations and their logos (the images; the files served are made from
them again on restore), memberships, invitations, postings and their history, job seekers'
saved jobs, the roles' revision history, and the admin's log. Not kept: sessions, login-throttling
records and mail quotas (they expire anyway), content types and permissions (`migrate`
makes them; rows refer to them by natural key, so their ids may differ between databases),
and the stored counts of open postings (the first page that needs them counts them again).
The search documents are not stored either: the database's triggers rebuild them as rows
arrive. Nor are the wage tables: they are the code's own files (roles/data/), which
`load_wages` (run by `load_roles`) loads.

Every row keeps its primary key, and every value is written exactly (datetimes to the
microsecond, decimals as strings), so a restore gives back the same rows.
"""

from __future__ import annotations

import datetime
import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, models, transaction

# In the order they are written and restored: each after the rows it refers to. On
# PostgreSQL a posting's search document is built from its role's titles when it is
# inserted, so roles and their alternate titles come first.
BACKUP_MODELS = [
    "auth.Group",
    "auth.User",
    # Without its row a sign-up that never confirmed its address would count as verified.
    "postings.EmailVerification",
    "roles.Role",
    "roles.AlternateTitle",
    "roles.Responsibility",
    "roles.Qualification",
    "roles.ReportingLine",
    "roles.CareerStep",
    "roles.FAQ",
    "roles.Shorthand",
    # Logos' images: a restore writes their files into the media storage again.
    "postings.Logo",
    "postings.Organisation",
    "postings.Invitation",
    "postings.Membership",
    "postings.Posting",
    "postings.RenderedDescription",
    "postings.PostingEvent",
    # What each recruiter chose to receive, and the reminders sent (none is sent twice).
    "postings.NotificationPreferences",
    "postings.ExpiryReminder",
    "seekers.SavedJob",
    # Search alerts and what each has listed (no posting is mailed twice after a restore).
    "alerts.Alert",
    "alerts.Delivery",
    # The views and apply clicks recruiters see on their dashboard.
    "postings.DailyCount",
    "reversion.Revision",
    "reversion.Version",
    "admin.LogEntry",
]


class DatabaseNotEmpty(Exception):
    """Restoring over existing rows would mix two sites' data."""


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes to milliseconds; a backup keeps the microseconds."""

    def default(self, o: object) -> object:
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


def backup_models() -> list[type[models.Model]]:
    return [apps.get_model(label) for label in BACKUP_MODELS]


def rows(using: str = DEFAULT_DB_ALIAS) -> Iterator[models.Model]:
    for model in backup_models():
        yield from model._base_manager.using(using).order_by("pk").iterator(chunk_size=2000)


def open_file(path: Path, mode: str) -> IO[str]:
    if path.suffix == ".gz":
        return cast(IO[str], gzip.open(path, mode, encoding="utf-8"))  # text mode: a TextIOWrapper
    return path.open(mode, encoding="utf-8")


def dump(path: Path, using: str = DEFAULT_DB_ALIAS) -> int:
    """Write every backed-up row to `path` (`.json`, or `.json.gz` compressed); returns the
    number of rows."""
    if not path.name.endswith((".json", ".json.gz")):
        raise ValueError("A backup file's name ends in .json or .json.gz.")
    counter = CountingIterator(rows(using))
    with open_file(path, "wt") as stream:
        serializers.serialize(
            "json",
            counter,
            stream=stream,
            cls=ExactJSONEncoder,
            use_natural_foreign_keys=True,
        )
    return counter.count


class CountingIterator:
    def __init__(self, items: Iterator[models.Model]) -> None:
        self.items = items
        self.count = 0

    def __iter__(self) -> Iterator[models.Model]:
        for item in self.items:
            self.count += 1
            yield item


def holds_data(using: str = DEFAULT_DB_ALIAS) -> bool:
    return any(model._base_manager.using(using).exists() for model in backup_models())


def wipe(using: str = DEFAULT_DB_ALIAS) -> None:
    """Delete every backed-up row, the rows that refer to others first."""
    for model in reversed(backup_models()):
        model._base_manager.using(using).all().delete()


def restore(path: Path, *, replace: bool = False, using: str = DEFAULT_DB_ALIAS) -> None:
    """Load a backup into a migrated database: an empty one, or with `replace` one whose
    rows are deleted first. All in one transaction: a failed restore changes nothing."""
    if not path.is_file():
        raise FileNotFoundError(f"No backup file at {path}.")
    with transaction.atomic(using=using):
        if holds_data(using):
            if not replace:
                raise DatabaseNotEmpty(
                    "The database holds data already. Restore into a freshly migrated "
                    "database, or pass --replace to delete its data first."
                )
            wipe(using)
        # Its raw saves make cached pages out of date once this commits (jobsite.caching).
        call_command("loaddata", str(path.resolve()), database=using, verbosity=0)
        # The search's vocabulary is made from the rows just restored, not kept in a backup.
        call_command("rebuild_vocabulary", database=using, verbosity=0)
        # The logos' files, into this site's media storage, which may be another one.
        call_command("write_logo_files", database=using, verbosity=0)
