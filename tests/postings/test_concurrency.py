"""Double submits are harmless: the same POST sent several times at once (a double click, a
retrying proxy, an impatient user) changes a posting once, and none of them is a 500.

Each test lines up six requests, each with its own client and database connection, behind a
barrier, and looks at the database and the answers afterwards. They run outside the
test-wide transaction, so each request commits (or waits) as it would on the site.
"""

import threading
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from postings.models import ExpiryReminder, Membership, Posting, PostingEvent
from postings.notifications import (
    REMINDER_EXTENSION_DAYS,
    extension_token,
    send_expiry_reminders,
)
from seekers.models import SavedJob
from tests.factories import (
    MembershipFactory,
    PostingFactory,
    RoleFactory,
    StaffFactory,
    UserFactory,
)
from tests.helpers import posting_data

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _writers_that_wait(transactional_db):
    """PostgreSQL, or SQLite in a file: there a second writer waits its turn (IMMEDIATE
    transactions and busy_timeout, as the site runs). SQLite's default test database lives
    in memory in shared-cache mode, where a second writer fails at once with "database
    table is locked" whatever busy_timeout says: nothing to learn from there."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "needs PostgreSQL or a file SQLite test database: the in-memory one reports a "
            "lock at once instead of waiting"
        )


AT_ONCE = 6


def at_once(user, send, times=AT_ONCE):
    """Send `send(client)` `times` times at once, each from its own logged-in client.
    Returns the clients and their answers (or what they raised)."""
    barrier = threading.Barrier(times)
    clients = []
    for _ in range(times):
        client = Client()
        client.force_login(user)
        client.raise_request_exception = False  # a 500 is an answer here, to count
        clients.append(client)
    answers = [None] * times

    def run(index):
        try:
            barrier.wait(timeout=10)
            answers[index] = send(clients[index])
        except Exception as error:  # reported by the assertions, like an answer
            answers[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return clients, answers


def statuses(answers):
    return sorted(getattr(answer, "status_code", repr(answer)) for answer in answers)


def messages_after(clients, answers):
    """The page each client was sent to, as it reads after its request."""
    return [
        client.get(answer["Location"]).content.decode()
        for client, answer in zip(clients, answers, strict=True)
    ]


def count(posting, action):
    return posting.events.filter(action=action).count()


@pytest.fixture
def member():
    return MembershipFactory()


def url(name, posting):
    return reverse(f"recruiters:posting_{name}", kwargs={"pk": posting.pk})


@pytest.mark.parametrize("review_required", [False, True])
def test_six_publish_clicks_at_once_publish_once_and_say_so_to_the_others(
    member, settings, review_required
):
    settings.POSTINGS_REQUIRE_REVIEW = review_required
    posting = PostingFactory(organisation=member.organisation, draft=True, valid_through=None)
    action = PostingEvent.Action.SUBMITTED if review_required else PostingEvent.Action.PUBLISHED
    expected = Posting.Status.IN_REVIEW if review_required else Posting.Status.PUBLISHED

    clients, answers = at_once(
        member.user, lambda client: client.post(url("publish", posting), {"next": "dashboard"})
    )

    assert statuses(answers) == [HTTPStatus.FOUND] * AT_ONCE
    posting.refresh_from_db()
    assert posting.status == expected
    assert count(posting, action) == 1
    pages = messages_after(clients, answers)
    already = f"This posting is {posting.get_status_display().lower()} already."
    assert sum(already in page for page in pages) == AT_ONCE - 1


def test_six_save_and_publish_submits_at_once_publish_once(member):
    posting = PostingFactory(organisation=member.organisation, draft=True, valid_through=None)
    data = {**posting_data(posting.role, title="Head of Operations"), "intent": "publish"}

    _, answers = at_once(member.user, lambda client: client.post(url("manage", posting), data))

    assert statuses(answers) == [HTTPStatus.FOUND] * AT_ONCE
    posting.refresh_from_db()
    assert (posting.status, posting.title) == (Posting.Status.PUBLISHED, "Head of Operations")
    assert count(posting, PostingEvent.Action.PUBLISHED) == 1
    assert count(posting, PostingEvent.Action.EDITED) == 1


def test_six_saves_of_one_edit_at_once_record_it_once(member, settings):
    settings.POSTINGS_REQUIRE_REVIEW = True
    posting = PostingFactory(organisation=member.organisation)
    data = posting_data(posting.role, title="Head of Operations")

    _, answers = at_once(member.user, lambda client: client.post(url("manage", posting), data))

    assert statuses(answers) == [HTTPStatus.FOUND] * AT_ONCE
    posting.refresh_from_db()
    assert posting.pending_changes["title"] == "Head of Operations"
    assert count(posting, PostingEvent.Action.EDITED) == 1
    assert count(posting, PostingEvent.Action.SUBMITTED) == 1


@pytest.mark.parametrize(
    ("name", "trait", "action", "data"),
    [
        ("close", {}, PostingEvent.Action.CLOSED, {}),
        ("reopen", {"closed": True}, PostingEvent.Action.REOPENED, {}),
        ("extend", {}, PostingEvent.Action.EXTENDED, {"days": "30"}),
    ],
)
def test_six_clicks_of_one_button_at_once_change_the_posting_once(
    member, name, trait, action, data
):
    posting = PostingFactory(organisation=member.organisation, **trait)
    before = posting.valid_through
    # The button's form, as the page showed it.
    data = {**data, "revision": posting.revision}

    _, answers = at_once(member.user, lambda client: client.post(url(name, posting), data))

    assert statuses(answers) == [HTTPStatus.FOUND] * AT_ONCE
    assert count(posting, action) == 1
    if name == "extend":
        posting.refresh_from_db()
        assert (posting.valid_through - before).days == 30


def test_six_duplicate_clicks_on_one_page_at_once_make_one_copy(member):
    posting = PostingFactory(organisation=member.organisation)

    _, answers = at_once(
        member.user,
        lambda client: client.post(url("duplicate", posting), {"revision": posting.revision}),
    )

    assert statuses(answers) == [HTTPStatus.FOUND] * AT_ONCE
    assert Posting.objects.exclude(pk=posting.pk).count() == 1
    assert count(posting, PostingEvent.Action.DUPLICATED) == 1


def test_six_duplicates_asked_for_at_once_without_a_page_each_get_a_slug_of_their_own(member):
    """Without the page's revision (a hand-made request), each asks for a copy: each gets
    one, and the slug they all want at once is no 500."""
    posting = PostingFactory(organisation=member.organisation)

    _, answers = at_once(member.user, lambda client: client.post(url("duplicate", posting)))

    assert statuses(answers) == [HTTPStatus.FOUND] * AT_ONCE
    copies = Posting.objects.exclude(pk=posting.pk)
    assert copies.count() == AT_ONCE
    assert len(set(copies.values_list("slug", flat=True))) == AT_ONCE


def test_six_submits_of_one_new_posting_form_at_once_make_one_draft(member):
    role = RoleFactory()
    data = {**posting_data(role, title="Head of Operations"), "form_token": "a" * 32}

    _, answers = at_once(
        member.user, lambda client: client.post(reverse("recruiters:posting_create"), data)
    )

    assert statuses(answers) == [HTTPStatus.FOUND] * AT_ONCE
    posting = Posting.objects.get()
    assert {answer["Location"] for answer in answers} == {url("manage", posting)}
    assert count(posting, PostingEvent.Action.CREATED) == 1


def test_six_new_postings_with_one_title_at_once_each_get_a_slug_of_their_own(member):
    """Six forms (or hand-made requests without a form's token): six drafts, no 500."""
    role = RoleFactory()
    data = posting_data(role, title="Head of Operations")

    _, answers = at_once(
        member.user, lambda client: client.post(reverse("recruiters:posting_create"), data)
    )

    assert statuses(answers) == [HTTPStatus.FOUND] * AT_ONCE
    slugs = list(Posting.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs)) == AT_ONCE


def test_six_approvals_on_the_change_page_at_once_approve_once_and_mail_once(mailoutbox):
    staff = StaffFactory()
    posting = PostingFactory(status=Posting.Status.IN_REVIEW, published_at=None)
    owner = MembershipFactory(organisation=posting.organisation, access=Membership.Access.OWNER)
    review = reverse("admin:postings_posting_review", args=[posting.pk])
    data = {"revision": posting.revision, "decision": "approve"}

    _, answers = at_once(staff, lambda client: client.post(review, data))

    assert statuses(answers) == [HTTPStatus.FOUND] * AT_ONCE
    posting.refresh_from_db()
    assert posting.status == Posting.Status.PUBLISHED
    assert count(posting, PostingEvent.Action.APPROVED) == 1
    assert [message.to for message in mailoutbox] == [[owner.user.email]]


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_six_bulk_actions_at_once_change_each_posting_once(action):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    staff = StaffFactory()
    postings = PostingFactory.create_batch(3, status=Posting.Status.IN_REVIEW, published_at=None)
    data = {
        "action": action,
        ACTION_CHECKBOX_NAME: [posting.pk for posting in postings],
        "reason": "Add a salary.",
        **{f"revision-{posting.pk}": posting.revision for posting in postings},
    }
    changelist = reverse("admin:postings_posting_changelist")

    _, answers = at_once(staff, lambda client: client.post(changelist, data))

    assert statuses(answers) == [HTTPStatus.FOUND] * AT_ONCE
    done = PostingEvent.Action.APPROVED if action == "approve" else PostingEvent.Action.REJECTED
    for posting in postings:
        assert count(posting, done) == 1


