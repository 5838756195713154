"""An owner's organisation settings and team: details, logo, members' access, removal,
invitations withdrawn and sent again; and that nobody else can do any of it."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from postings.models import Invitation, Membership, Organisation
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.helpers import image_bytes, logo_upload

pytestmark = pytest.mark.django_db

SETTINGS = reverse("recruiters:organisation_settings")
TEAM = reverse("recruiters:invitation_list")
LOGO = reverse("recruiters:organisation_logo")


def details(**overrides: str) -> dict[str, str]:
    return {
        "name": "Harbour Foods",
        "website": "https://harbourfoods.example",
        "description": "We cook for **schools**.",
        "industry": "Food production",
        "size": "51-200",
        "headquarters": "Bristol, United Kingdom",
        **overrides,
    }


def access_url(member: Membership) -> str:
    return reverse("recruiters:member_access", kwargs={"pk": member.pk})


def invitation_url(action: str, invitation: Invitation) -> str:
    return reverse(f"recruiters:invitation_{action}", kwargs={"pk": invitation.pk})


def remove_url(member: Membership) -> str:
    return reverse("recruiters:member_remove", kwargs={"pk": member.pk})


@pytest.fixture
def colleague(membership):
    return MembershipFactory(organisation=membership.organisation, user__first_name="Lin")


# --- Details ----------------------------------------------------------------------------


def test_an_owner_changes_what_the_company_page_says(recruiter_client, membership):
    response = recruiter_client.post(SETTINGS, details())

    assert response.status_code == HTTPStatus.FOUND
    organisation = Organisation.objects.get(pk=membership.organisation.pk)
    assert organisation.name == "Harbour Foods"
    assert organisation.industry == "Food production"
    assert organisation.size == "51-200"
    assert organisation.headquarters == "Bristol, United Kingdom"
    page = recruiter_client.get(organisation.get_absolute_url(), follow=True)
    assert "<strong>schools</strong>" in page.content.decode()


def test_the_settings_page_shows_the_stored_details(recruiter_client, membership):
    html = recruiter_client.get(SETTINGS).content.decode()

    assert f'value="{membership.organisation.name}"' in html
    assert "Upload the logo" in html


def test_a_website_at_the_owners_domain_makes_the_organisation_domain_verified(
    recruiter_client, membership
):
    membership.organisation.is_verified = False
    membership.organisation.save()
    membership.user.email = "ada@harbourfoods.example"
    membership.user.save()

    recruiter_client.post(SETTINGS, details(website="https://www.harbourfoods.example/about"))

    organisation = Organisation.objects.get(pk=membership.organisation.pk)
    assert organisation.verified_domain == "harbourfoods.example"
    assert "Domain verified." in recruiter_client.get(SETTINGS).content.decode()


def test_renaming_to_a_verified_employers_name_is_refused(recruiter_client, membership):
    OrganisationFactory(name="Meridian Freight", is_verified=True)

    response = recruiter_client.post(SETTINGS, details(name="Meridlan Freight Ltd"))

    assert response.status_code == HTTPStatus.OK
    assert "very close to, that of a verified employer" in response.content.decode()
    assert Organisation.objects.get(pk=membership.organisation.pk).name != "Meridlan Freight Ltd"


def test_an_unknown_size_and_a_line_break_in_the_name_are_refused(recruiter_client, membership):
    response = recruiter_client.post(SETTINGS, details(size="9000+", name="Acme\nBcc: x"))

    form = response.context["form"]
    assert set(form.errors) == {"size", "name"}
    assert Organisation.objects.get(pk=membership.organisation.pk).size == ""


def test_the_settings_page_runs_a_fixed_number_of_queries(
    recruiter_client, membership, django_assert_max_num_queries
):
    """Guards against a query per field or per member: the page reads the session, the
    user, the membership with its organisation (the settings page lists no members)."""
    MembershipFactory.create_batch(5, organisation=membership.organisation)
    with django_assert_max_num_queries(4):
        assert recruiter_client.get(SETTINGS).status_code == HTTPStatus.OK


def test_the_team_page_runs_a_fixed_number_of_queries(
    recruiter_client, membership, django_assert_max_num_queries
):
    """Guards the N+1 of naming each member (user joined) and each inviter (joined)."""
    MembershipFactory(organisation=membership.organisation)
    InvitationFactory(organisation=membership.organisation, invited_by=membership.user)
    with django_assert_max_num_queries(6):
        recruiter_client.get(TEAM)
    MembershipFactory.create_batch(10, organisation=membership.organisation)
    InvitationFactory.create_batch(
        10, organisation=membership.organisation, invited_by=UserFactory()
    )
    with django_assert_max_num_queries(6):
        response = recruiter_client.get(TEAM)
    assert response.content.decode().count("Withdraw<span") == 11


# --- Logo ---------------------------------------------------------------------------------


def test_an_owner_uploads_a_logo_shown_on_the_company_page(client, recruiter_client, membership):
    response = recruiter_client.post(LOGO, {"logo": logo_upload()})

    assert response.status_code == HTTPStatus.FOUND
    organisation = Organisation.objects.get(pk=membership.organisation.pk)
    assert organisation.logo_digest
    html = client.get(organisation.get_absolute_url()).content.decode()
    assert f'src="/media/logos/{organisation.logo_digest}-192.png"' in html


def test_an_owner_removes_the_logo(recruiter_client, membership):
    recruiter_client.post(LOGO, {"logo": logo_upload()})

    recruiter_client.post(LOGO, {"remove": "1"})

    assert Organisation.objects.get(pk=membership.organisation.pk).logo_digest == ""


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "a.svg",
            "SVG",
        ),
        (b"<?xml version='1.0'?><svg/>", "logo.png", "SVG"),
        (b"GIF89a but not really", "logo.gif", "PNG, JPEG, WebP or GIF"),
        (b"%PDF-1.7\n", "logo.png", "PNG, JPEG, WebP or GIF"),
        (b"", "logo.png", "empty"),
        (image_bytes(size=(10, 10)), "logo.png", "too small"),
    ],
)
def test_an_upload_that_is_not_a_logo_is_refused_by_its_content(
    recruiter_client, membership, data, name, says
):
    response = recruiter_client.post(LOGO, {"logo": logo_upload(data, name)})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert says in response.content.decode()
    assert Organisation.objects.get(pk=membership.organisation.pk).logo_digest == ""


# --- The team -------------------------------------------------------------------------------


def test_an_owner_makes_a_recruiter_an_owner_and_back(recruiter_client, colleague):
    recruiter_client.post(access_url(colleague), {"access": "owner"})
    assert Membership.objects.get(pk=colleague.pk).access == Membership.Access.OWNER

    recruiter_client.post(access_url(colleague), {"access": "recruiter"})
    assert Membership.objects.get(pk=colleague.pk).access == Membership.Access.RECRUITER


def test_an_owner_removes_a_member(recruiter_client, colleague):
    response = recruiter_client.post(remove_url(colleague), follow=True)

    assert not Membership.objects.filter(pk=colleague.pk).exists()
    assert "is no longer a member" in response.content.decode()


def test_the_last_owner_can_be_neither_demoted_nor_removed(recruiter_client, membership):
    demoted = recruiter_client.post(access_url(membership), {"access": "recruiter"}, follow=True)
    removed = recruiter_client.post(remove_url(membership), follow=True)

    assert Membership.objects.get(pk=membership.pk).access == Membership.Access.OWNER
    assert "last owner" in demoted.content.decode()
    assert "last owner" in removed.content.decode()


def test_an_owner_who_steps_down_goes_to_the_dashboard(recruiter_client, membership, colleague):
    recruiter_client.post(access_url(colleague), {"access": "owner"})

    response = recruiter_client.post(access_url(membership), {"access": "recruiter"})

    assert response["Location"] == reverse("recruiters:dashboard")
    assert recruiter_client.get(SETTINGS).status_code == HTTPStatus.FORBIDDEN


def test_an_owner_withdraws_an_invitation_and_its_link_stops_working(
    client, recruiter_client, membership
):
    from postings.accounts import invitation_token

    invitation = InvitationFactory(organisation=membership.organisation)
    link = reverse("invitation_accept", kwargs={"token": invitation_token(invitation)})

    recruiter_client.post(reverse("recruiters:invitation_revoke", kwargs={"pk": invitation.pk}))

    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert "withdrawn" in Client().get(link).content.decode()


def test_an_owner_sends_an_invitation_again_with_a_fresh_link(
    recruiter_client, membership, mailoutbox
):
    invitation = InvitationFactory(organisation=membership.organisation, email="lin@example.com")

    response = recruiter_client.post(
        reverse("recruiters:invitation_resend", kwargs={"pk": invitation.pk}), follow=True
    )

    [message] = mailoutbox
    assert message.to == ["lin@example.com"]
    assert "/accounts/invitations/" in message.body
    assert "Sent the invitation to lin@example.com again" in response.content.decode()
    assert Invitation.objects.get(pk=invitation.pk).sent_at > invitation.sent_at


def test_an_accepted_invitation_is_neither_withdrawn_nor_sent_again(
    recruiter_client, membership, mailoutbox
):
    from django.utils import timezone

    invitation = InvitationFactory(organisation=membership.organisation, accepted_at=timezone.now())

    for action in ("revoke", "resend"):
        recruiter_client.post(
            reverse(f"recruiters:invitation_{action}", kwargs={"pk": invitation.pk})
        )

    assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert mailoutbox == []


# --- Permissions: tried, not assumed ----------------------------------------------------


@pytest.fixture
def other():
    """Another organisation's owner, with a recruiter and an invitation of its own."""
    owner = MembershipFactory(access=Membership.Access.OWNER, organisation__name="Other Co")
    MembershipFactory(organisation=owner.organisation)
    InvitationFactory(organisation=owner.organisation)
    return owner.organisation


