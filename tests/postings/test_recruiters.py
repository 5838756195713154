"""The recruiter's pages: dashboard, a posting from a role, editing, state changes, checklist."""

from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from postings.completeness import Level, check_posting
from postings.models import Membership, Organisation, Posting, PostingEvent
from roles.models import EducationLevel, Qualification, Responsibility
from tests.factories import (
    MembershipFactory,
    PostingEventFactory,
    PostingFactory,
    QualificationFactory,
    ResponsibilityFactory,
    RoleFactory,
    UserFactory,
)
from tests.helpers import manage_url, posting_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership():
    return MembershipFactory(access=Membership.Access.OWNER, user__first_name="Ada")


@pytest.fixture
def role():
    role = RoleFactory(title="Director of Operations", slug="director-of-operations")
    ResponsibilityFactory(
        role=role,
        area=Responsibility.Area.OPERATIONS,
        text="Run the daily operations of several sites.",
    )
    ResponsibilityFactory(
        role=role,
        area=Responsibility.Area.FINANCE,
        text="Set and control the operating budget.",
    )
    QualificationFactory(
        role=role, kind=Qualification.Kind.EXPERIENCE, text="Eight years in operations."
    )
    QualificationFactory(
        role=role, kind=Qualification.Kind.SKILL, text="Negotiating with suppliers."
    )
    return role


# --- Dashboard -------------------------------------------------------------------------


def test_dashboard_groups_the_organisations_postings_by_status_with_counts(
    recruiter_client, membership
):
    organisation = membership.organisation
    PostingFactory(organisation=organisation, draft=True, title="Draft Ops Lead")
    PostingFactory(organisation=organisation, title="Live Ops Lead")
    PostingFactory(organisation=organisation, expired=True, title="Old Ops Lead")
    PostingFactory(organisation=organisation, closed=True, title="Closed Ops Lead")
    PostingFactory(title="Someone Else's Job")

    response = recruiter_client.get(reverse("recruiters:dashboard"))

    assert response.status_code == HTTPStatus.OK
    groups = {group["status"]: group["postings"] for group in response.context["groups"]}
    assert [p.title for p in groups["draft"]] == ["Draft Ops Lead"]
    assert sorted(p.title for p in groups["published"]) == ["Live Ops Lead", "Old Ops Lead"]
    assert [p.title for p in groups["closed"]] == ["Closed Ops Lead"]
    assert groups["in_review"] == []
    content = response.content.decode()
    assert "Someone Else" not in content
    assert "Expired" in content
    assert "1 published posting has expired" in content


def test_dashboard_shows_each_postings_checklist_and_actions(recruiter_client, membership):
    posting = PostingFactory(organisation=membership.organisation, draft=True, apply_url="")

    response = recruiter_client.get(reverse("recruiters:dashboard"))

    content = response.content.decode()
    completeness = check_posting(posting)
    assert f"Checklist: {completeness.passed} of {completeness.total} done" in content
    assert "Missing: Apply link or email" in content
    assert reverse("recruiters:posting_publish", kwargs={"pk": posting.pk}) in content
    assert reverse("recruiters:posting_duplicate", kwargs={"pk": posting.pk}) in content
    assert reverse("recruiters:posting_preview", kwargs={"pk": posting.pk}) in content


def test_dashboard_shows_the_reason_staff_sent_a_posting_back(recruiter_client, membership):
    PostingFactory(
        organisation=membership.organisation,
        draft=True,
        rejection_reason="Please add a salary range.",
    )

    response = recruiter_client.get(reverse("recruiters:dashboard"))

    assert "Please add a salary range." in response.content.decode()


def test_dashboard_says_so_when_the_organisation_is_suspended(recruiter_client, membership):
    Organisation.objects.filter(pk=membership.organisation.pk).update(is_suspended=True)

    response = recruiter_client.get(reverse("recruiters:dashboard"))

    assert "suspended" in response.content.decode()


