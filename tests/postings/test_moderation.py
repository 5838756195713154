"""Staff moderation in the admin: approving and sending back postings, verifying and
suspending organisations. With review required, what the public sees of a posting is what
staff approved, whatever its recruiters do meanwhile."""

import re
from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.forms import model_to_dict
from django.urls import reverse
from django.utils import timezone

from postings.models import Membership, Organisation, Posting, PostingEvent
from postings.tasks import check_aggregator_feed
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PostingEventFactory,
    PostingFactory,
    StaffFactory,
)
from tests.helpers import posting_data, response_body

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


def load_changelist(client):
    """The hidden fields the posting list holds: each row's revision as listed."""
    page = client.get(POSTING_CHANGELIST).content.decode()
    return dict(re.findall(r'name="(revision-\d+)" value="(\d+)"', page))


def approve_as_listed(client, postings, listed=None):
    """Select `postings` on the list as it was loaded and run "approve" on them."""
    listed = load_changelist(client) if listed is None else listed
    return run_action(client, POSTING_CHANGELIST, "approve", postings, **listed)


def test_approving_a_posting_in_review_publishes_it(staff_client, staff):
    posting = in_review()

    response = approve_as_listed(staff_client, [posting])

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

    response = approve_as_listed(staff_client, [draft])

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
    membership = MembershipFactory(access=Membership.Access.OWNER)
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


def test_without_review_an_edit_of_a_live_posting_is_public_at_once(client, settings):
    settings.POSTINGS_REQUIRE_REVIEW = False
    membership = MembershipFactory()
    posting = PostingFactory(organisation=membership.organisation, title="Operations Lead")
    client.force_login(membership.user)
    data = posting_data(posting.role, title="Operations Lead — now with a bigger team")

    client.post(reverse("recruiters:posting_manage", kwargs={"pk": posting.pk}), data)

    posting.refresh_from_db()
    assert (posting.title, posting.status) == (data["title"], Posting.Status.PUBLISHED)
    assert posting.pending_changes == {}
    assert data["title"] in client.get(posting.get_absolute_url()).content.decode()


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


def admin_edit(staff_client, posting, **changes):
    """Send the posting's admin change form back as the page showed it, with `changes`."""
    url = reverse("admin:postings_posting_change", args=[posting.pk])
    form = staff_client.get(url).context["adminform"].form
    data = {
        name: "" if value is None else value
        for name, value in ((field.html_name, field.value()) for field in form)
    }
    # The date and time boxes of the valid-through field, as a browser sends them.
    data.pop("valid_through", None)
    data.update(
        {
            "valid_through_0": posting.valid_through.date().isoformat(),
            "valid_through_1": posting.valid_through.time().isoformat(timespec="seconds"),
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
            **changes,
        }
    )
    return staff_client.post(url, data)


def test_staff_edits_in_the_admin_are_recorded(staff_client, staff):
    posting = PostingFactory(title="Before")

    response = admin_edit(staff_client, posting, title="After")

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    posting.refresh_from_db()
    assert posting.title == "After"
    event = posting.events.get(action=PostingEvent.Action.EDITED)
    assert event.actor == staff
    assert event.changes["title"] == ["Before", "After"]


def test_admin_refuses_to_remove_a_published_postings_apply_route(staff_client):
    posting = PostingFactory()

    response = admin_edit(staff_client, posting, apply_url="", apply_email="")

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
        "admin:postings_notificationpreferences_changelist",
        "admin:postings_expiryreminder_changelist",
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


# --- Review cannot be bypassed ---------------------------------------------------------

APPROVED_TITLE = "Operations Lead"
EDITED_TITLE = "Unreviewed Title Zebra"


@pytest.fixture
def review_required(settings):
    settings.POSTINGS_REQUIRE_REVIEW = True


@pytest.fixture
def member():
    return MembershipFactory()


def recruiter(member):
    from django.test import Client

    client = Client()
    client.force_login(member.user)
    return client


def form_data(posting, **overrides):
    """The manage form as the posting fills it, with `overrides` typed in."""
    data = {
        name: "" if value is None else value
        for name, value in model_to_dict(posting, fields=Posting.REVIEWED_FIELDS).items()
    }
    data["valid_through"] = timezone.localdate(posting.valid_through).isoformat()
    return {**data, **overrides}


def edit_as_recruiter(member, posting, **overrides):
    data = form_data(posting, **{"title": EDITED_TITLE, **overrides})
    return recruiter(member).post(
        reverse("recruiters:posting_manage", kwargs={"pk": posting.pk}), data, follow=True
    )


