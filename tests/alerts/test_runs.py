"""The alerts' run, through the real task queue (immediate mode) and a real SMTP server:
what each message lists, its headers and parts, and that no posting is listed twice."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alerts import runs
from alerts.models import Alert, Delivery, Frequency
from tests.alerts.helpers import days_pass, make_alert, posted
from tests.factories import RoleFactory

pytestmark = pytest.mark.django_db


def listed(message) -> list[str]:
    text = message.get_body(("plain",)).get_content()
    return re.findall(r"^\* (.+) at ", text, flags=re.MULTILINE)


def test_a_message_lists_the_new_postings_with_its_headers_and_both_parts(smtp_inbox, run_alerts):
    coo = RoleFactory(title="Chief Operating Officer", slug="chief-operating-officer")
    alert = make_alert("role=chief-operating-officer&location=London&workplace=remote")
    new = posted(title="COO <Europe>", role=coo, workplace="remote", city="London")
    posted(title="Old COO", role=coo, workplace="remote", city="London", hours_ago=48)
    posted(title="Closed COO", role=coo, workplace="remote", city="London", closed=True)
    posted(title="Draft COO", role=coo, workplace="remote", city="London", draft=True)
    posted(title="On-site COO", role=coo, workplace="on_site", city="London")
    posted(title="Paris COO", role=coo, workplace="remote", city="Paris", country="FR")

    run_alerts()

    (message,) = smtp_inbox.messages
    assert message["To"] == "seeker@example.com"
    assert message["From"] == "Rolewise <jobs@localhost>"
    assert message["Subject"] == "1 new job: Remote Chief Operating Officer jobs in London"
    delivery = Delivery.objects.get()
    assert (delivery.alert, delivery.posting) == (alert, new)
    assert message["Message-ID"].strip() == delivery.message_id
    assert message["Message-ID"].endswith("@testserver>")
    unsubscribe = message["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith("http://testserver/alerts/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert listed(message) == ["COO <Europe>"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    search = "http://testserver/jobs/?role=chief-operating-officer&amp;location=London"
    assert search in html
    assert search.replace("&amp;", "&") in text
    assert "COO &lt;Europe&gt;" in html
    assert "<Europe>" not in html
    assert f"http://testserver{new.get_absolute_url()}" in html
    assert "http://testserver/alerts/manage/" in text
    assert "/alerts/manage/" in html

    # One click in the mail client: a POST, no login, no token; then nothing more is sent.
    Client(enforce_csrf_checks=True).post(
        unsubscribe.removeprefix("http://testserver"), {"List-Unsubscribe": "One-Click"}
    )
    assert not Alert.objects.exists()
    posted(title="Newer COO", role=coo, workplace="remote", city="London", hours_ago=0.1)
    run_alerts()
    assert len(smtp_inbox.messages) == 1


def test_no_posting_is_listed_twice_across_runs(smtp_inbox, run_alerts):
    make_alert("workplace=remote", days_ago=2)
    posted(title="First", workplace="remote", hours_ago=30)
    run_alerts()
    run_alerts()  # a second run straight after: not due, nothing new
    days_pass(1)  # the first posting is "new since the last run" again by its date
    posted(title="Second", workplace="remote", hours_ago=0.5)
    run_alerts()
    assert [listed(message) for message in smtp_inbox.messages] == [["First"], ["Second"]]
    assert Delivery.objects.count() == 2


def test_a_run_with_nothing_new_sends_nothing(smtp_inbox, run_alerts):
    alert = make_alert("workplace=remote")
    posted(workplace="remote", hours_ago=48)
    run_alerts()
    assert smtp_inbox.messages == []
    alert.refresh_from_db()
    assert alert.last_run_at > timezone.now() - timedelta(minutes=1)


def test_a_retried_run_sends_nothing_twice(smtp_inbox):
    make_alert("workplace=remote")
    posted(workplace="remote")
    now = timezone.now()
    runs.run_searches(["workplace=remote"], now)
    # The same run again (a retried task, a second worker that read the alerts as due):
    # its rows are recorded already.
    Alert.objects.update(last_run_at=now - timedelta(days=1))
    counts = runs.run_searches(["workplace=remote"], now)
    assert (counts.alerts, counts.messages) == (1, 0)
    assert len(smtp_inbox.messages) == 1


def test_daily_alerts_go_every_day_and_weekly_ones_every_week(mailoutbox, run_alerts):
    make_alert("workplace=remote", email="daily@example.com", days_ago=1)
    make_alert(
        "workplace=remote", email="weekly@example.com", days_ago=1, frequency=Frequency.WEEKLY
    )
    posted(workplace="remote", hours_ago=2)
    run_alerts()
    assert [message.to for message in mailoutbox] == [["daily@example.com"]]
    days_pass(6)
    posted(workplace="remote", hours_ago=1)
    run_alerts()
    assert [message.to for message in mailoutbox[1:]] == [
        ["daily@example.com"],
        ["weekly@example.com"],
    ]
    # The weekly message lists the week's two postings, the daily one only the newest.
    assert len(re.findall(r"^\* ", mailoutbox[2].body, flags=re.MULTILINE)) == 2
    assert len(re.findall(r"^\* ", mailoutbox[1].body, flags=re.MULTILINE)) == 1


def test_an_account_alert_goes_to_the_account_address(mailoutbox, run_alerts):
    from tests.factories import UserFactory

    make_alert("workplace=remote", user=UserFactory(email="grace@example.com"))
    posted(workplace="remote")
    run_alerts()
    assert mailoutbox[0].to == ["grace@example.com"]


def test_a_long_list_names_the_newest_and_links_the_rest(mailoutbox, run_alerts):
    make_alert("workplace=remote")
    for hour in range(runs.MAX_LISTED + 3):
        posted(title=f"Job {hour}", workplace="remote", hours_ago=1 + hour / 10)
    run_alerts()
    (message,) = mailoutbox
    assert "Job 0 at" in message.body
    assert "Job 22" not in message.body
    assert "And 3 more" in message.body


def test_the_run_searches_once_per_distinct_search(mailoutbox, settings):
    """2 queries per distinct search and 1 per 100 of its alerts, and 2 per task (the
    roles, the watermark): no query per alert, however many share a search."""
    coo = RoleFactory(title="Chief Operating Officer", slug="chief-operating-officer")
    queries = [
        "workplace=remote",
        "q=operations",
        "role=chief-operating-officer&country=GB",
        "salary_min=50000&currency=GBP",
    ]
    alerts = 0
    for index, query in enumerate(queries):
        for number in range(60 + 50 * index):  # 60, 110, 160, 210 alerts
            make_alert(query, email=f"{index}-{number}@example.com")
            alerts += 1
    posted(workplace="remote")
    posted(workplace="on_site", title="Operations lead")
    posted(workplace="hybrid", role=coo)
    searches = runs.due_searches(timezone.now())
    assert len(searches) == 4
    with CaptureQueriesContext(connection) as captured:
        counts = runs.run_searches(searches, timezone.now())
    batches = sum(-(-(60 + 50 * index) // 100) for index in range(4))  # 1 + 2 + 2 + 3
    assert len(captured) == counts.queries == 2 + 2 * 4 + batches
    assert counts.messages == alerts == len(mailoutbox)


def test_unsubscribe_page_answers_a_get_with_a_button(run_alerts, mailoutbox):
    make_alert("workplace=remote")
    posted(workplace="remote")
    run_alerts()
    url = mailoutbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    response = Client().get(url.removeprefix("http://testserver"))
    assert response.status_code == HTTPStatus.OK
    assert Alert.objects.exists()


def test_a_refused_message_is_logged_and_queued_to_try_again(monkeypatch, caplog, mailoutbox):
    import smtplib

    from django.core.mail import EmailMultiAlternatives

    make_alert("workplace=remote")
    posted(workplace="remote")
    queued = []

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(EmailMultiAlternatives, "send", refuse)
    monkeypatch.setattr(runs, "deliver_email", lambda **message: queued.append(message))
    counts = runs.run_searches(["workplace=remote"], timezone.now())

    assert counts.refused == 1
    (message,) = queued
    delivery = Delivery.objects.get()
    assert message["headers"]["Message-ID"] == delivery.message_id
    assert f"Recorded 1 alert messages: {delivery.message_id}" in caplog.text
    assert "refused; queued to try again" in caplog.text
