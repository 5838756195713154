"""The alerts' run: each due alert gets one message listing the postings published since its
last run that its search finds, each posting at most once ever.

Work goes by distinct search: the alerts that share a search share its new postings, so a
search is run once for all of them (alerts/tasks.py hands each worker task a batch of
searches). Per search: one query for its due alerts and one for the new postings; per 100
alerts, one statement that records what their messages list; per task, one query for the
published roles and one that moves the watermark of every alert it ran (per 10,000).

Record, then send. The (alert, posting) rows of a batch of alerts are inserted in one
statement that skips the pairs already recorded (alerts_delivery_once_per_alert) and returns
those it inserted; it commits before any message goes out, and a message lists only the rows
its own insert returned. So two workers running the same search, or a task retried after a
crash, never list a posting to an alert twice. The price: a crash between the commit and the
send loses those messages (the log says which were recorded, then which were sent).

Messages go straight to the mail backend over one connection per task, not through
jobsite.tasks.send_email: the run is already in the worker, and one queued task per message
would more than double the queue's work for a run that sends a hundred thousand. A message
the mail server refuses is handed to jobsite.tasks.deliver_email, which retries it with the
same Message-ID.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from alerts import links, searches
from alerts.models import Alert, Delivery
from jobsite.mail import one_click_unsubscribe, render_email
from jobsite.origin import absolute_url
from jobsite.tasks import deliver_email, new_message_id
from postings.accounts import MAIL_ERRORS
from postings.display import place_text
from postings.models import Posting
from roles.models import Role

logger = logging.getLogger(__name__)

# A message lists at most this many postings, the newest, and links the search for the rest.
MAX_LISTED = 20
# The new postings read per search: enough for the alert with the oldest watermark to know
# there are more than it lists.
MAX_READ = 100
# Alerts recorded per statement.
ALERTS_PER_BATCH = 100
# Alerts whose watermark one statement moves.
ALERTS_PER_UPDATE = 10_000


@dataclass
class RunCounts:
    searches: int = 0
    alerts: int = 0
    # New postings read for the searches (at most MAX_READ each).
    found: int = 0
    messages: int = 0
    postings_listed: int = 0
    refused: int = 0
    queries: int = 0

    def add(self, other: RunCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Message:
    alert: Alert
    postings: list[Posting]
    more: int
    message_id: str = field(default="")


def due_searches(now: datetime) -> list[str]:
    """The distinct searches of the alerts due at `now`."""
    return list(Alert.objects.due(now).order_by("query").values_list("query", flat=True).distinct())


def run_searches(queries: Sequence[str], now: datetime) -> RunCounts:
    """Run each search in `queries` once for its alerts due at `now`, over one connection
    to the mail server. One query for the published roles, then those of each search, then
    the alerts' watermark moved to `now`: last, so that alerts a crash left out are due
    again at the next run and find their postings (those recorded already are not listed
    again)."""
    counts = RunCounts()
    run: list[int] = []
    with counting_queries(counts):
        role_ids = dict(Role.objects.published().values_list("slug", "pk"))
        with get_connection() as mail:
            for query in queries:
                counts.add(run_search(query, now, role_ids=role_ids, mail=mail, run=run))
        for start in range(0, len(run), ALERTS_PER_UPDATE):
            Alert.objects.filter(pk__in=run[start : start + ALERTS_PER_UPDATE]).update(
                last_run_at=now
            )
    logger.info(
        "Alert run %s: %d searches, %d alerts, %d new postings found, %d messages listing "
        "%d postings, %d refused, %d queries",
        now.isoformat(),
        counts.searches,
        counts.alerts,
        counts.found,
        counts.messages,
        counts.postings_listed,
        counts.refused,
        counts.queries,
    )
    return counts


def run_search(
    query: str,
    now: datetime,
    *,
    role_ids: dict[str, int],
    mail: BaseEmailBackend,
    run: list[int],
) -> RunCounts:
    """Send the alerts of `query` due at `now` their new postings; their ids go to `run`."""
    counts = RunCounts(searches=1)
    due = Alert.objects.due(now).filter(query=query)
    alerts = list(due.select_related("user").order_by("pk"))
    if not alerts:
        return counts
    run.extend(alert.pk for alert in alerts)
    counts.alerts = len(alerts)
    since = min(alert.last_run_at for alert in alerts if alert.last_run_at)
    postings = list(
        searches.matching(query, role_ids)
        .filter(published_at__gt=since, published_at__lte=now)
        .select_related("organisation")
        .order_by("-published_at", "-pk")[:MAX_READ]
    )
    counts.found = len(postings)
    if postings:
        listings = Listings()
        for batch in (
            alerts[i : i + ALERTS_PER_BATCH] for i in range(0, len(alerts), ALERTS_PER_BATCH)
        ):
            messages = record(batch, postings, now)
            refused = sum(not send(message, listings, mail) for message in messages)
            if messages:
                logger.info("Sent %d of %d alert messages", len(messages) - refused, len(messages))
            counts.refused += refused
            counts.messages += len(messages)
            counts.postings_listed += sum(len(message.postings) for message in messages)
    return counts


def record(alerts: Sequence[Alert], postings: list[Posting], now: datetime) -> list[Message]:
    """Record what each alert's message lists, and return the messages whose rows this
    insert made: one statement, committed (autocommit) before anything is sent."""
    messages = {}
    rows: list[Any] = []
    recorded_at = connection.ops.adapt_datetimefield_value(now)
    for alert in alerts:
        if not alert.address:
            continue
        since = alert.last_run_at
        new = [p for p in postings if since and p.published_at and p.published_at > since]
        if not new:
            continue
        message_id = new_message_id(f"alert{alert.pk}.{now:%Y%m%d%H%M%S}")
        messages[alert.pk] = Message(alert, [], len(new) - MAX_LISTED, message_id)
        for posting in new[:MAX_LISTED]:
            rows.extend((alert.pk, posting.pk, message_id, recorded_at))
    if not rows:
        return []
    table = connection.ops.quote_name(Delivery._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s)"] * (len(rows) // 4))
    sql = (
        f"INSERT INTO {table} (alert_id, posting_id, message_id, created_at) "  # noqa: S608
        f"VALUES {values} ON CONFLICT (alert_id, posting_id) DO NOTHING "
        "RETURNING alert_id, posting_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, rows)
        inserted = cursor.fetchall()
    by_pk = {posting.pk: posting for posting in postings}
    for alert_pk, posting_pk in inserted:
        messages[alert_pk].postings.append(by_pk[posting_pk])
    found = [message for message in messages.values() if message.postings]
    for message in found:
        message.postings.sort(key=lambda p: (p.published_at, p.pk), reverse=True)
    if found:
        # What a crash before the batch's "Sent" line loses.
        logger.info(
            "Recorded %d alert messages: %s",
            len(found),
            " ".join(message.message_id for message in found),
        )
    return found


class Listings:
    """The postings part of a message, rendered once for every alert that lists the same
    postings (most alerts of a search do)."""

    def __init__(self) -> None:
        self.rendered: dict[tuple[int, ...], tuple[str, str]] = {}

    def of(self, postings: list[Posting]) -> tuple[str, str]:
        key = tuple(posting.pk for posting in postings)
        if key not in self.rendered:
            items = [
                {
                    "title": posting.title,
                    "organisation": posting.organisation.name,
                    "place": place_text(posting),
                    "workplace": posting.get_workplace_display(),
                    "url": absolute_url(posting.get_absolute_url()),
                }
                for posting in postings
            ]
            context = {"postings": items}
            self.rendered[key] = (
                render_to_string("alerts/email/_postings.txt", context),
                render_to_string("alerts/email/_postings.html", context),
            )
        return self.rendered[key]


def send(message: Message, listings: Listings, mail: BaseEmailBackend) -> bool:
    """Send one alert's message; False if the mail server refused it (then queued to be
    tried again)."""
    alert = message.alert
    text, html = listings.of(message.postings)
    token = links.token(alert, links.MANAGE_SALT)
    unsubscribe = absolute_url(reverse("alerts:alert_unsubscribe", args=[token]))
    subject, body, html_body = render_email(
        "alerts/email/alert",
        {
            "alert": alert,
            "count": len(message.postings),
            "more": max(message.more, 0),
            "postings_text": mark_safe(text),  # noqa: S308  # rendered from escaped templates
            "postings_html": mark_safe(html),  # noqa: S308
            "search_url": absolute_url(alert.search_url()),
            "manage_url": absolute_url(reverse("alerts:alert_manage", args=[token])),
            "unsubscribe_url": unsubscribe,
        },
    )
    headers = {**one_click_unsubscribe(unsubscribe), "Message-ID": message.message_id}
    email = EmailMultiAlternatives(
        subject=subject, body=body, to=[alert.address], headers=headers, connection=mail
    )
    email.attach_alternative(html_body, "text/html")
    try:
        email.send()
    except MAIL_ERRORS:
        logger.exception("Alert message %s refused; queued to try again", message.message_id)
        deliver_email(
            subject=subject,
            body=body,
            to=[alert.address],
            html_body=html_body,
            reply_to=[],
            from_email=settings.DEFAULT_FROM_EMAIL,
            headers=headers,
        )
        return False
    return True


@contextmanager
def counting_queries(counts: RunCounts) -> Iterator[None]:
    """Count the queries the run makes, for its log line (and the bench)."""

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        counts.queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield
