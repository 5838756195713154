"""Writes are all or nothing: a posting's change and its history entry commit together, and a
sign-up makes its user, organisation and membership together or not at all.

Each test breaks the write half-way (the second row fails to save) and then looks at what
the database holds. These tests run outside the test-wide transaction, so a write that
escaped its own `transaction.atomic` would really be committed and be seen here.
"""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from postings.accounts import invitation_token
from postings.models import Invitation, Membership, Organisation, Posting, PostingEvent
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    PostingFactory,
    RoleFactory,
)
from tests.helpers import signup_data

pytestmark = pytest.mark.django_db(transaction=True)

User = get_user_model()


class DiskFull(Exception):
    """Stands for whatever can fail between two writes: a full disk, a lost connection."""


def break_saving(monkeypatch, model, *, when=lambda obj: True):
    """Make `model`'s save raise for the rows `when` picks; other rows save as usual."""
    original = model.save

    def save(self, *args, **kwargs):
        if when(self):
            raise DiskFull(f"{model.__name__} could not be written")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(model, "save", save)


def stored(posting):
    """The posting's row as the database has it, without the in-memory object's edits."""
    return Posting.objects.filter(pk=posting.pk).values().get()


@pytest.fixture
def recruiter(recruiter_client):
    # A failed write is a 500 page for the browser; the test looks at the database after.
    recruiter_client.raise_request_exception = False
    return recruiter_client


def posting_form(posting, **overrides):
    data = {
        "role": posting.role_id,
        "title": posting.title,
        "description": posting.description,
        "responsibilities": posting.responsibilities,
        "qualifications": posting.qualifications,
        "employment_type": posting.employment_type,
        "workplace": posting.workplace,
        "city": posting.city,
        "region": posting.region,
        "country": posting.country,
        "remote_countries": posting.remote_countries,
        "salary_min": "60000",
        "salary_max": "80000",
        "salary_currency": "GBP",
        "salary_period": "year",
        "apply_url": "https://example.com/apply",
        "apply_email": "",
        "valid_through": "",
    }
    data.update(overrides)
    return data


# --- The model's state changes ---------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "change"),
    [
        ({"draft": True}, lambda posting: posting.publish(by=None, require_review=False)),
        ({"draft": True}, lambda posting: posting.publish(by=None, require_review=True)),
        ({}, lambda posting: posting.close(by=None)),
        ({"closed": True}, lambda posting: posting.reopen(by=None)),
        ({}, lambda posting: posting.extend(by=None, days=30)),
        (
            {"status": Posting.Status.IN_REVIEW},
            lambda posting: posting.approve(by=None, revision=posting.revision),
        ),
        (
            {"status": Posting.Status.IN_REVIEW},
            lambda posting: posting.reject(by=None, reason="Add a salary."),
        ),
    ],
    ids=["publish", "submit-for-review", "close", "reopen", "extend", "approve", "reject"],
)
def test_a_state_change_whose_history_entry_fails_leaves_the_posting_as_it_was(
    monkeypatch, start, change
):
    posting = PostingFactory(**start)
    before = stored(posting)
    break_saving(monkeypatch, PostingEvent)

    with pytest.raises(DiskFull):
        change(posting)

    assert stored(posting) == before
    assert not PostingEvent.objects.exists()


def test_an_edit_whose_history_entry_fails_keeps_the_old_text(monkeypatch):
    posting = PostingFactory(title="Head of Operations", city="Leeds")
    before = stored(posting)
    break_saving(monkeypatch, PostingEvent)
    posting.title, posting.city = "Chief of Staff", "York"

    with pytest.raises(DiskFull):
        posting.edit(by=None)

    assert stored(posting) == before
    assert not PostingEvent.objects.exists()


def test_a_new_posting_whose_history_entry_fails_is_not_saved(monkeypatch):
    organisation = MembershipFactory().organisation
    posting = Posting(
        organisation=organisation,
        role=RoleFactory(),
        title="Operations Manager",
        description="Run the warehouse.",
    )
    break_saving(monkeypatch, PostingEvent)

    with pytest.raises(DiskFull):
        posting.create(by=None)

    assert not Posting.objects.exists()
    assert not PostingEvent.objects.exists()