def test_dashboard_query_count_does_not_grow_with_the_number_of_postings(
    recruiter_client, membership, role, django_assert_max_num_queries
):
    """Guards the N+1 of checking each posting's completeness: the role's responsibilities
    and qualifications are prefetched for all postings at once."""
    PostingFactory.create_batch(3, organisation=membership.organisation, role=role)
    with django_assert_max_num_queries(7):
        assert recruiter_client.get(reverse("recruiters:dashboard")).status_code == HTTPStatus.OK

    other_role = RoleFactory()
    ResponsibilityFactory.create_batch(3, role=other_role)
    PostingFactory.create_batch(15, organisation=membership.organisation, role=role)
    PostingFactory.create_batch(
        15, organisation=membership.organisation, role=other_role, draft=True
    )
    with django_assert_max_num_queries(7):
        response = recruiter_client.get(reverse("recruiters:dashboard"))
    assert sum(len(group["postings"]) for group in response.context["groups"]) == 33


def test_user_without_an_organisation_is_shown_how_to_create_or_join_one(client):
    client.force_login(UserFactory())

    response = client.get(reverse("recruiters:dashboard"))

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Create an organisation" in content
    assert "invite" in content


def test_user_without_an_organisation_creates_one_and_owns_it(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("recruiters:organisation_create"),
        {"name": "Northwind Freight", "website": "https://northwind.example"},
    )

    assert response.status_code == HTTPStatus.FOUND
    membership = Membership.objects.get(user=user)
    assert membership.organisation.name == "Northwind Freight"
    assert membership.is_owner


# --- A new posting from a role ---------------------------------------------------------


def test_new_posting_page_lists_only_published_roles(recruiter_client, role):
    RoleFactory(title="Secret Unpublished Role", is_published=False)

    response = recruiter_client.get(reverse("recruiters:posting_create"))

    content = response.content.decode()
    assert "Director of Operations" in content
    assert "Secret Unpublished Role" not in content


def test_new_posting_form_is_prefilled_from_the_role(recruiter_client, role):
    response = recruiter_client.get(
        reverse("recruiters:posting_create"), {"role": "director-of-operations"}
    )

    form = response.context["form"]
    assert form.initial["title"] == "Director of Operations"
    assert form.initial["responsibilities"] == (
        "Run the daily operations of several sites.\nSet and control the operating budget."
    )
    assert (
        form.initial["qualifications"] == "Eight years in operations.\nNegotiating with suppliers."
    )
    assert "Set and control the operating budget." in response.content.decode()


def test_new_posting_with_an_unknown_or_unpublished_role_asks_again(recruiter_client):
    RoleFactory(slug="hidden-role", is_published=False)

    for slug in ["no-such-role", "hidden-role", "x" * 500]:
        response = recruiter_client.get(reverse("recruiters:posting_create"), {"role": slug})

        assert response.status_code == HTTPStatus.OK
        assert "That role does not exist" in response.content.decode()


def test_saving_a_new_posting_makes_a_draft_of_the_organisation_with_its_history(
    recruiter_client, membership, role
):
    response = recruiter_client.post(reverse("recruiters:posting_create"), posting_data(role))

    posting = Posting.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == manage_url(posting)
    assert posting.status == Posting.Status.DRAFT
    assert posting.organisation == membership.organisation
    assert posting.created_by == membership.user
    assert posting.published_at is None
    event = posting.events.get()
    assert (event.action, event.actor) == (PostingEvent.Action.CREATED, membership.user)


def test_sending_the_new_posting_form_twice_saves_one_draft(recruiter_client, role):
    page = recruiter_client.get(reverse("recruiters:posting_create"), {"role": role.slug})
    data = {**posting_data(role), "form_token": page.context["form_token"]}

    first = recruiter_client.post(reverse("recruiters:posting_create"), data)
    second = recruiter_client.post(reverse("recruiters:posting_create"), data)

    posting = Posting.objects.get()
    assert first["Location"] == second["Location"] == manage_url(posting)
    followed = recruiter_client.get(second["Location"]).content.decode()
    assert "This form was sent already" in followed
    assert f'name="form_token" value="{data["form_token"]}"' in page.content.decode()


