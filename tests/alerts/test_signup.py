"""Signing up for an alert: from the search page's link, with an address (double opt-in) or
an account, within the mail limits; the signed links and who may reach what."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from alerts import links
from alerts.models import Alert, Frequency
from alerts.tasks import forget_unconfirmed_alerts
from tests.alerts.helpers import make_alert
from tests.factories import PostingFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

SEARCH = "/alerts/new/?q=coo&workplace=remote"


def link_in(message, start: str) -> str:
    text = message.get_body(("plain",)).get_content()
    (url,) = re.findall(rf"http://testserver({re.escape(start)}\S+)", text)
    return url


def test_the_search_page_links_to_the_alert_page_with_no_form_of_its_own(client):
    PostingFactory(workplace="remote")
    first = client.get("/jobs/?workplace=remote&sort=newest&page=1")
    second = Client().get("/jobs/?workplace=remote&sort=newest&page=1")
    for page in (first, second):
        assert 'href="/alerts/new/?workplace=remote"' in page.content.decode()
        assert b"csrfmiddlewaretoken" not in page.content
    assert first.content == second.content


def test_the_alert_page_names_the_search_in_words(client, django_assert_num_queries):
    """Fixed: the role is read once, the search's words and the page need no more."""
    RoleFactory(title="Chief Operating Officer", slug="chief-operating-officer")
    with django_assert_num_queries(1):
        response = client.get(
            "/alerts/new/?role=chief-operating-officer&workplace=remote&location=London&sort=x"
        )
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Remote Chief Operating Officer jobs in London" in page
    assert 'name="email"' in page
    assert 'value="weekly"' in page
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_an_address_confirms_its_alert_before_anything_is_sent(
    smtp_inbox, committed, django_assert_num_queries
):
    visitor = Client()
    with committed():
        response = visitor.post(SEARCH, {"frequency": "weekly", "email": " Ada@Example.com "})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/alerts/new/sent/"
    alert = Alert.objects.get()
    assert (alert.email, alert.frequency, alert.is_confirmed) == (
        "ada@example.com",
        Frequency.WEEKLY,
        False,
    )
    assert alert.description == "Remote jobs matching “coo”"
    (message,) = smtp_inbox.messages
    assert message["To"] == "ada@example.com"
    assert message["From"] == "Rolewise <jobs@localhost>"
    assert message["Message-ID"].endswith("@testserver>")
    assert "Confirm your job alert" in message["Subject"]
    assert "Confirm my job alert" in message.get_body(("html",)).get_content()
    confirm = link_in(message, "/alerts/confirm/")

    # A mail scanner's GET confirms nothing. One query: the alert the token names.
    with django_assert_num_queries(1):
        page = visitor.get(confirm)
    assert page.status_code == HTTPStatus.OK
    assert "Confirm</button>" in page.content.decode()
    alert.refresh_from_db()
    assert not alert.is_confirmed

    response = visitor.post(confirm)
    alert.refresh_from_db()
    assert alert.is_confirmed
    assert response["Location"] == links.manage_path(alert)


def test_a_signed_in_user_with_a_verified_address_skips_the_confirmation(
    client, smtp_inbox, django_assert_num_queries
):
    user = UserFactory(email="grace@example.com")
    client.force_login(user)
    response = client.post(SEARCH, {"frequency": "daily"})
    assert response["Location"] == "/alerts/"
    alert = Alert.objects.get()
    assert (alert.user, alert.email, alert.is_confirmed) == (user, "", True)
    assert smtp_inbox.messages == []
    make_alert("workplace=hybrid", user=user)
    make_alert("workplace=on_site")  # someone else's

    with django_assert_num_queries(3):  # session, user, their alerts
        page = client.get("/alerts/").content.decode()
    assert "Remote jobs matching “coo”" in page
    assert "Hybrid jobs" in page
    assert "On-site jobs" not in page


def test_an_account_with_an_unverified_address_confirms_by_mail(client, smtp_inbox, committed):
    user = UserFactory(unverified=True)
    client.force_login(user)
    with committed():
        client.post(SEARCH, {"frequency": "daily"})
    assert not Alert.objects.get().is_confirmed
    (message,) = smtp_inbox.messages
    assert message["To"] == user.email


def test_signing_up_again_for_a_confirmed_alert_mails_its_manage_link_and_changes_nothing(
    client, smtp_inbox, committed
):
    alert = make_alert("q=coo&workplace=remote", email="ada@example.com")
    with committed():
        client.post(SEARCH, {"frequency": "weekly", "email": "ada@example.com"})
    alert.refresh_from_db()
    assert alert.frequency == Frequency.DAILY
    assert Alert.objects.count() == 1
    (message,) = smtp_inbox.messages
    assert link_in(message, "/alerts/manage/")


def test_sign_ups_for_one_address_are_limited(client, smtp_inbox, committed):
    for query in ["q=a", "q=b", "q=c", "q=d", "q=e"]:
        with committed():
            response = client.post(
                f"/alerts/new/?{query}", {"frequency": "daily", "email": "x@example.com"}
            )
        assert response["Location"] == "/alerts/new/sent/"
    assert len(smtp_inbox.messages) == 3


def test_a_form_error_is_shown_and_nothing_saved(client):
    response = client.post(SEARCH, {"frequency": "hourly", "email": "not an address"})
    assert response.status_code == HTTPStatus.OK
    assert "Enter a valid email address" in response.content.decode()
    assert not Alert.objects.exists()


