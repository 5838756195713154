"""Mail recruiters expect (postings/notifications.py): a posting approved or sent back, a
posting about to expire (with a link that extends it), an invitation accepted. Received
through a real SMTP server, and followed link by link as a recruiter would, without
logging in."""

import re
import time
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from unittest import mock
from urllib.parse import quote, urlsplit

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from postings import notifications
from postings.accounts import invitation_accept, invitation_token
from postings.models import (
    ExpiryReminder,
    Membership,
    Notification,
    NotificationPreferences,
    Posting,
    PostingChanged,
)
from postings.tasks import remind_expiring_postings
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    PostingFactory,
    StaffFactory,
    UserFactory,
)
from tests.helpers import fuzzing, signup_data

pytestmark = pytest.mark.django_db

PREFERENCES = reverse("recruiters:notification_preferences")
LINK = re.compile(r"http://testserver(/\S+)")


@pytest.fixture
def team():
    """An organisation with an owner and a recruiter who wrote its posting in review."""
    owner = MembershipFactory(access=Membership.Access.OWNER, user__email="owner@example.com")
    author = MembershipFactory(
        organisation=owner.organisation,
        user__email="author@example.com",
        user__first_name="Ada",
    )
    posting = PostingFactory(
        organisation=owner.organisation,
        created_by=author.user,
        status=Posting.Status.IN_REVIEW,
        published_at=None,
        valid_through=None,
        title="Head of Logistics",
    )
    return owner, author, posting


def plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def subject(message) -> str:
    return header(message, "Subject")


def header(message, name: str) -> str:
    """A header as a mail client shows it: a long one arrives folded onto a continuation
    line, which the parser reads with a leading space."""
    return message[name].strip()


def html(message) -> str:
    return message.get_body(("html",)).get_content()


def link(message, fragment: str) -> str:
    """The path of the link in the plain text that contains `fragment`."""
    (path,) = [path for path in LINK.findall(plain(message)) if fragment in path]
    return path


def token_client() -> Client:
    """A visitor with no session who sends CSRF tokens only when a page gave them one."""
    return Client(enforce_csrf_checks=True)


def submit(client: Client, path: str, data: dict | None = None):
    """Open the page and press its button, as a browser does (with the page's CSRF token)."""
    page = client.get(path)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    return client.post(path, {"csrfmiddlewaretoken": token.group(1), **(data or {})})


# --- Approved and sent back ---------------------------------------------------------------


def test_approval_mails_the_author_once_after_commit_with_both_parts_and_unsubscribe_headers(
    team, smtp_inbox, django_capture_on_commit_callbacks
):
    *_, posting = team

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        posting.approve(by=StaffFactory(), revision=posting.revision)

    assert len(callbacks) == 1
    (message,) = smtp_inbox.messages
    assert smtp_inbox.recipients == [["author@example.com"]]
    assert subject(message) == "“Head of Logistics” is approved and published"
    assert message["From"] == "Rolewise <jobs@localhost>"
    assert message["Message-ID"].endswith("@testserver>")
    assert header(message, "List-Unsubscribe").startswith(
        "<http://testserver/recruiters/notifications/"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Hello Ada" in plain(message)
    assert "Staff approved “Head of Logistics”" in plain(message)
    assert "Staff approved “Head of Logistics”" in html(message)
    assert posting.get_absolute_url() in plain(message)
    assert 'href="http://testserver/recruiters/notifications/unsubscribe/' in html(message)


def test_sending_back_from_the_admin_mails_the_reason(
    team, client, smtp_inbox, django_capture_on_commit_callbacks
):
    _, _, posting = team
    client.force_login(StaffFactory())

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:postings_posting_changelist"),
            {
                "action": "reject",
                ACTION_CHECKBOX_NAME: [posting.pk],
                "apply": "1",
                "reason": "Say where the job is <based>.",
            },
        )

    posting.refresh_from_db()
    assert posting.status == Posting.Status.DRAFT
    (message,) = smtp_inbox.messages
    assert smtp_inbox.recipients == [["author@example.com"]]
    assert subject(message) == "“Head of Logistics” was sent back"
    assert "Say where the job is <based>." in plain(message)
    assert "Say where the job is &lt;based&gt;." in html(message)
    manage = reverse("recruiters:posting_manage", args=[posting.pk])
    assert link(message, "/postings/") == manage