def test_two_owners_stepping_down_at_once_leave_one_owner():
    """Each owner's request alone is allowed (another owner remains); together they would
    leave none. The organisation's row is locked while its team changes, so the second
    finds the first done and refuses."""
    first = MembershipFactory(access=Membership.Access.OWNER)
    second = MembershipFactory(organisation=first.organisation, access=Membership.Access.OWNER)
    barrier = threading.Barrier(2)
    answers = {}

    def step_down(member):
        client = Client()
        client.force_login(member.user)
        client.raise_request_exception = False
        try:
            barrier.wait(timeout=10)
            answers[member.pk] = client.post(
                reverse("recruiters:member_access", kwargs={"pk": member.pk}),
                {"access": "recruiter"},
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=step_down, args=(m,)) for m in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses(answers.values()) == [HTTPStatus.FOUND, HTTPStatus.FOUND]
    owners = Membership.objects.filter(
        organisation=first.organisation, access=Membership.Access.OWNER
    )
    assert owners.count() == 1


def test_six_presses_of_one_extend_link_at_once_extend_once(member):
    posting = PostingFactory(organisation=member.organisation, created_by=member.user)
    ends = posting.valid_through
    path = reverse("recruiters:posting_extend_link", args=[extension_token(posting)])

    _, answers = at_once(member.user, lambda client: client.post(path))

    assert statuses(answers) == [HTTPStatus.OK] + [HTTPStatus.BAD_REQUEST] * (AT_ONCE - 1)
    posting.refresh_from_db()
    assert posting.valid_through == ends + timedelta(days=REMINDER_EXTENSION_DAYS)
    assert posting.events.filter(action=PostingEvent.Action.EXTENDED).count() == 1


def test_six_reminder_runs_at_once_remind_each_posting_once(member, mailoutbox):
    PostingFactory(
        organisation=member.organisation,
        created_by=member.user,
        valid_through=timezone.now() + timedelta(days=2),
    )

    def run(client):
        return send_expiry_reminders()

    _, answers = at_once(member.user, run)

    assert sorted(answers) == [0] * (AT_ONCE - 1) + [1]
    assert ExpiryReminder.objects.count() == 1
    assert [message.to for message in mailoutbox] == [[member.user.email]]


def test_six_saves_of_one_posting_at_once_keep_one_saved_job(db):
    """A job seeker's double click on Save (seekers.SavedJob's unique constraint, and the
    losing insert answered like the winning one)."""
    seeker = UserFactory()
    posting = PostingFactory()
    url = reverse("seekers:saved_job_save", kwargs={"pk": posting.pk})

    _, answers = at_once(seeker, lambda client: client.post(url))

    assert statuses(answers) == [HTTPStatus.FOUND] * AT_ONCE
    assert SavedJob.objects.filter(user=seeker, posting=posting).count() == 1