def test_each_new_posting_form_makes_its_own_draft(recruiter_client, role):
    for _ in range(2):
        page = recruiter_client.get(reverse("recruiters:posting_create"), {"role": role.slug})
        data = {**posting_data(role), "form_token": page.context["form_token"]}
        recruiter_client.post(reverse("recruiters:posting_create"), data)

    assert Posting.objects.count() == 2


def test_editing_records_which_fields_changed_before_and_after(recruiter_client, membership, role):
    posting = PostingFactory(organisation=membership.organisation, role=role, draft=True)
    data = posting_data(role, title="Head of Operations", salary_max="95000")
    data.update(
        {
            "description": posting.description,
            "responsibilities": posting.responsibilities,
            "qualifications": posting.qualifications,
            "city": posting.city,
            "region": posting.region,
            "salary_min": "60000.00",
            "salary_currency": "GBP",
            "apply_url": posting.apply_url,
            "valid_through": timezone.localdate(posting.valid_through).isoformat(),
        }
    )

    response = recruiter_client.post(manage_url(posting), {**data, "intent": "save"})

    assert response.status_code == HTTPStatus.FOUND
    event = posting.events.get(action=PostingEvent.Action.EDITED)
    assert event.actor == membership.user
    assert set(event.changes) == {"title", "salary_max"}
    assert event.changes["salary_max"] == ["80000.00", "95000.00"]
    page = recruiter_client.get(manage_url(posting)).content.decode()
    assert "History" in page
    assert "Job title: “Director of Operations” → “Head of Operations”" in page


def test_manage_page_shows_the_checklist_beside_the_form(recruiter_client, membership, role):
    posting = PostingFactory(
        organisation=membership.organisation,
        role=role,
        draft=True,
        responsibilities="Run the daily operations of several sites.",
        qualifications="Eight years in operations.",
        salary_min=None,
        salary_max=None,
    )

    response = recruiter_client.get(manage_url(posting))

    content = response.content.decode()
    assert 'id="checklist"' in content
    assert "Missing:</span>\n      Salary range with currency and period" in content
    assert "Missing:</span>\n      Responsibilities: finance and budget" in content
    assert "Set and control the operating budget." in content
    assert 'href="#id_salary_min"' in content


def test_preview_renders_the_posting_page_marked_as_a_preview(recruiter_client, membership):
    posting = PostingFactory(organisation=membership.organisation, draft=True, title="Ops Chief")

    response = recruiter_client.get(
        reverse("recruiters:posting_preview", kwargs={"pk": posting.pk})
    )

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "Ops Chief" in content
    assert 'name="robots" content="noindex' in content
    assert "application/ld+json" not in content
    assert response.context["preview"] is True


# --- Validation errors -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"salary_min": "90000", "salary_max": "70000"}, "salary_min", "above the maximum"),
        ({"salary_currency": ""}, "salary_currency", "currency"),
        ({"salary_period": ""}, "salary_period", "per year, month"),
        ({"salary_min": "-5"}, "salary_min", "greater than or equal to 0"),
        ({"valid_through": "2001-01-01"}, "valid_through", "This date has passed"),
        ({"valid_through": "not a date"}, "valid_through", "Enter a valid date"),
        ({"country": "XX"}, "country", "not an ISO 3166-1 country code"),
        ({"country": "Narnia"}, "country", "not an ISO 3166-1 country code"),
        ({"remote_countries": "GB ZZ"}, "remote_countries", "“ZZ” is not an ISO"),
        ({"salary_currency": "pounds"}, "salary_currency", "Select a valid choice"),
        ({"salary_currency": "XAU"}, "salary_currency", "Select a valid choice"),
        ({"title": "x" * 151}, "title", "the limit is 150"),
        ({"title": "   "}, "title", "This field is required"),
        ({"role": "999999"}, "role", "Select a valid choice"),
        ({"apply_url": "javascript:alert(1)"}, "apply_url", "Enter a valid URL"),
    ],
)
def test_a_new_posting_with_an_invalid_field_shows_the_error_on_that_field_and_saves_nothing(
    recruiter_client, role, overrides, field, message
):
    response = recruiter_client.post(
        reverse("recruiters:posting_create"), posting_data(role, **overrides)
    )

    assert response.status_code == HTTPStatus.OK
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    assert not Posting.objects.exists()
    content = response.content.decode()
    assert 'id="error-summary"' in content
    assert f'href="#id_{field}"' in content
    assert f'aria-describedby="id_{field}_helptext id_{field}_error"' in content or (
        f'aria-describedby="id_{field}_error"' in content
    )


