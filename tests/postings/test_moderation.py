"""Staff moderation in the admin: approving and sending back postings, verifying and
suspending organisations."""

from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from postings.models import Membership, Organisation, Posting, PostingEvent
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PostingEventFactory,
    PostingFactory,
    StaffFactory,
)
from tests.postings.test_recruiters import posting_data

pytestmark = pytest.mark.django_db

POSTING_CHANGELIST = reverse("admin:postings_posting_changelist")
ORGANISATION_CHANGELIST = reverse("admin:postings_organisation_changelist")


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def in_review(**kwargs):
    return PostingFactory(
        status=Posting.Status.IN_REVIEW, published_at=None, valid_through=None, **kwargs
    )


def run_action(client, changelist, action, objects, **extra):
    return client.post(
        changelist,
        {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], **extra},
        follow=True,
    )


def test_approving_a_posting_in_review_publishes_it(staff_client, staff):
    posting = in_review()

    response = run_action(staff_client, POSTING_CHANGELIST, "approve", [posting])

    assert response.status_code == HTTPStatus.OK
    posting.refresh_from_db()
    assert posting.status == Posting.Status.PUBLISHED
    assert posting.published_at is not None
    assert posting.valid_through > posting.published_at
    assert Posting.objects.public().filter(pk=posting.pk).exists()
    event = posting.events.get(action=PostingEvent.Action.APPROVED)
    assert event.actor == staff


def test_approving_leaves_postings_that_are_not_in_review_alone(staff_client):
    draft = PostingFactory(draft=True)

    response = run_action(staff_client, POSTING_CHANGELIST, "approve", [draft])

    draft.refresh_from_db()
    assert draft.status == Posting.Status.DRAFT
    assert "Skipped 1 posting" in response.content.decode()


def test_sending_back_asks_for_a_reason_first(staff_client):
    posting = in_review(title="Head of Ops")

    response = run_action(staff_client, POSTING_CHANGELIST, "reject", [posting])

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Send postings back" in content
    assert "Head of Ops" in content
    assert 'name="reason"' in content
    posting.refresh_from_db()
    assert posting.status == Posting.Status.IN_REVIEW


def test_sending_back_without_a_reason_is_refused(staff_client):
    posting = in_review()

    response = run_action(staff_client, POSTING_CHANGELIST, "reject", [posting], reason="  ")

    assert "This field is required" in response.content.decode()
    posting.refresh_from_db()
    assert posting.status == Posting.Status.IN_REVIEW


def test_sending_back_stores_the_reason_and_the_recruiter_sees_it(staff_client, staff, client):
    membership = MembershipFactory(role=Membership.Role.OWNER)
    posting = in_review(organisation=membership.organisation)

    run_action(staff_client, POSTING_CHANGELIST, "reject", [posting], reason="Add a salary range.")

    posting.refresh_from_db()
    assert posting.status == Posting.Status.DRAFT
    assert posting.rejection_reason == "Add a salary range."
    event = posting.events.get(action=PostingEvent.Action.REJECTED)
    assert (event.actor, event.note) == (staff, "Add a salary range.")
    client.force_login(membership.user)
    dashboard = client.get(reverse("recruiters:dashboard")).content.decode()
    assert "Sent back by staff:</strong> Add a salary range." in dashboard
    manage = client.get(reverse("recruiters:posting_manage", kwargs={"pk": posting.pk}))
    assert "Add a salary range." in manage.content.decode()


def test_resubmitting_clears_the_reason(client, settings):
    settings.POSTINGS_REQUIRE_REVIEW = True
    membership = MembershipFactory()
    posting = PostingFactory(
        organisation=membership.organisation, draft=True, rejection_reason="Add a salary."
    )
    client.force_login(membership.user)

    client.post(reverse("recruiters:posting_publish", kwargs={"pk": posting.pk}))

    posting.refresh_from_db()
    assert (posting.status, posting.rejection_reason) == (Posting.Status.IN_REVIEW, "")


@pytest.mark.parametrize(
    ("require_review", "status_after"), [(True, "in_review"), (False, "published")]
)
def test_editing_a_live_posting_goes_back_to_review_only_when_staff_review_postings(
    client, settings, require_review, status_after
):
    settings.POSTINGS_REQUIRE_REVIEW = require_review
    membership = MembershipFactory()
    posting = PostingFactory(organisation=membership.organisation, title="Operations Lead")
    client.force_login(membership.user)
    data = posting_data(posting.role, title="Operations Lead — now with a bigger team")

    response = client.post(
        reverse("recruiters:posting_manage", kwargs={"pk": posting.pk}), data, follow=True
    )

    posting.refresh_from_db()
    assert posting.title == "Operations Lead — now with a bigger team"
    assert posting.status == status_after
    public = client.get(posting.get_absolute_url()).status_code
    assert public == (HTTPStatus.NOT_FOUND if require_review else HTTPStatus.OK)
    if require_review:
        assert "off the public site until staff approve" in response.content.decode()
        actions = list(posting.events.values_list("action", flat=True))
        assert actions[:2] == [PostingEvent.Action.SUBMITTED, PostingEvent.Action.EDITED]


def test_verifying_an_organisation(staff_client):
    organisation = OrganisationFactory(is_verified=False)

    run_action(staff_client, ORGANISATION_CHANGELIST, "verify", [organisation])

    organisation.refresh_from_db()
    assert organisation.is_verified


