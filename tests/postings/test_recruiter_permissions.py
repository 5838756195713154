"""Who may do what on the recruiter side: every URL and action, for every kind of visitor.

The matrix: an anonymous visitor, a recruiter of organisation A (whose postings these are), a
recruiter of organisation B, and a staff user with no organisation. Where a request must not
change anything, the test compares the database before and after.
"""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from postings.models import Invitation, Membership, Organisation, Posting, PostingEvent
from tests.factories import MembershipFactory, PostingFactory, RoleFactory, StaffFactory

pytestmark = pytest.mark.django_db

ANONYMOUS, RECRUITER_A, RECRUITER_B, STAFF = "anonymous", "recruiter_a", "recruiter_b", "staff"
ACTORS = [ANONYMOUS, RECRUITER_A, RECRUITER_B, STAFF]

# (URL name, the posting it acts on, POST data); None: the URL takes no posting.
POSTING_PAGES = [
    ("posting_manage", "draft", None),
    ("posting_preview", "draft", None),
]
POSTING_ACTIONS = [
    ("posting_manage", "draft", "the full form"),
    ("posting_publish", "draft", {}),
    ("posting_close", "published", {}),
    ("posting_reopen", "closed", {}),
    ("posting_extend", "published", {"days": "30"}),
    ("posting_duplicate", "published", {}),
]
ORGANISATION_PAGES = ["dashboard", "posting_create", "invitation_list", "organisation_create"]


@pytest.fixture
def world():
    role = RoleFactory()
    a = MembershipFactory(access=Membership.Access.OWNER)
    b = MembershipFactory(access=Membership.Access.OWNER)
    postings = {
        "draft": PostingFactory(organisation=a.organisation, role=role, draft=True),
        "published": PostingFactory(organisation=a.organisation, role=role),
        "closed": PostingFactory(organisation=a.organisation, role=role, closed=True),
    }
    users = {RECRUITER_A: a.user, RECRUITER_B: b.user, STAFF: StaffFactory()}
    return {"postings": postings, "users": users, "a": a, "b": b}


def client_for(actor, world, **kwargs):
    client = Client(**kwargs)
    if actor != ANONYMOUS:
        client.force_login(world["users"][actor])
    return client


def database_state():
    """Everything a recruiter's request could change."""
    return {
        "postings": list(
            Posting.objects.order_by("pk").values_list(
                "pk", "status", "title", "valid_through", "published_at", "updated_at"
            )
        ),
        "events": PostingEvent.objects.count(),
        "organisations": Organisation.objects.count(),
        "memberships": list(Membership.objects.values_list("user", "organisation", "access")),
        "invitations": Invitation.objects.count(),
    }


def post_data(data, posting):
    """The POST data of an action; for the manage form, every field with a new title."""
    if data != "the full form":
        return data
    return {
        "role": posting.role_id,
        "title": "Hijacked",
        "description": posting.description,
        "employment_type": posting.employment_type,
        "workplace": posting.workplace,
        "country": posting.country,
        "salary_period": posting.salary_period,
        "apply_url": posting.apply_url,
        "intent": "publish",
    }


def posting_url(name, posting):
    return reverse(f"recruiters:{name}", kwargs={"pk": posting.pk})


def login_url(path):
    return f"{reverse('login')}?next={path}"


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("name", "target", "data"), POSTING_PAGES)
def test_posting_pages_open_only_to_the_postings_organisation(world, actor, name, target, data):
    url = posting_url(name, world["postings"][target])
    before = database_state()

    response = client_for(actor, world).get(url)

    expected = {
        ANONYMOUS: (HTTPStatus.FOUND, login_url(url)),
        RECRUITER_A: (HTTPStatus.OK, None),
        RECRUITER_B: (HTTPStatus.NOT_FOUND, None),
        STAFF: (HTTPStatus.FOUND, reverse("recruiters:dashboard")),
    }[actor]
    assert (response.status_code, response.get("Location")) == expected
    assert database_state() == before
    if actor == RECRUITER_B:
        assert world["postings"][target].title not in response.content.decode()


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(("name", "target", "data"), POSTING_ACTIONS)
def test_posting_actions_are_allowed_only_to_the_postings_organisation(
    world, actor, name, target, data
):
    posting = world["postings"][target]
    url = posting_url(name, posting)
    before = database_state()

    response = client_for(actor, world).post(url, post_data(data, posting))

    if actor == RECRUITER_A:
        assert response.status_code in {HTTPStatus.OK, HTTPStatus.FOUND}
        return
    expected = {
        ANONYMOUS: (HTTPStatus.FOUND, login_url(url)),
        RECRUITER_B: (HTTPStatus.NOT_FOUND, None),
        STAFF: (HTTPStatus.FOUND, reverse("recruiters:dashboard")),
    }[actor]
    assert (response.status_code, response.get("Location")) == expected
    assert database_state() == before