def test_a_sent_back_change_to_a_public_posting_says_the_public_keeps_the_approved_text(
    team, mailoutbox, django_capture_on_commit_callbacks
):
    _, author, _ = team
    posting = PostingFactory(
        organisation=author.organisation,
        created_by=author.user,
        pending_changes={"title": "Head of Freight"},
    )

    with django_capture_on_commit_callbacks(execute=True):
        posting.reject(by=None, reason="Keep the title.")

    (message,) = mailoutbox
    assert message.subject == f"Your change to “{posting.title}” was sent back"
    assert "The public keeps seeing the approved version." in message.body


def test_when_the_author_has_left_the_owners_hear_instead(
    team, mailoutbox, django_capture_on_commit_callbacks
):
    owner, author, posting = team
    second_owner = MembershipFactory(organisation=owner.organisation, access="owner")
    author.delete()

    with django_capture_on_commit_callbacks(execute=True):
        posting.approve(by=None, revision=posting.revision)

    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        ["owner@example.com", second_owner.user.email]
    )


def test_a_refused_approval_sends_nothing(team, mailoutbox, django_capture_on_commit_callbacks):
    _, _, posting = team

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PostingChanged):
        posting.approve(by=None, revision=posting.revision - 1)

    assert mailoutbox == []


def test_a_recruiter_who_turned_reviews_off_gets_none(
    team, mailoutbox, django_capture_on_commit_callbacks
):
    _, author, posting = team
    NotificationPreferences.turn_off(author.user, Notification.POSTING_REVIEWED)

    with django_capture_on_commit_callbacks(execute=True):
        posting.approve(by=None, revision=posting.revision)

    assert mailoutbox == []


# --- Unsubscribing ------------------------------------------------------------------------