def test_lowercase_country_and_currency_codes_are_accepted_in_capitals(recruiter_client, role):
    recruiter_client.post(
        reverse("recruiters:posting_create"),
        posting_data(
            role, country="gb", salary_currency="gbp", workplace="remote", remote_countries="gb, ie"
        ),
    )

    posting = Posting.objects.get()
    assert (posting.country, posting.salary_currency) == ("GB", "GBP")
    assert posting.remote_countries == "GB IE"


def test_publishing_without_an_apply_route_is_refused_on_the_field_and_saves_nothing(
    recruiter_client, membership, role
):
    posting = PostingFactory(
        organisation=membership.organisation, role=role, draft=True, apply_url=""
    )
    data = posting_data(role, apply_url="", apply_email="", title="Changed Title")

    response = recruiter_client.post(manage_url(posting), {**data, "intent": "publish"})

    assert response.status_code == HTTPStatus.OK
    assert "Give an apply link or an email address" in " ".join(
        response.context["form"].errors["apply_url"]
    )
    posting.refresh_from_db()
    assert posting.status == Posting.Status.DRAFT
    assert posting.title != "Changed Title"
    assert not posting.events.exists()


def test_a_draft_may_be_saved_without_an_apply_route(recruiter_client, role):
    recruiter_client.post(
        reverse("recruiters:posting_create"), posting_data(role, apply_url="", apply_email="")
    )

    assert Posting.objects.get().status == Posting.Status.DRAFT


def test_a_published_posting_keeps_its_apply_route(recruiter_client, membership, role):
    posting = PostingFactory(organisation=membership.organisation, role=role)

    response = recruiter_client.post(
        manage_url(posting), {**posting_data(role, apply_url="", apply_email="")}
    )

    assert response.status_code == HTTPStatus.OK
    assert "apply_url" in response.context["form"].errors
    posting.refresh_from_db()
    assert posting.apply_url


def test_an_expired_posting_can_be_edited_without_changing_its_past_date(
    recruiter_client, membership, role
):
    posting = PostingFactory(organisation=membership.organisation, role=role, expired=True)
    data = posting_data(
        role,
        title="Renamed",
        valid_through=timezone.localdate(posting.valid_through).isoformat(),
    )

    response = recruiter_client.post(manage_url(posting), data)

    assert response.status_code == HTTPStatus.FOUND
    posting.refresh_from_db()
    assert posting.title == "Renamed"


def test_the_dashboard_publish_button_checks_the_stored_posting(recruiter_client, membership, role):
    posting = PostingFactory(
        organisation=membership.organisation, role=role, draft=True, apply_url=""
    )

    response = recruiter_client.post(
        reverse("recruiters:posting_publish", kwargs={"pk": posting.pk}), {"next": "dashboard"}
    )

    assert response.status_code == HTTPStatus.OK
    assert "apply_url" in response.context["form"].errors
    posting.refresh_from_db()
    assert posting.status == Posting.Status.DRAFT