def test_a_duplicate_whose_second_history_entry_fails_leaves_no_copy(monkeypatch):
    posting = PostingFactory()
    # The copy's "created" entry saves; the original's "duplicated" entry then fails.
    break_saving(
        monkeypatch,
        PostingEvent,
        when=lambda event: event.action == PostingEvent.Action.DUPLICATED,
    )

    with pytest.raises(DiskFull):
        posting.duplicate(by=None)

    assert list(Posting.objects.values_list("pk", flat=True)) == [posting.pk]
    assert not PostingEvent.objects.exists()


# --- Through the recruiter's pages -----------------------------------------------------


def test_a_posting_created_through_the_form_is_not_saved_when_its_history_fails(
    monkeypatch, recruiter, membership
):
    role = RoleFactory()
    template = Posting(role=role, title="Operations Manager", description="Run the site.")
    break_saving(monkeypatch, PostingEvent)

    response = recruiter.post(reverse("recruiters:posting_create"), posting_form(template))

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert not Posting.objects.exists()
    assert not PostingEvent.objects.exists()


def test_saving_and_publishing_a_draft_through_the_form_is_undone_when_publishing_fails(
    monkeypatch, recruiter, membership
):
    posting = PostingFactory(draft=True, organisation=membership.organisation, title="Old title")
    before = stored(posting)
    # The edit's entry saves; the publish entry after it fails: the edit must go too.
    break_saving(
        monkeypatch,
        PostingEvent,
        when=lambda event: event.action == PostingEvent.Action.PUBLISHED,
    )

    response = recruiter.post(
        reverse("recruiters:posting_manage", kwargs={"pk": posting.pk}),
        posting_form(posting, title="New title", intent="publish"),
    )

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert stored(posting) == before
    assert stored(posting)["title"] == "Old title"
    assert not PostingEvent.objects.exists()


@pytest.mark.parametrize("action", ["posting_close", "posting_extend"])
def test_a_button_on_the_dashboard_changes_nothing_when_the_history_fails(
    monkeypatch, recruiter, membership, action
):
    posting = PostingFactory(organisation=membership.organisation)
    before = stored(posting)
    break_saving(monkeypatch, PostingEvent)

    response = recruiter.post(
        reverse(f"recruiters:{action}", kwargs={"pk": posting.pk}), {"days": "30"}
    )

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert stored(posting) == before
    assert not PostingEvent.objects.exists()


# --- Sign-up and invitations -----------------------------------------------------------


@pytest.mark.parametrize("failing", [Membership, Organisation])
def test_a_sign_up_that_fails_half_way_leaves_no_user_organisation_or_membership(
    monkeypatch, client, failing
):
    client.raise_request_exception = False
    break_saving(monkeypatch, failing)

    response = client.post(reverse("signup"), signup_data())

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert not User.objects.exists()
    assert not Organisation.objects.exists()
    assert not Membership.objects.exists()


def fail_marking(invitation):
    raise DiskFull("Invitation could not be marked accepted")


@pytest.mark.parametrize("failing", ["marking", "membership"])
def test_accepting_an_invitation_whose_marking_fails_leaves_no_account(
    monkeypatch, client, failing
):
    client.raise_request_exception = False
    invitation = InvitationFactory(email="grace@example.com")
    users_before = User.objects.count()
    if failing == "marking":
        # Marking is one conditional UPDATE (Invitation.mark_accepted), not a save.
        monkeypatch.setattr(Invitation, "mark_accepted", fail_marking)
    else:
        break_saving(monkeypatch, Membership)

    response = client.post(
        reverse("invitation_accept", kwargs={"token": invitation_token(invitation)}),
        {
            "name": "Grace",
            "password1": "compiler pioneer 1952",
            "password2": "compiler pioneer 1952",
        },
    )

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert User.objects.count() == users_before
    assert not User.objects.filter(email="grace@example.com").exists()
    assert not Membership.objects.filter(organisation=invitation.organisation).exists()
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is None