@pytest.mark.parametrize(("name", "target", "data"), POSTING_ACTIONS)
def test_recruiter_a_changes_their_own_posting_with_each_action(world, name, target, data):
    posting = world["postings"][target]
    client = client_for(RECRUITER_A, world)
    events_before = posting.events.count()

    client.post(posting_url(name, posting), post_data(data, posting))

    assert posting.events.count() > events_before


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    "name",
    ["posting_publish", "posting_close", "posting_reopen", "posting_extend", "posting_duplicate"],
)
def test_state_changes_refuse_get(world, actor, name):
    posting = world["postings"]["published"]
    before = database_state()

    response = client_for(actor, world).get(posting_url(name, posting))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert database_state() == before


@pytest.mark.parametrize(("name", "target", "data"), POSTING_ACTIONS)
def test_state_changes_need_the_csrf_token(world, name, target, data):
    client = client_for(RECRUITER_A, world, enforce_csrf_checks=True)
    before = database_state()

    posting = world["postings"][target]
    response = client.post(posting_url(name, posting), post_data(data, posting))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert database_state() == before


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", ORGANISATION_PAGES)
def test_organisation_pages_by_visitor(world, actor, name):
    url = reverse(f"recruiters:{name}")
    before = database_state()

    response = client_for(actor, world).get(url)

    dashboard = reverse("recruiters:dashboard")
    expected = {
        # Members: their own organisation's pages; one has an organisation already.
        (RECRUITER_A, "organisation_create"): (HTTPStatus.FOUND, dashboard),
        (RECRUITER_B, "organisation_create"): (HTTPStatus.FOUND, dashboard),
        # Staff without an organisation: the dashboard explains, the rest send them to it.
        (STAFF, "dashboard"): (HTTPStatus.OK, None),
        (STAFF, "organisation_create"): (HTTPStatus.OK, None),
        (STAFF, "posting_create"): (HTTPStatus.FOUND, dashboard),
        (STAFF, "invitation_list"): (HTTPStatus.FOUND, dashboard),
        # Anonymous visitors: /recruiters/ is the public page on what employers get.
        (ANONYMOUS, "dashboard"): (HTTPStatus.OK, None),
    }.get((actor, name))
    if expected is None:
        expected = (
            (HTTPStatus.FOUND, login_url(url)) if actor == ANONYMOUS else (HTTPStatus.OK, None)
        )
    assert (response.status_code, response.get("Location")) == expected
    assert database_state() == before


def test_each_recruiter_sees_only_their_organisations_postings_on_the_dashboard(world):
    PostingFactory(organisation=world["b"].organisation, title="Only B Would See This")

    page_a = client_for(RECRUITER_A, world).get(reverse("recruiters:dashboard")).content.decode()
    page_b = client_for(RECRUITER_B, world).get(reverse("recruiters:dashboard")).content.decode()

    assert "Only B Would See This" not in page_a
    assert "Only B Would See This" in page_b
    for posting in world["postings"].values():
        assert posting_url("posting_manage", posting) in page_a
        assert posting_url("posting_manage", posting) not in page_b


def test_a_posting_cannot_be_moved_to_another_organisation_through_the_form(world, client):
    posting = world["postings"]["draft"]
    client.force_login(world["users"][RECRUITER_A])

    client.post(
        posting_url("posting_manage", posting),
        {
            "role": posting.role_id,
            "title": "Still ours",
            "description": "Text",
            "employment_type": "full_time",
            "workplace": "on_site",
            "salary_period": "year",
            "organisation": world["b"].organisation.pk,
        },
    )

    posting.refresh_from_db()
    assert posting.title == "Still ours"
    assert posting.organisation == world["a"].organisation


def test_recruiters_invite_only_into_their_own_organisation(world):
    client = client_for(RECRUITER_B, world)

    client.post(reverse("recruiters:invitation_list"), {"email": "someone@example.com"})

    assert Invitation.objects.get().organisation == world["b"].organisation
    assert not world["a"].organisation.invitations.exists()


def test_non_owner_recruiters_may_not_invite(world):
    recruiter = MembershipFactory(organisation=world["a"].organisation).user
    client = Client()
    client.force_login(recruiter)
    before = database_state()

    for response in [
        client.get(reverse("recruiters:invitation_list")),
        client.post(reverse("recruiters:invitation_list"), {"email": "x@example.com"}),
    ]:
        assert response.status_code == HTTPStatus.FORBIDDEN
    assert database_state() == before


def test_unknown_posting_ids_are_not_found(world):
    client = client_for(RECRUITER_A, world)

    assert client.get("/recruiters/postings/999999/").status_code == HTTPStatus.NOT_FOUND
    assert client.post("/recruiters/postings/999999/close/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/recruiters/postings/abc/").status_code == HTTPStatus.NOT_FOUND