def test_publishing_a_draft_whose_stored_date_has_passed_asks_for_a_new_one(
    recruiter_client, membership, role
):
    posting = PostingFactory(
        organisation=membership.organisation,
        role=role,
        draft=True,
        valid_through=timezone.now() - timedelta(days=3),
    )

    response = recruiter_client.post(
        reverse("recruiters:posting_publish", kwargs={"pk": posting.pk})
    )

    assert "This date has passed" in " ".join(response.context["form"].errors["valid_through"])
    posting.refresh_from_db()
    assert posting.status == Posting.Status.DRAFT


def test_manage_page_query_count_does_not_grow_with_the_history(
    recruiter_client, membership, django_assert_max_num_queries
):
    """Guards the N+1 of naming who made each change in the history (actor fetched with
    its event)."""
    posting = PostingFactory(organisation=membership.organisation)
    for _ in range(3):
        PostingEventFactory(posting=posting, actor=UserFactory())
    with django_assert_max_num_queries(8):
        recruiter_client.get(manage_url(posting))
    for _ in range(30):
        PostingEventFactory(posting=posting, actor=UserFactory())
    with django_assert_max_num_queries(8):
        response = recruiter_client.get(manage_url(posting))
    assert len(response.context["events"]) == 33


# --- State changes ---------------------------------------------------------------------


def post_action(client, name, posting, data=None):
    return client.post(reverse(f"recruiters:posting_{name}", kwargs={"pk": posting.pk}), data or {})


def test_publishing_a_draft_puts_it_live_for_sixty_days_and_records_it(
    recruiter_client, membership
):
    posting = PostingFactory(organisation=membership.organisation, draft=True, valid_through=None)

    response = post_action(recruiter_client, "publish", posting)

    assert response.status_code == HTTPStatus.FOUND
    posting.refresh_from_db()
    assert posting.status == Posting.Status.PUBLISHED
    assert posting.published_at is not None
    assert posting.valid_through - posting.published_at == timedelta(days=60)
    assert Posting.objects.public().filter(pk=posting.pk).exists()
    event = posting.events.get(action=PostingEvent.Action.PUBLISHED)
    assert event.actor == membership.user


def test_publishing_keeps_a_chosen_future_valid_through_date(recruiter_client, membership, role):
    posting = PostingFactory(organisation=membership.organisation, role=role, draft=True)
    day = timezone.localdate() + timedelta(days=10)
    data = posting_data(role, valid_through=day.isoformat())

    recruiter_client.post(manage_url(posting), {**data, "intent": "publish"})

    posting.refresh_from_db()
    assert posting.status == Posting.Status.PUBLISHED
    assert timezone.localdate(posting.valid_through) == day


def test_with_review_required_publishing_submits_the_posting_for_review(
    recruiter_client, membership, settings
):
    settings.POSTINGS_REQUIRE_REVIEW = True
    posting = PostingFactory(organisation=membership.organisation, draft=True)

    dashboard = recruiter_client.get(reverse("recruiters:dashboard")).content.decode()
    post_action(recruiter_client, "publish", posting)

    assert "Submit for review" in dashboard
    posting.refresh_from_db()
    assert posting.status == Posting.Status.IN_REVIEW
    assert posting.published_at is None
    assert not Posting.objects.public().filter(pk=posting.pk).exists()
    assert posting.events.filter(action=PostingEvent.Action.SUBMITTED).exists()


def test_closing_takes_a_posting_off_the_public_site(recruiter_client, membership):
    posting = PostingFactory(organisation=membership.organisation)

    post_action(recruiter_client, "close", posting)

    posting.refresh_from_db()
    assert posting.status == Posting.Status.CLOSED
    assert not Posting.objects.public().filter(pk=posting.pk).exists()
    assert posting.events.filter(action=PostingEvent.Action.CLOSED).exists()


