"""The task queue: work done by the worker (`manage.py run_huey`), not in a web request.

huey runs it (settings.HUEY): tasks go into the storage TASK_QUEUE_URL names (a SQLite file
beside the database by default, Redis in production) and a worker process takes them out;
periodic tasks are scheduled by the worker that runs with periodic tasks on (the default).
`make run` starts one worker beside gunicorn. Tests run tasks in immediate mode: at once, in
the test's own process (tests/conftest.py).

A task is a function decorated with `db_task` or `db_periodic_task` (from
huey.contrib.djhuey), in a `tasks.py` module of an installed app, where the worker finds it.
Its arguments travel through the queue, so they are plain values (ids, text), never model
instances: the task reads the rows as they are when it runs.

Mail goes through `send_email`, the one entry point: it queues the message once the
transaction that asked for it commits, and the worker sends it, retrying when the mail
server is unavailable. A request that sends mail never waits on the mail server.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from email.utils import make_msgid

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from huey.contrib.djhuey import db_task

from jobsite.origin import site_domain

logger = logging.getLogger(__name__)

# A mail server that refuses a message for a while (greylisting, an outage) gets it again
# this many times, this many seconds apart.
MAIL_RETRIES = 5
MAIL_RETRY_DELAY = 120


def send_email(
    *,
    subject: str,
    body: str,
    to: Sequence[str],
    html_body: str = "",
    reply_to: Sequence[str] = (),
    from_email: str | None = None,
    headers: Mapping[str, str] | None = None,
    message_id: str | None = None,
) -> str:
    """Send a mail from the worker, once the current transaction commits (at once outside
    one): a rolled-back request sends nothing, and a request never waits on the mail server.

    `subject` must be one line; `body` is the plain text, `html_body` an optional HTML
    alternative; `headers` extra header lines (List-Unsubscribe, say). The Message-ID is
    fixed here, not when the worker sends, so a retried message is recognisably the same
    one; a caller that records what it sent may pass its own. Returns the Message-ID.
    Mail limits (postings.models.MailQuota) are for the caller to take first.
    """
    header_lines = dict(headers or {})
    if any("\n" in text or "\r" in text for text in [subject, *header_lines.values()]):
        raise ValueError("A mail's subject and headers are one line each.")
    message_id = message_id or new_message_id()
    message = {
        "subject": subject,
        "body": body,
        "to": list(to),
        "html_body": html_body,
        "reply_to": list(reply_to),
        "from_email": from_email,
        "headers": {**header_lines, "Message-ID": message_id},
    }
    transaction.on_commit(lambda: deliver_email(**message))
    return message_id


def new_message_id(idstring: str | None = None) -> str:
    """A Message-ID on the site's own domain (not the worker's host name)."""
    return make_msgid(idstring=idstring, domain=site_domain().split(":")[0])


@db_task(retries=MAIL_RETRIES, retry_delay=MAIL_RETRY_DELAY)
def deliver_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html_body: str,
    reply_to: list[str],
    from_email: str | None,
    headers: dict[str, str] | None = None,
) -> None:
    """The worker's half of `send_email`: one message through Django's mail backend
    (EMAIL_URL). An error is raised again, for huey to retry the task."""
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=from_email,
        to=to,
        reply_to=reply_to,
        headers=headers,
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()
    logger.info("Sent mail %r to %d recipient(s)", subject, len(to))