def public_texts(client, posting):
    """Everything the public may read of a posting: its page (with JSON-LD), the search,
    the feeds (the aggregators' as the worker's next check leaves it)."""
    check_aggregator_feed()
    return [
        client.get(posting.get_absolute_url()).content.decode(),
        client.get(reverse("postings:posting_list"), {"q": "Zebra"}).content.decode(),
        client.get(reverse("postings:posting_list")).content.decode(),
        client.get(reverse("postings:posting_feed_rss")).content.decode(),
        client.get(reverse("postings:posting_feed_atom")).content.decode(),
        response_body(client.get(reverse("postings:posting_feed_xml"))).decode(),
    ]


def test_an_edit_of_a_published_posting_waits_for_review_and_the_public_keeps_the_approved_text(
    review_required, member, client
):
    posting = PostingFactory(organisation=member.organisation, title=APPROVED_TITLE)

    response = edit_as_recruiter(member, posting)

    assert "the public sees the approved version" in response.content.decode()
    posting.refresh_from_db()
    assert (posting.status, posting.title) == (Posting.Status.PUBLISHED, APPROVED_TITLE)
    assert Posting.objects.awaiting_review().filter(pk=posting.pk).exists()
    page, *listings = public_texts(client, posting)
    assert APPROVED_TITLE in page
    assert '"title": "Operations Lead"' in page  # JSON-LD
    for text in [page, *listings]:
        assert EDITED_TITLE not in text
    actions = list(posting.events.values_list("action", flat=True))
    assert actions[:2] == [PostingEvent.Action.SUBMITTED, PostingEvent.Action.EDITED]


def test_close_edit_reopen_does_not_publish_text_staff_never_saw(review_required, member, client):
    posting = PostingFactory(organisation=member.organisation, title=APPROVED_TITLE)
    owner = recruiter(member)
    owner.post(reverse("recruiters:posting_close", kwargs={"pk": posting.pk}))

    edit_as_recruiter(member, posting)
    closed_page = client.get(posting.get_absolute_url()).content.decode()
    response = owner.post(reverse("recruiters:posting_reopen", kwargs={"pk": posting.pk}))

    assert APPROVED_TITLE in closed_page
    assert EDITED_TITLE not in closed_page
    posting.refresh_from_db()
    assert (posting.status, posting.title) == (Posting.Status.PUBLISHED, APPROVED_TITLE)
    for text in public_texts(client, posting):
        assert EDITED_TITLE not in text
    followed = owner.get(response["Location"]).content.decode()
    assert "your change waits for review" in followed


def test_the_recruiter_edits_and_previews_the_change_and_is_told_it_waits(review_required, member):
    posting = PostingFactory(organisation=member.organisation, title=APPROVED_TITLE)
    edit_as_recruiter(member, posting)
    owner = recruiter(member)

    manage = owner.get(reverse("recruiters:posting_manage", kwargs={"pk": posting.pk}))
    preview = owner.get(reverse("recruiters:posting_preview", kwargs={"pk": posting.pk}))
    dashboard = owner.get(reverse("recruiters:dashboard")).content.decode()

    assert manage.context["form"]["title"].value() == EDITED_TITLE
    assert "Change waiting for review" in manage.content.decode()
    assert EDITED_TITLE in preview.content.decode()
    assert "Change waiting for review" in dashboard


def test_editing_back_to_the_approved_text_leaves_nothing_waiting(review_required, member):
    posting = PostingFactory(organisation=member.organisation, title=APPROVED_TITLE)
    edit_as_recruiter(member, posting)

    edit_as_recruiter(member, posting, title=APPROVED_TITLE)

    posting.refresh_from_db()
    assert posting.pending_changes == {}
    assert not Posting.objects.awaiting_review().exists()