def test_reopening_an_expired_closed_posting_gives_it_a_fresh_date(recruiter_client, membership):
    posting = PostingFactory(organisation=membership.organisation, closed=True, expired=True)

    post_action(recruiter_client, "reopen", posting)

    posting.refresh_from_db()
    assert posting.status == Posting.Status.PUBLISHED
    assert posting.valid_through > timezone.now() + timedelta(days=59)
    assert Posting.objects.public().filter(pk=posting.pk).exists()
    event = posting.events.get(action=PostingEvent.Action.REOPENED)
    assert "valid_through" in event.changes


def test_extending_pushes_the_valid_through_date_later(recruiter_client, membership):
    posting = PostingFactory(organisation=membership.organisation)
    before = posting.valid_through

    post_action(recruiter_client, "extend", posting, {"days": "30"})

    posting.refresh_from_db()
    assert posting.valid_through == before + timedelta(days=30)
    event = posting.events.get(action=PostingEvent.Action.EXTENDED)
    assert event.changes["valid_through"][1] == posting.valid_through.isoformat(timespec="seconds")


def test_extending_an_expired_posting_counts_from_today(recruiter_client, membership):
    posting = PostingFactory(organisation=membership.organisation, expired=True)

    post_action(recruiter_client, "extend", posting, {"days": "14"})

    posting.refresh_from_db()
    assert posting.valid_through > timezone.now() + timedelta(days=13)
    assert Posting.objects.public().filter(pk=posting.pk).exists()


@pytest.mark.parametrize("days", ["", "7", "abc", "9" * 40])
def test_extending_by_an_unoffered_number_of_days_changes_nothing(
    recruiter_client, membership, days
):
    posting = PostingFactory(organisation=membership.organisation)
    before = posting.valid_through

    response = post_action(recruiter_client, "extend", posting, {"days": days})

    assert response.status_code == HTTPStatus.FOUND
    posting.refresh_from_db()
    assert posting.valid_through == before
    assert not posting.events.exists()


def test_duplicating_makes_a_new_draft_copy(recruiter_client, membership):
    posting = PostingFactory(organisation=membership.organisation, title="Ops Lead", city="York")

    response = post_action(recruiter_client, "duplicate", posting)

    copy = Posting.objects.exclude(pk=posting.pk).get()
    assert response["Location"] == manage_url(copy)
    assert (copy.title, copy.city, copy.status) == ("Ops Lead", "York", Posting.Status.DRAFT)
    assert copy.slug != posting.slug
    assert copy.published_at is None
    assert copy.created_by == membership.user
    assert posting.events.filter(action=PostingEvent.Action.DUPLICATED).exists()
    assert copy.events.filter(action=PostingEvent.Action.CREATED).exists()


def test_a_second_click_of_publish_says_it_is_published_already_and_records_nothing_more(
    recruiter_client, membership
):
    posting = PostingFactory(organisation=membership.organisation, draft=True)
    post_action(recruiter_client, "publish", posting)

    response = post_action(recruiter_client, "publish", posting)

    assert response.status_code == HTTPStatus.FOUND
    followed = recruiter_client.get(response["Location"]).content.decode()
    assert "This posting is published already." in followed
    assert posting.events.filter(action=PostingEvent.Action.PUBLISHED).count() == 1


@pytest.mark.parametrize(
    ("name", "data"), [("extend", {"days": "30"}), ("duplicate", {}), ("close", {})]
)
def test_a_second_click_of_a_button_on_the_same_page_does_nothing_more(
    recruiter_client, membership, name, data
):
    posting = PostingFactory(organisation=membership.organisation)
    page = {**data, "revision": posting.revision, "next": "dashboard"}
    post_action(recruiter_client, name, posting, page)
    after_first = (Posting.objects.count(), posting.events.count())

    response = post_action(recruiter_client, name, posting, page)

    assert response.status_code == HTTPStatus.FOUND
    assert (Posting.objects.count(), posting.events.count()) == after_first
    followed = recruiter_client.get(response["Location"]).content.decode()
    assert "already" in followed or "has changed since the page was loaded" in followed