def test_an_owner_cannot_touch_another_organisations_members_or_invitations(
    recruiter_client, other, mailoutbox
):
    recruiter = other.memberships.get(access=Membership.Access.RECRUITER)
    owner = other.memberships.get(access=Membership.Access.OWNER)
    invitation = other.invitations.get()

    answers = [
        recruiter_client.post(access_url(recruiter), {"access": "owner"}),
        recruiter_client.post(access_url(owner), {"access": "recruiter"}),
        recruiter_client.post(remove_url(recruiter)),
        recruiter_client.post(
            reverse("recruiters:invitation_revoke", kwargs={"pk": invitation.pk})
        ),
        recruiter_client.post(
            reverse("recruiters:invitation_resend", kwargs={"pk": invitation.pk})
        ),
    ]

    assert answers[0].status_code == HTTPStatus.NOT_FOUND
    assert answers[1].status_code == HTTPStatus.NOT_FOUND
    assert other.memberships.filter(access=Membership.Access.OWNER).count() == 1
    assert other.memberships.count() == 2
    assert other.invitations.count() == 1
    assert mailoutbox == []


def test_an_owner_changes_only_their_own_organisations_settings_and_logo(
    recruiter_client, membership, other
):
    recruiter_client.post(SETTINGS, details(name="Renamed"))
    recruiter_client.post(LOGO, {"logo": logo_upload()})

    other.refresh_from_db()
    assert other.name == "Other Co"
    assert other.logo_digest == ""
    assert Organisation.objects.get(pk=membership.organisation.pk).name == "Renamed"


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", SETTINGS),
        ("post", SETTINGS),
        ("post", LOGO),
        ("post", "member_access"),
        ("post", "member_remove"),
        ("post", "invitation_revoke"),
        ("post", "invitation_resend"),
    ],
)
def test_a_recruiter_may_not_change_settings_or_the_team(client, membership, method, url):
    recruiter = MembershipFactory(organisation=membership.organisation)
    invitation = InvitationFactory(organisation=membership.organisation)
    if not url.startswith("/"):
        target = membership if url.startswith("member") else invitation
        url = reverse(f"recruiters:{url}", kwargs={"pk": target.pk})
    client.force_login(recruiter.user)

    response = getattr(client, method)(url, {"access": "recruiter", **details(name="Taken")})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Membership.objects.get(pk=membership.pk).access == Membership.Access.OWNER
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert Organisation.objects.get(pk=membership.organisation.pk).name != "Taken"