def test_suspending_an_organisation_takes_its_postings_off_the_public_site_at_once(
    staff_client, client
):
    posting = PostingFactory(title="Suspended Employer Job")
    other = PostingFactory(title="Other Employer Job")
    assert client.get(posting.get_absolute_url()).status_code == HTTPStatus.OK

    run_action(staff_client, ORGANISATION_CHANGELIST, "suspend", [posting.organisation])

    assert Organisation.objects.get(pk=posting.organisation.pk).is_suspended
    assert client.get(posting.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    listing = client.get(reverse("postings:posting_list"))
    assert listing.status_code == HTTPStatus.OK
    assert "Suspended Employer Job" not in listing.content.decode()
    assert "Other Employer Job" in listing.content.decode()
    assert list(Posting.objects.public()) == [other]


def test_lifting_a_suspension_brings_the_postings_back(staff_client, client):
    posting = PostingFactory(organisation__is_suspended=True)

    run_action(staff_client, ORGANISATION_CHANGELIST, "unsuspend", [posting.organisation])

    assert client.get(posting.get_absolute_url()).status_code == HTTPStatus.OK


def test_posting_changelist_filters_by_status_and_organisation(staff_client):
    review = in_review(title="Waiting For Review")
    PostingFactory(title="Already Live")

    by_status = staff_client.get(POSTING_CHANGELIST, {"status__exact": "in_review"})
    by_organisation = staff_client.get(
        POSTING_CHANGELIST, {"organisation__id__exact": review.organisation_id}
    )
    searched = staff_client.get(POSTING_CHANGELIST, {"q": "Waiting"})

    for response in [by_status, by_organisation, searched]:
        assert response.status_code == HTTPStatus.OK
        assert "Waiting For Review" in response.content.decode()
        assert "Already Live" not in response.content.decode()


def test_posting_changelist_query_count_does_not_grow_with_the_postings(
    staff_client, django_assert_max_num_queries
):
    """Guards the N+1 of showing each row's organisation and role (list_select_related)."""
    PostingFactory.create_batch(3)
    with django_assert_max_num_queries(12):
        staff_client.get(POSTING_CHANGELIST)
    PostingFactory.create_batch(30)
    with django_assert_max_num_queries(12):
        response = staff_client.get(POSTING_CHANGELIST)
    assert response.status_code == HTTPStatus.OK


def test_posting_change_page_shows_the_read_only_history(staff_client, staff):
    posting = PostingFactory()
    PostingEventFactory(posting=posting, action=PostingEvent.Action.CLOSED, note="Filled.")

    response = staff_client.get(reverse("admin:postings_posting_change", args=[posting.pk]))

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Filled." in content
    assert 'name="events-0-note"' not in content


def test_staff_edits_in_the_admin_are_recorded(staff_client, staff):
    posting = PostingFactory(title="Before")
    url = reverse("admin:postings_posting_change", args=[posting.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {
        name: "" if value is None else value
        for name, value in ((field.html_name, field.value()) for field in form)
    }
    data.update(
        {
            "title": "After",
            "valid_through_0": posting.valid_through.date().isoformat(),
            "valid_through_1": posting.valid_through.time().isoformat(timespec="seconds"),
            "events-TOTAL_FORMS": "1",
            "events-INITIAL_FORMS": "0",
            "events-MIN_NUM_FORMS": "0",
            "events-MAX_NUM_FORMS": "1000",
        }
    )
    data.pop("valid_through", None)

    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    posting.refresh_from_db()
    assert posting.title == "After"
    event = posting.events.get(action=PostingEvent.Action.EDITED)
    assert event.actor == staff
    assert event.changes["title"] == ["Before", "After"]


def test_admin_refuses_to_remove_a_published_postings_apply_route(staff_client):
    posting = PostingFactory()
    url = reverse("admin:postings_posting_change", args=[posting.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {
        name: "" if value is None else value
        for name, value in ((field.html_name, field.value()) for field in form)
    }
    data.update(
        {
            "apply_url": "",
            "apply_email": "",
            "valid_through_0": posting.valid_through.date().isoformat(),
            "valid_through_1": posting.valid_through.time().isoformat(timespec="seconds"),
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        }
    )

    response = staff_client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert "needs an apply link or email" in response.content.decode()
    posting.refresh_from_db()
    assert posting.apply_url


@pytest.mark.parametrize(
    "name",
    [
        "admin:postings_organisation_changelist",
        "admin:postings_membership_changelist",
        "admin:postings_invitation_changelist",
        "admin:postings_postingevent_changelist",
        "admin:postings_posting_add",
        "admin:postings_organisation_add",
    ],
)
def test_admin_pages_render(staff_client, name):
    MembershipFactory()
    PostingEventFactory()

    assert staff_client.get(reverse(name)).status_code == HTTPStatus.OK


def test_suspension_from_the_admin_list_reaches_visitors_served_from_the_cache(
    staff_client, settings
):
    """The bulk action uses update(), which sends no signal: it must clear cached pages."""
    from django.test import Client

    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    posting = PostingFactory()
    visitor = Client()
    assert visitor.get(posting.get_absolute_url()).status_code == HTTPStatus.OK

    run_action(staff_client, ORGANISATION_CHANGELIST, "suspend", [posting.organisation])

    assert visitor.get(posting.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