def test_the_dashboard_buttons_send_the_revision_they_show(recruiter_client, membership):
    posting = PostingFactory(organisation=membership.organisation)

    dashboard = recruiter_client.get(reverse("recruiters:dashboard")).content.decode()

    assert f'name="revision" value="{posting.revision}"' in dashboard


@pytest.mark.parametrize(
    ("action", "trait"),
    [("close", "draft"), ("reopen", "draft"), ("publish", "closed"), ("extend", "draft")],
)
def test_an_action_that_does_not_fit_the_status_says_so_and_changes_nothing(
    recruiter_client, membership, action, trait
):
    posting = PostingFactory(organisation=membership.organisation, **{trait: True})
    before = (posting.status, posting.valid_through)

    response = post_action(recruiter_client, action, posting, {"days": "30"})

    assert response.status_code == HTTPStatus.FOUND
    posting.refresh_from_db()
    assert (posting.status, posting.valid_through) == before
    assert not posting.events.exists()
    followed = recruiter_client.get(response["Location"]).content.decode()
    assert "Only a posting that is" in followed


# --- The checklist ---------------------------------------------------------------------


def test_checklist_flags_responsibility_areas_and_qualification_kinds_the_posting_leaves_out(
    role,
):
    role.education_level = EducationLevel.BACHELOR
    posting = PostingFactory.build(
        role=role,
        responsibilities="Running the day-to-day operations of several sites",
        qualifications="Great negotiator",
    )

    checks = {check.label: check.ok for check in check_posting(posting).checks}

    assert checks["Responsibilities: operations"] is True
    assert checks["Responsibilities: finance and budget"] is False
    assert checks["Qualifications: education"] is False
    assert checks["Qualifications: experience"] is False
    assert checks["Qualifications: skill"] is False


def test_checklist_is_satisfied_by_a_posting_that_covers_its_role(role):
    posting = PostingFactory.build(
        role=role,
        description="A" * 400,
        responsibilities="Run the daily operations of our three sites.\nControl the budget and "
        "set the operating budget.",
        qualifications="Eight years in warehouse operations.\nA bachelor's degree.\nNegotiating "
        "with suppliers and carriers.",
        salary_min=Decimal(1),
        salary_max=Decimal(2),
    )

    completeness = check_posting(posting)

    assert completeness.missing == []
    assert completeness.is_complete


def test_checklist_counts_the_roles_own_lines_only_once_edited(role):
    """A new posting starts from the role's lines: left as they are, they are not done."""
    untouched = PostingFactory.build(
        role=role,
        responsibilities="Run the daily operations of several sites.\n"
        "  set and CONTROL the operating budget. ",
        qualifications="Eight years in operations.\nNegotiating with suppliers.",
    )
    edited = PostingFactory.build(
        role=role,
        responsibilities="Run the daily operations of several sites in the north.\n"
        "Set and control the operating budget.",
        qualifications="Eight years in operations.\nNegotiating with suppliers.",
    )

    def role_lines_done(posting):
        return {
            check.label: check.ok
            for check in check_posting(posting).checks
            if check.level == Level.ROLE
        }

    assert not any(role_lines_done(untouched).values())
    assert role_lines_done(edited) == {
        "Responsibilities: operations": True,
        "Responsibilities: finance and budget": False,
        "Qualifications: education": False,
        "Qualifications: experience": False,
        "Qualifications: skill": False,
    }


def test_checklist_asks_a_remote_posting_for_countries_rather_than_a_city(role):
    posting = PostingFactory.build(role=role, workplace="remote", city="", remote_countries="")

    labels = {check.label: check.ok for check in check_posting(posting).checks}

    assert labels["Where remote applicants may live"] is False
    assert "Location: city and country" not in labels


def test_checklist_flags_a_short_description_and_a_missing_apply_route(role):
    posting = PostingFactory.build(role=role, description="Short.", apply_url="", apply_email="")

    missing = {check.label for check in check_posting(posting).missing_required}

    assert missing == {"Description of reasonable length", "Apply link or email"}
