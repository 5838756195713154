"""The task queue (jobsite/tasks.py): mail sent through it, and a real worker taking tasks from
real storage, as `make run` starts it."""

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction

from jobsite.mail import one_click_unsubscribe
from jobsite.tasks import new_message_id, send_email

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent


def test_a_mail_is_sent_by_the_worker_once_the_transaction_commits(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        send_email(
            subject="Your alert",
            body="Three new jobs.",
            html_body="<p>Three new jobs.</p>",
            to=["seeker@example.com"],
            reply_to=["jobs@example.com"],
        )
        assert mailoutbox == []  # Not before the commit.

    (mail,) = mailoutbox
    assert (mail.subject, mail.body, mail.to) == (
        "Your alert",
        "Three new jobs.",
        ["seeker@example.com"],
    )
    assert mail.reply_to == ["jobs@example.com"]
    assert mail.alternatives[0][1] == "text/html"


def test_a_rolled_back_request_sends_no_mail(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                send_email(subject="Never", body="Rolled back.", to=["a@example.com"])
                raise RuntimeError("the request failed")
        except RuntimeError:
            pass

    assert mailoutbox == []


def test_a_mail_over_real_smtp_has_its_headers_and_one_message_id(
    smtp_inbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message_id = send_email(
            subject="Three new jobs",
            body="Plain.",
            html_body="<p>Rich.</p>",
            to=["seeker@example.com"],
            headers=one_click_unsubscribe("http://testserver/alerts/unsubscribe/abc/"),
        )

    (message,) = smtp_inbox.messages
    assert message["Message-ID"] == message_id
    assert message_id.endswith("@testserver>")
    assert message["From"] == "Rolewise <jobs@localhost>"
    assert message["List-Unsubscribe"] == "<http://testserver/alerts/unsubscribe/abc/>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_body(("plain",)).get_content().strip() == "Plain."
    assert message.get_body(("html",)).get_content().strip() == "<p>Rich.</p>"


def test_a_sender_that_records_its_mail_may_name_the_message_id(
    mailoutbox, django_capture_on_commit_callbacks
):
    given = new_message_id("alert-7-2026-12-06")

    with django_capture_on_commit_callbacks(execute=True):
        sent = send_email(subject="Hi", body="", to=["a@example.com"], message_id=given)

    assert sent == given
    assert mailoutbox[0].extra_headers["Message-ID"] == given


def test_a_header_of_two_lines_is_refused():
    with pytest.raises(ValueError, match="one line"):
        send_email(subject="Hi", body="", to=["a@example.com"], headers={"X-A": "b\nBcc: c"})


def test_a_subject_of_two_lines_is_refused():
    with pytest.raises(ValueError, match="one line"):
        send_email(subject="Hello\nBcc: everyone@example.com", body="", to=["a@example.com"])


# --- A real worker --------------------------------------------------------------------------

SET_UP = """
from postings.models import Posting
from tests.factories import PostingFactory
PostingFactory(title="Built by the worker")
"""
QUEUE_MAIL_AND_FEED = """
from jobsite.tasks import send_email
from postings.tasks import refresh_aggregator_feed
send_email(subject="From the worker", body="Queued.", to=["seeker@example.com"])
refresh_aggregator_feed()
"""


@pytest.fixture
def fresh_site(tmp_path) -> dict[str, str]:
    """A fresh clone's setup on a SQLite file of its own: the default queue (a SQLite file
    beside it), the default generated files' place, mail written to files."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("CACHE_URL", "DATABASE_URL", "TASK_QUEUE_URL", "GENERATED_FILES_DIR")
    }
    env.update(
        DJANGO_ENV_FILE=os.devnull,
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        EMAIL_URL=f"filemail:///{tmp_path / 'mail'}",  # An absolute path: four slashes.
        PYTHONPATH=str(ROOT),
    )
    for command in (["migrate", "--noinput", "--verbosity", "0"], ["createcachetable"]):
        subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True
        )
    return env


@pytest.fixture
def worker(fresh_site) -> Iterator[subprocess.Popen]:
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_huey", "--flush-locks"],
        cwd=ROOT,
        env=fresh_site,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=15)


def shell(env: dict[str, str], code: str) -> None:
    subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True
    )


def wait_for(found, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found():
            return
        time.sleep(0.2)
    pytest.fail("the worker did not do it in time")


def test_a_worker_takes_mail_and_the_feed_from_the_default_queue(tmp_path, fresh_site, worker):
    """Another process queues; the worker, sharing only the files beside the database, sends
    the mail and builds the feed."""
    database = tmp_path / "site.sqlite3"
    shell(fresh_site, SET_UP)

    shell(fresh_site, QUEUE_MAIL_AND_FEED)

    queue = Path(f"{database}-tasks")
    assert queue.exists(), "the queue is a SQLite file beside the database"
    mail = tmp_path / "mail"
    wait_for(lambda: mail.exists() and any(mail.iterdir()))
    (sent,) = mail.iterdir()
    assert "Subject: From the worker" in sent.read_text()
    manifest = Path(f"{database}-files") / "aggregator-feed.json"
    wait_for(manifest.exists)
    assert json.loads(manifest.read_text())["jobs"] == 1
    assert worker.poll() is None