def test_a_draft_in_review_is_edited_in_place_and_is_not_public(review_required, member, client):
    posting = PostingFactory(
        organisation=member.organisation, status=Posting.Status.IN_REVIEW, published_at=None
    )

    edit_as_recruiter(member, posting)

    posting.refresh_from_db()
    assert (posting.title, posting.pending_changes) == (EDITED_TITLE, {})
    assert client.get(posting.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def change_page(posting):
    return reverse("admin:postings_posting_change", args=[posting.pk])


def review(client, posting, revision, **data):
    url = reverse("admin:postings_posting_review", args=[posting.pk])
    return client.post(url, {"revision": revision, "decision": "approve", **data}, follow=True)


def test_the_change_page_shows_the_change_beside_the_approved_text(
    review_required, member, staff_client
):
    posting = PostingFactory(organisation=member.organisation, title=APPROVED_TITLE)
    edit_as_recruiter(member, posting)

    page = staff_client.get(change_page(posting)).content.decode()

    assert "Change waiting for review" in page
    assert f"<td>{APPROVED_TITLE}</td><td>{EDITED_TITLE}</td>" in page
    posting.refresh_from_db()
    assert f'name="revision" value="{posting.revision}"' in page


def test_approving_a_change_on_the_change_page_makes_it_public_and_records_it(
    review_required, member, staff_client, staff, client
):
    posting = PostingFactory(organisation=member.organisation, title=APPROVED_TITLE)
    edit_as_recruiter(member, posting)
    shown = staff_client.get(change_page(posting)).context["review"]["posting"].revision

    response = review(staff_client, posting, shown)

    assert "Approved: it is public now." in response.content.decode()
    posting.refresh_from_db()
    assert (posting.title, posting.pending_changes) == (EDITED_TITLE, {})
    assert EDITED_TITLE in client.get(posting.get_absolute_url()).content.decode()
    event = posting.events.get(action=PostingEvent.Action.APPROVED)
    assert (event.actor, event.changes["title"]) == (staff, [APPROVED_TITLE, EDITED_TITLE])


def test_an_approval_of_a_version_the_recruiter_has_edited_since_is_refused(
    review_required, member, staff_client, client
):
    posting = PostingFactory(organisation=member.organisation, title=APPROVED_TITLE)
    edit_as_recruiter(member, posting, description="Reviewed description. " * 20)
    shown = staff_client.get(change_page(posting)).context["review"]["posting"].revision
    edit_as_recruiter(member, posting, description="Sneaked in after the review. " * 20)

    response = review(staff_client, posting, shown)

    assert "changed since you opened it" in response.content.decode()
    posting.refresh_from_db()
    assert posting.title == APPROVED_TITLE
    assert "Sneaked in" not in client.get(posting.get_absolute_url()).content.decode()
    assert not posting.events.filter(action=PostingEvent.Action.APPROVED).exists()


def test_an_approval_of_a_new_posting_edited_since_it_was_opened_is_refused(
    review_required, member, staff_client, client
):
    posting = in_review(organisation=member.organisation, title=APPROVED_TITLE)
    shown = staff_client.get(change_page(posting)).context["review"]["posting"].revision
    edit_as_recruiter(member, posting)

    review(staff_client, posting, shown)

    posting.refresh_from_db()
    assert posting.status == Posting.Status.IN_REVIEW
    assert client.get(posting.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_an_approval_from_the_change_page_needs_a_revision(review_required, staff_client):
    posting = in_review()

    for revision in ["", "abc", "-1", "9" * 30]:
        response = review(staff_client, posting, revision)
        assert response.status_code == HTTPStatus.OK
        assert "Nothing was done" in response.content.decode()

    posting.refresh_from_db()
    assert posting.status == Posting.Status.IN_REVIEW


def test_the_review_address_refuses_get_and_visitors(staff_client):
    from django.test import Client

    posting = in_review()
    url = reverse("admin:postings_posting_review", args=[posting.pk])

    assert staff_client.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    visitor = Client().post(url, {"revision": posting.revision, "decision": "approve"})
    assert visitor.status_code == HTTPStatus.FOUND
    assert "/admin/login/" in visitor["Location"]
    posting.refresh_from_db()
    assert posting.status == Posting.Status.IN_REVIEW


def test_bulk_approve_leaves_a_posting_changed_since_the_list_was_loaded(
    review_required, member, staff_client, client
):
    changed = in_review(organisation=member.organisation, title=APPROVED_TITLE)
    unchanged = in_review(title="Untouched Posting")
    listed = load_changelist(staff_client)
    edit_as_recruiter(member, changed)

    response = approve_as_listed(staff_client, [changed, unchanged], listed=listed)

    content = response.content.decode()
    assert "Approved 1 posting(s)." in content
    assert "Left 1 posting(s) that changed since the list was loaded" in content
    changed.refresh_from_db()
    unchanged.refresh_from_db()
    assert (changed.status, unchanged.status) == (Posting.Status.IN_REVIEW, "published")
    assert client.get(changed.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_bulk_approve_of_a_change_to_a_public_posting_applies_the_change_as_listed(
    review_required, member, staff_client
):
    posting = PostingFactory(organisation=member.organisation, title=APPROVED_TITLE)
    edit_as_recruiter(member, posting)

    approve_as_listed(staff_client, [posting])

    posting.refresh_from_db()
    assert (posting.title, posting.pending_changes) == (EDITED_TITLE, {})


def test_bulk_approve_approves_nothing_it_was_not_shown(staff_client):
    """ "Select all" across pages, or a hand-made request: no listed revision, no approval."""
    posting = in_review()

    response = run_action(staff_client, POSTING_CHANGELIST, "approve", [posting])

    assert "Left 1 posting(s)" in response.content.decode()
    posting.refresh_from_db()
    assert posting.status == Posting.Status.IN_REVIEW


def test_sending_back_a_change_keeps_the_approved_text_and_tells_the_recruiter(
    review_required, member, staff_client, client
):
    posting = PostingFactory(organisation=member.organisation, title=APPROVED_TITLE)
    edit_as_recruiter(member, posting)

    run_action(staff_client, POSTING_CHANGELIST, "reject", [posting], reason="No zebras.")

    posting.refresh_from_db()
    assert (posting.status, posting.title) == (Posting.Status.PUBLISHED, APPROVED_TITLE)
    assert posting.rejection_reason == "No zebras."
    assert not Posting.objects.awaiting_review().exists()
    assert EDITED_TITLE not in client.get(posting.get_absolute_url()).content.decode()
    manage = recruiter(member).get(reverse("recruiters:posting_manage", kwargs={"pk": posting.pk}))
    assert "No zebras." in manage.content.decode()
    assert manage.context["form"]["title"].value() == EDITED_TITLE
    # Saving the mended change sends it for review again.
    edit_as_recruiter(member, posting, title="Mended Title")
    posting.refresh_from_db()
    assert posting.rejection_reason == ""
    assert Posting.objects.awaiting_review().filter(pk=posting.pk).exists()


def test_the_review_filter_lists_new_postings_and_changes_waiting(
    review_required, member, staff_client
):
    changed = PostingFactory(organisation=member.organisation, title="Changed Posting")
    edit_as_recruiter(member, changed, title="Changed Posting Again")
    in_review(title="Fresh Posting")
    PostingFactory(title="Quiet Posting")

    page = staff_client.get(POSTING_CHANGELIST, {"review": "waiting"}).content.decode()

    assert "Changed Posting" in page
    assert "Fresh Posting" in page
    assert "Quiet Posting" not in page


def test_staff_edits_in_the_admin_are_public_at_once_even_with_review(
    review_required, staff_client
):
    posting = PostingFactory(title="Before")

    admin_edit(staff_client, posting, title="After")

    posting.refresh_from_db()
    assert (posting.title, posting.pending_changes) == ("After", {})


@pytest.mark.parametrize("sent_back", [False, True], ids=["waiting", "sent back"])
def test_a_staff_edit_in_the_admin_leaves_a_recruiters_change_waiting_unpublished(
    review_required, member, staff_client, sent_back
):
    from django.test import Client

    posting = PostingFactory(organisation=member.organisation, title=APPROVED_TITLE)
    edit_as_recruiter(member, posting)
    if sent_back:
        posting.refresh_from_db()
        posting.reject(by=None, reason="No zebras.")

    admin_edit(staff_client, posting, city="Leeds")

    posting.refresh_from_db()
    assert (posting.title, posting.city) == (APPROVED_TITLE, "Leeds")
    assert posting.pending_changes["title"] == EDITED_TITLE
    assert not any(EDITED_TITLE in text for text in public_texts(Client(), posting))


def test_sending_back_from_the_change_page_needs_a_reason_and_keeps_the_approved_text(
    review_required, member, staff_client
):
    posting = PostingFactory(organisation=member.organisation, title=APPROVED_TITLE)
    edit_as_recruiter(member, posting)
    shown = staff_client.get(change_page(posting)).context["review"]["posting"].revision

    refused = review(staff_client, posting, shown, decision="reject", reason=" ")
    sent_back = review(staff_client, posting, shown, decision="reject", reason="No zebras.")

    assert "Give a reason" in refused.content.decode()
    assert "Sent back to its recruiters." in sent_back.content.decode()
    posting.refresh_from_db()
    assert (posting.title, posting.rejection_reason) == (APPROVED_TITLE, "No zebras.")
    assert posting.events.filter(action=PostingEvent.Action.REJECTED).count() == 1