def test_anonymous_visitors_are_sent_to_log_in(client, membership):
    for url in (SETTINGS, LOGO, remove_url(membership)):
        response = client.post(url)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(reverse("login"))
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_every_change_needs_the_csrf_token(membership, colleague):
    client = Client(enforce_csrf_checks=True)
    client.force_login(membership.user)
    invitation = InvitationFactory(organisation=membership.organisation)

    for url, data in [
        (SETTINGS, details(name="Forged")),
        (LOGO, {"remove": "1"}),
        (access_url(colleague), {"access": "owner"}),
        (remove_url(colleague), {}),
        (reverse("recruiters:invitation_revoke", kwargs={"pk": invitation.pk}), {}),
        (reverse("recruiters:invitation_resend", kwargs={"pk": invitation.pk}), {}),
    ]:
        assert client.post(url, data).status_code == HTTPStatus.FORBIDDEN, url

    assert Membership.objects.get(pk=colleague.pk).access == Membership.Access.RECRUITER
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    assert Organisation.objects.get(pk=membership.organisation.pk).name != "Forged"


def test_settings_changes_are_posts_only(recruiter_client, colleague):
    assert recruiter_client.get(remove_url(colleague)).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert recruiter_client.get(LOGO).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert Membership.objects.filter(pk=colleague.pk).exists()