def test_unconfirmed_sign_ups_are_forgotten_after_seven_days():
    old = Alert.objects.create(query="q=a", description="a", email="a@example.com")
    Alert.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    recent = Alert.objects.create(query="q=b", description="b", email="b@example.com")
    confirmed = make_alert(days_ago=30)
    forget_unconfirmed_alerts()
    assert set(Alert.objects.all()) == {recent, confirmed}


def test_a_confirmation_link_expires_after_seven_days(client):
    alert = Alert.objects.create(query="q=a", description="a", email="a@example.com")
    url = links.confirm_url(alert).removeprefix("http://testserver")
    with pytest.MonkeyPatch.context() as patch:
        later = timezone.now().timestamp() + 8 * 86400
        patch.setattr("time.time", lambda: later)
        response = client.post(url)
    assert response.status_code == HTTPStatus.NOT_FOUND
    alert.refresh_from_db()
    assert not alert.is_confirmed


# --- Nobody reaches another person's alert ----------------------------------------------


def test_a_tampered_or_foreign_link_reaches_no_alert(client):
    mine = make_alert("workplace=remote", email="me@example.com")
    theirs = make_alert("workplace=hybrid", email="them@example.com")
    token = links.token(mine, links.MANAGE_SALT)
    forged = [
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        signing.dumps(theirs.pk, salt="another.salt"),
        # My link's signature with their id.
        token.replace(signing.dumps(mine.pk).split(":")[0], signing.dumps(theirs.pk).split(":")[0]),
        links.token(theirs, links.CONFIRM_SALT),  # a confirmation token is no manage token
        "not-a-token",
    ]
    for value in forged:
        for kind in ("manage", "unsubscribe"):
            response = client.get(f"/alerts/{kind}/{value}/")
            assert response.status_code == HTTPStatus.NOT_FOUND, (kind, value)
            assert b"them@example.com" not in response.content
            response = client.post(f"/alerts/{kind}/{value}/", {"frequency": "weekly"})
            assert response.status_code == HTTPStatus.NOT_FOUND
        if value != forged[3]:
            assert client.post(f"/alerts/confirm/{value}/").status_code == HTTPStatus.NOT_FOUND
    theirs.refresh_from_db()
    assert theirs.frequency == Frequency.DAILY
    assert Alert.objects.count() == 2


def test_another_users_alert_is_not_in_my_list(client):
    me, other = UserFactory(), UserFactory()
    make_alert("workplace=hybrid", user=other)
    client.force_login(me)
    assert "Hybrid" not in client.get("/alerts/").content.decode()


def test_the_alert_list_needs_a_login(client):
    response = client.get("/alerts/")
    assert response.status_code == HTTPStatus.FOUND
    assert "/accounts/login/" in response["Location"]


# --- Managing and leaving ---------------------------------------------------------------


def test_the_manage_page_changes_how_often(client, django_assert_num_queries):
    alert = make_alert()
    url = links.manage_url(alert).removeprefix("http://testserver")
    with django_assert_num_queries(1):
        page = client.get(url)
    assert "Remote jobs" in page.content.decode()
    response = client.post(url, {"frequency": "weekly"})
    assert response["Location"] == url
    alert.refresh_from_db()
    assert alert.frequency == Frequency.WEEKLY
    assert "weekly" in client.get(url).content.decode()


def test_unsubscribing_takes_a_post_with_no_login_and_no_csrf_token(django_assert_num_queries):
    alert = make_alert()
    url = links.unsubscribe_url(alert).removeprefix("http://testserver")
    mail_client = Client(enforce_csrf_checks=True)
    with django_assert_num_queries(1):
        page = mail_client.get(url)
    assert "Unsubscribe</button>" in page.content.decode()
    assert Alert.objects.filter(pk=alert.pk).exists()
    response = mail_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == HTTPStatus.OK
    assert not Alert.objects.filter(pk=alert.pk).exists()
    # Again (a mail client retrying): the same answer.
    assert mail_client.post(url).status_code == HTTPStatus.OK
    assert mail_client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_the_admin_lists_alerts_and_what_they_were_sent(admin_client, run_alerts):
    make_alert("workplace=remote", email="ada@example.com")
    PostingFactory(workplace="remote", published_at=timezone.now() - timedelta(hours=1))
    run_alerts()
    alerts = admin_client.get("/admin/alerts/alert/")
    assert alerts.status_code == HTTPStatus.OK
    assert "ada@example.com" in alerts.content.decode()
    deliveries = admin_client.get("/admin/alerts/delivery/")
    assert deliveries.status_code == HTTPStatus.OK
    assert "@testserver" in deliveries.content.decode()


def test_the_search_reads_as_typed_in_the_mail_and_escaped_in_its_html(
    client, smtp_inbox, committed
):
    with committed():
        client.post("/alerts/new/?q=R%26D+%3Cb%3E", {"frequency": "daily", "email": "a@b.example"})
    (message,) = smtp_inbox.messages
    assert message["Subject"].strip() == "Confirm your job alert: Jobs matching “R&D <b>”"
    assert "daily: Jobs matching “R&D <b>”." in message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "R&amp;D &lt;b&gt;" in html
    assert "<b>" not in html