def test_the_one_click_unsubscribe_post_works_without_login_or_csrf_token(
    team, smtp_inbox, django_capture_on_commit_callbacks
):
    _, author, posting = team
    with django_capture_on_commit_callbacks(execute=True):
        posting.approve(by=None, revision=posting.revision)
    url = header(smtp_inbox.messages[0], "List-Unsubscribe").strip("<>")

    # What a mail client does (RFC 8058): a bare POST, no cookies.
    response = token_client().post(
        urlsplit(url).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == HTTPStatus.OK
    assert "You are unsubscribed" in response.content.decode()
    preferences = NotificationPreferences.objects.get(user=author.user)
    assert not preferences.posting_reviewed
    assert preferences.posting_expiring
    assert preferences.invitation_accepted


def test_opening_the_unsubscribe_link_shows_a_button_and_changes_nothing(team, client):
    _, author, _ = team
    path = reverse(
        "recruiters:notification_unsubscribe",
        args=[notifications.unsubscribe_token(author.user, Notification.POSTING_EXPIRING)],
    )

    page = client.get(path)
    pressed = submit(token_client(), path)

    assert page.status_code == HTTPStatus.OK
    assert '<button class="button" type="submit">Unsubscribe</button>' in page.content.decode()
    assert 'name="robots" content="noindex"' in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert pressed.status_code == HTTPStatus.OK
    assert not NotificationPreferences.objects.get(user=author.user).posting_expiring


def test_an_unsubscribe_link_cannot_be_turned_to_another_user(team):
    owner, author, _ = team
    token = notifications.unsubscribe_token(author.user, Notification.POSTING_REVIEWED)
    _, rest = token.split(":", 1)
    forged = signing.b64_encode(
        f'{{"user":{owner.user.pk},"kind":"posting_reviewed"}}'.encode()
    ).decode()

    response = Client().post(
        reverse("recruiters:notification_unsubscribe", args=[f"{forged}:{rest}"])
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "not valid" in response.content.decode()
    assert not NotificationPreferences.objects.exists()


# --- Preferences --------------------------------------------------------------------------


def test_a_recruiter_chooses_which_notifications_they_get(client, django_assert_num_queries):
    member = MembershipFactory()
    client.force_login(member.user)

    # Session, user, membership, preferences.
    with django_assert_num_queries(4):
        page = client.get(PREFERENCES)
    response = client.post(PREFERENCES, {"posting_expiring": "on"}, follow=True)

    assert page.status_code == HTTPStatus.OK
    assert page.content.decode().count('type="checkbox"') == 3
    assert page.content.decode().count("checked") == 3  # every kind until chosen otherwise
    assert "Your notification choices are saved." in response.content.decode()
    preferences = NotificationPreferences.objects.get(user=member.user)
    assert (
        preferences.posting_reviewed,
        preferences.posting_expiring,
        preferences.invitation_accepted,
    ) == (False, True, False)


def test_the_preferences_page_changes_only_the_signed_in_users_own(client):
    member, other = MembershipFactory(), MembershipFactory()
    NotificationPreferences.objects.create(user=other.user)
    client.force_login(member.user)

    client.post(PREFERENCES, {"user": other.user.pk, "posting_reviewed": ""})

    assert NotificationPreferences.objects.get(user=other.user).posting_reviewed
    assert not NotificationPreferences.objects.get(user=member.user).posting_reviewed


def test_the_preferences_page_wants_a_login_and_csrf(client):
    member = MembershipFactory()

    assert client.get(PREFERENCES)["Location"].startswith(reverse("login"))
    forged = token_client()
    forged.force_login(member.user)
    assert forged.post(PREFERENCES, {}).status_code == HTTPStatus.FORBIDDEN
    assert not NotificationPreferences.objects.exists()


# --- Expiring in 3 days -------------------------------------------------------------------


@pytest.fixture
def expiring(team):
    """The team's posting, published and ending in two days and a bit."""
    *_, posting = team
    Posting.objects.filter(pk=posting.pk).update(
        status=Posting.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=58),
        valid_through=timezone.now() + timedelta(days=2, hours=5),
    )
    posting.refresh_from_db()
    return posting


def test_the_daily_task_reminds_each_expiring_posting_once_per_end_date(
    expiring, smtp_inbox, django_capture_on_commit_callbacks
):
    later = PostingFactory(organisation=expiring.organisation)  # ends in 30 days
    PostingFactory(
        organisation=expiring.organisation,
        status=Posting.Status.CLOSED,
        valid_through=timezone.now() + timedelta(days=1),
    )

    with django_capture_on_commit_callbacks(execute=True):
        remind_expiring_postings()
        remind_expiring_postings()  # a second worker, or a retry

    (message,) = smtp_inbox.messages
    assert smtp_inbox.recipients == [["author@example.com"]]
    reminder = ExpiryReminder.objects.get()
    assert (reminder.posting_id, reminder.valid_through) == (expiring.pk, expiring.valid_through)
    assert reminder.message_ids == message["Message-ID"]
    assert subject(message).startswith("“Head of Logistics” expires on")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Extend by 30 days" in html(message)
    assert not ExpiryReminder.objects.filter(posting=later).exists()


def test_an_extended_posting_is_reminded_again_before_its_new_end_date(
    expiring, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        remind_expiring_postings()
    expiring.extend(by=None, days=30)
    a_month_later = timezone.now() + timedelta(days=30)

    with (
        django_capture_on_commit_callbacks(execute=True),
        mock.patch("django.utils.timezone.now", return_value=a_month_later),
    ):
        remind_expiring_postings()

    assert len(mailoutbox) == 2
    assert ExpiryReminder.objects.count() == 2


def test_the_extend_link_shows_a_button_on_get_and_extends_once_on_post(
    expiring, smtp_inbox, django_capture_on_commit_callbacks, django_assert_num_queries
):
    ends = expiring.valid_through
    with django_capture_on_commit_callbacks(execute=True):
        remind_expiring_postings()
    path = link(smtp_inbox.messages[0], "/extend/")
    visitor = token_client()

    # The posting with its organisation.
    with django_assert_num_queries(1):
        page = visitor.get(path)
    expiring.refresh_from_db()
    assert expiring.valid_through == ends  # a scanner's GET extends nothing
    assert page.status_code == HTTPStatus.OK
    assert "Extend by 30 days</button>" in page.content.decode()
    assert 'name="robots" content="noindex"' in page.content.decode()
    assert "no-store" in page["Cache-Control"]

    assert visitor.post(path).status_code == HTTPStatus.FORBIDDEN  # no CSRF token
    done = submit(visitor, path)
    reopened = visitor.get(path)

    expiring.refresh_from_db()
    assert done.status_code == HTTPStatus.OK
    assert "Extended" in done.content.decode()
    assert expiring.valid_through == ends + timedelta(days=30)
    assert reopened.status_code == HTTPStatus.BAD_REQUEST
    assert "extended since the reminder was sent" in reopened.content.decode()
    assert expiring.events.filter(action="extended").count() == 1


def test_a_used_extend_link_pressed_again_extends_nothing(expiring):
    path = reverse("recruiters:posting_extend_link", args=[notifications.extension_token(expiring)])
    visitor = token_client()
    submit(visitor, path)
    extended = Posting.objects.get(pk=expiring.pk).valid_through

    # The page kept open in a second tab, its button pressed again.
    token = visitor.cookies["csrftoken"].value
    response = visitor.post(path, {"csrfmiddlewaretoken": token})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert Posting.objects.get(pk=expiring.pk).valid_through == extended


def test_an_extend_link_for_one_posting_cannot_extend_another(expiring):
    other = PostingFactory(organisation=expiring.organisation)
    token = notifications.extension_token(expiring)
    _, rest = token.split(":", 1)
    forged = signing.b64_encode(
        f'{{"posting":{other.pk},"expiring":"{other.valid_through.isoformat()}"}}'.encode()
    ).decode()
    before = other.valid_through

    response = Client().get(reverse("recruiters:posting_extend_link", args=[f"{forged}:{rest}"]))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert Posting.objects.get(pk=other.pk).valid_through == before


def test_an_extend_link_past_its_age_says_so(expiring):
    path = reverse("recruiters:posting_extend_link", args=[notifications.extension_token(expiring)])
    fifteen_days_later = time.time() + 15 * 24 * 60 * 60

    with mock.patch("django.core.signing.time.time", return_value=fifteen_days_later):
        response = Client().get(path)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "This link has expired" in response.content.decode()


def test_the_extend_link_of_a_closed_posting_says_why_it_cannot_extend(expiring):
    path = reverse("recruiters:posting_extend_link", args=[notifications.extension_token(expiring)])
    expiring.close(by=None)

    response = submit(token_client(), path)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "this one is closed" in response.content.decode()


def test_a_recruiter_who_turned_reminders_off_gets_none_and_the_posting_is_recorded(
    expiring, mailoutbox, django_capture_on_commit_callbacks
):
    NotificationPreferences.turn_off(expiring.created_by, Notification.POSTING_EXPIRING)

    with django_capture_on_commit_callbacks(execute=True):
        remind_expiring_postings()

    assert mailoutbox == []
    assert ExpiryReminder.objects.filter(posting=expiring).exists()


# --- Invitation accepted ------------------------------------------------------------------


def test_the_inviter_hears_when_an_invitation_is_accepted(
    client, smtp_inbox, django_capture_on_commit_callbacks
):
    owner = MembershipFactory(access=Membership.Access.OWNER, user__email="olive@example.com")
    invitation = InvitationFactory(
        organisation=owner.organisation, invited_by=owner.user, email="nia@example.com"
    )
    path = reverse("invitation_accept", kwargs={"token": invitation_token(invitation)})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            path,
            {"name": "Nia", "password1": "a long new password", "password2": "a long new password"},
        )

    assert response.status_code == HTTPStatus.FOUND
    (message,) = smtp_inbox.messages
    assert smtp_inbox.recipients == [["olive@example.com"]]
    assert subject(message) == f"Nia joined {owner.organisation.name}"
    assert "nia@example.com" in plain(message)
    assert "nia@example.com" in html(message)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link(message, "/invitations/") == reverse("recruiters:invitation_list")


def test_when_the_inviter_has_left_the_owners_hear(mailoutbox, django_capture_on_commit_callbacks):
    owner = MembershipFactory(access=Membership.Access.OWNER)
    inviter = MembershipFactory(organisation=owner.organisation, access="owner")
    invitation = InvitationFactory(organisation=owner.organisation, invited_by=inviter.user)
    inviter.delete()
    user = UserFactory(email=invitation.email)

    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(invitation=invitation, user=user)

    assert [message.to for message in mailoutbox] == [[owner.user.email]]


# --- Account mail -------------------------------------------------------------------------


def test_account_mail_sent_in_the_request_has_a_message_id_and_the_sites_sender(client, smtp_inbox):
    client.post(reverse("signup"), signup_data(name="Mira", email="mira@example.com"))
    client.post(reverse("password_reset"), {"email": "mira@example.com"})

    assert len(smtp_inbox.messages) == 2
    for message in smtp_inbox.messages:
        assert message["From"] == "Rolewise <jobs@localhost>"
        assert re.fullmatch(r"<[^<>@\s]+@[^<>@\s]+>", message["Message-ID"])
    assert smtp_inbox.messages[0]["Message-ID"].endswith("@testserver>")
    assert mail.outbox == []


# --- No link makes a 500 ------------------------------------------------------------------


hostile_tokens = st.one_of(
    st.text(min_size=1, max_size=300).filter(lambda text: "/" not in text),
    st.sampled_from(
        [
            "a" * 5000,
            "%00",
            ":",
            "::",
            "e30:1:x",
            "eyJwb3N0aW5nIjoiMSJ9:1vWx:abc",
            "W10:1tAbCd:zzz",
            "<script>",
            "\x00",
        ]
    ),
)


@fuzzing(examples=60)
@given(
    token=hostile_tokens,
    name=st.sampled_from(["recruiters:posting_extend_link", "recruiters:notification_unsubscribe"]),
    method=st.sampled_from(["get", "post"]),
)
def test_no_token_makes_a_link_fail(token, name, method):
    path = reverse(name, args=["TOKEN"]).replace("TOKEN", quote(token, safe=""))

    response = getattr(Client(), method)(path)

    assert response.status_code in {HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND}, (
        token,
        response.status_code,
    )


@pytest.mark.parametrize("salt", [notifications.EXTEND_SALT, notifications.UNSUBSCRIBE_SALT])
@pytest.mark.parametrize(
    "payload",
    [[], "text", {"posting": "1"}, {"user": None}, {"posting": 1, "expiring": 5}, {"kind": "x"}],
)
def test_a_genuinely_signed_token_of_the_wrong_shape_is_refused(salt, payload, expiring):
    token = signing.dumps(payload, salt=salt)

    extend = Client().post(reverse("recruiters:posting_extend_link", args=[token]))
    unsubscribe = Client().post(reverse("recruiters:notification_unsubscribe", args=[token]))

    assert extend.status_code == unsubscribe.status_code == HTTPStatus.BAD_REQUEST


def test_the_reminders_run_once_a_day():
    def runs(hour: int, minute: int) -> bool:
        # The scheduler asks with naive UTC times (settings.HUEY's "utc").
        moment = datetime(2026, 3, 2, hour, minute, tzinfo=UTC).replace(tzinfo=None)
        return remind_expiring_postings.task_class().validate_datetime(moment)

    assert runs(7, 0)
    assert not runs(8, 0)
    assert not runs(7, 5)


def test_a_title_is_plain_text_in_the_subject_and_the_text_and_escaped_in_the_html(
    team, mailoutbox, django_capture_on_commit_callbacks
):
    *_, posting = team
    Posting.objects.filter(pk=posting.pk).update(title="R&D <Lead>")
    posting.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        posting.approve(by=None, revision=posting.revision)

    (message,) = mailoutbox
    html_part = message.alternatives[0][0]
    assert message.subject == "“R&D <Lead>” is approved and published"
    assert "“R&D <Lead>”" in message.body
    assert "R&amp;D &lt;Lead&gt;" in html_part
    assert "<Lead>" not in html_part


def test_the_link_pages_are_not_cached_and_each_visitor_gets_their_own_form_token(expiring):
    path = reverse("recruiters:posting_extend_link", args=[notifications.extension_token(expiring)])
    first, second = token_client(), token_client()

    pages = [first.get(path), second.get(path)]

    tokens = [
        re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
        for page in pages
    ]
    assert tokens[0] != tokens[1]
    assert all("private" in page["Cache-Control"] for page in pages)


def test_the_unsubscribe_page_runs_fixed_queries(team, django_assert_num_queries):
    _, author, _ = team
    path = reverse(
        "recruiters:notification_unsubscribe",
        args=[notifications.unsubscribe_token(author.user, Notification.POSTING_REVIEWED)],
    )

    # The user the link names.
    with django_assert_num_queries(1):
        Client().get(path)
    # The user, then update_or_create: its select for update and insert, in two savepoints.
    with django_assert_num_queries(7):
        Client().post(path)


def test_each_owner_gets_their_own_copy_with_their_own_links_and_message_id(
    expiring, smtp_inbox, django_capture_on_commit_callbacks
):
    owner = expiring.organisation.memberships.get(access=Membership.Access.OWNER)
    second = MembershipFactory(organisation=expiring.organisation, access="owner")
    expiring.created_by.membership.delete()  # the author has left

    with django_capture_on_commit_callbacks(execute=True):
        remind_expiring_postings()

    assert sorted(smtp_inbox.recipients) == sorted([[owner.user.email], [second.user.email]])
    ids = [message["Message-ID"] for message in smtp_inbox.messages]
    unsubscribe = {header(message, "List-Unsubscribe") for message in smtp_inbox.messages}
    assert len(set(ids)) == len(unsubscribe) == 2
    assert ExpiryReminder.objects.get().message_ids.splitlines() == ids


def test_approving_twice_from_a_stale_list_mails_once(
    team, client, mailoutbox, django_capture_on_commit_callbacks
):
    *_, posting = team
    client.force_login(StaffFactory())
    changelist = reverse("admin:postings_posting_changelist")
    page = client.get(changelist).content.decode()
    listed = dict(re.findall(r'name="(revision-\d+)" value="(\d+)"', page))
    action = {"action": "approve", ACTION_CHECKBOX_NAME: [posting.pk], **listed}

    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, action)
        client.post(changelist, action)  # the same list, submitted again

    posting.refresh_from_db()
    assert posting.status == Posting.Status.PUBLISHED
    assert [message.to for message in mailoutbox] == [["author@example.com"]]


def test_a_deactivated_account_gets_no_notifications(
    team, mailoutbox, django_capture_on_commit_callbacks
):
    _, author, posting = team
    author.user.is_active = False
    author.user.save()

    with django_capture_on_commit_callbacks(execute=True):
        posting.approve(by=None, revision=posting.revision)

    assert mailoutbox == []


def test_pressing_extend_runs_fixed_queries(expiring, django_assert_num_queries):
    path = reverse("recruiters:posting_extend_link", args=[notifications.extension_token(expiring)])

    # The posting the link names; its row locked, updated and its history written, in
    # savepoints (4 of them).
    with django_assert_num_queries(8):
        response = Client().post(path)

    assert response.status_code == HTTPStatus.OK


def test_unticking_every_box_turns_every_notification_off(client):
    member = MembershipFactory()
    client.force_login(member.user)

    client.post(PREFERENCES, {})

    preferences = NotificationPreferences.objects.get(user=member.user)
    assert not any(
        [
            preferences.posting_reviewed,
            preferences.posting_expiring,
            preferences.invitation_accepted,
        ]
    )
