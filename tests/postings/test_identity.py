"""Identity you can trust: domain verification, lookalike names held for staff, and which
organisations' postings wait for review."""

import re
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from postings import identity
from postings.accounts import signup
from postings.models import EmailVerification, Membership, Organisation, Posting
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PostingFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("website", "addresses", "domain"),
    [
        ("https://www.meridian.co.uk/careers", ["ann@meridian.co.uk"], "meridian.co.uk"),
        ("https://meridian.co.uk", ["ann@mail.meridian.co.uk"], "meridian.co.uk"),
        ("https://MERIDIAN.example.", ["Ann@Meridian.Example"], "meridian.example"),
        ("https://meridian.co.uk", ["ann@other.co.uk"], ""),
        ("https://co.uk", ["ann@co.uk"], ""),  # a public suffix is nobody's domain
        ("https://gmail.com", ["ann@gmail.com"], ""),  # free mail never verifies
        ("https://meridian.example", ["meridian@gmail.com"], ""),
        ("https://meridian.github.io", ["ann@github.io"], ""),  # a shared host
        ("https://sites.google.com/view/meridian", ["ann@google.com"], ""),
        ("https://meridian.netlify.app", ["ann@meridian.netlify.app"], ""),
        ("", ["ann@meridian.example"], ""),
        ("javascript:alert(1)", ["ann@alert"], ""),
        ("https://[::1]/", ["ann@[::1]"], ""),
    ],
)
def test_a_website_is_verified_by_an_address_at_its_registrable_domain(website, addresses, domain):
    assert identity.verified_domain(website, addresses) == domain


@pytest.mark.parametrize(
    ("name", "held"),
    [
        ("Meridian Freight", True),
        ("Meridian Freight Ltd", True),
        ("MERIDIAN FREIGHT, LTD.", True),
        ("Meridlan Freight", True),
        ("Méridian Freight GmbH", True),
        ("Meridian Foods", False),
        ("Freight", False),
        ("Harbour Freight", False),
    ],
)
def test_names_like_a_verified_employers_are_found(name, held):
    meridian = OrganisationFactory(name="Meridian Freight", is_verified=True)
    OrganisationFactory(name="Meridian Foods Co", is_verified=False)

    assert (Organisation.lookalike_for(name) == meridian.pk) is held


def sign_up(client, mailoutbox, *, email, organisation_name, website=""):
    signup(
        name="Sam",
        email=email,
        password="a long passphrase 42",
        organisation_name=organisation_name,
        website=website,
        client="127.0.0.1",
    )
    link = re.search(r"https?://[^/\s]+(/accounts/verify/\S+/)", mailoutbox[-1].body).group(1)
    client.post(link, {"password": "a long passphrase 42"})
    return Organisation.objects.get(name=organisation_name)


def test_confirming_an_address_at_the_websites_domain_makes_an_organisation_domain_verified(
    client, mailoutbox
):
    organisation = sign_up(
        client,
        mailoutbox,
        email="sam@northwind.example",
        organisation_name="Northwind",
        website="https://northwind.example",
    )

    assert organisation.verified_domain == "northwind.example"
    assert not organisation.postings_need_review()


def test_a_free_mail_sign_up_is_not_verified_and_its_postings_wait_for_review(client, mailoutbox):
    organisation = sign_up(
        client,
        mailoutbox,
        email="sam@gmail.com",
        organisation_name="Northwind",
        website="https://gmail.com",
    )
    posting = PostingFactory(organisation=organisation, draft=True)
    client.force_login(organisation.memberships.get().user)

    client.post(reverse("recruiters:posting_publish", kwargs={"pk": posting.pk}))

    posting.refresh_from_db()
    assert organisation.verified_domain == ""
    assert posting.status == Posting.Status.IN_REVIEW
    assert client.get(posting.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    dashboard = client.get(reverse("recruiters:dashboard")).content.decode()
    assert "Not verified yet." in dashboard
    assert "Your postings wait for staff review" in dashboard


def test_a_lookalike_sign_up_is_held_told_why_and_its_postings_wait(client, mailoutbox):
    OrganisationFactory(name="Meridian Freight", is_verified=True)
    held = sign_up(
        client,
        mailoutbox,
        email="ops@meridian-freight.example",
        organisation_name="Meridian Freight Ltd",
        website="https://meridian-freight.example",
    )
    posting = PostingFactory(organisation=held, draft=True)
    client.force_login(held.memberships.get().user)

    client.post(reverse("recruiters:posting_publish", kwargs={"pk": posting.pk}))

    posting.refresh_from_db()
    assert held.is_held
    # Its own domain is verified, but the hold comes first.
    assert held.verified_domain == "meridian-freight.example"
    assert posting.status == Posting.Status.IN_REVIEW
    dashboard = client.get(reverse("recruiters:dashboard")).content.decode()
    assert "Held for a check by staff." in dashboard
    assert "Meridian Freight, a verified employer" in dashboard
    with pytest.raises(ValidationError, match="held"):
        posting.approve(by=StaffFactory(), revision=posting.revision)


def test_a_differently_named_sign_up_is_not_held(client, mailoutbox):
    OrganisationFactory(name="Meridian Freight", is_verified=True)

    organisation = sign_up(
        client, mailoutbox, email="sam@foods.example", organisation_name="Meridian Foods"
    )

    assert not organisation.is_held


def test_staff_find_held_organisations_in_the_admin_and_release_them(client):
    meridian = OrganisationFactory(name="Meridian Freight", is_verified=True)
    held = OrganisationFactory(name="Meridlan Freight", is_verified=False, lookalike_of=meridian)
    OrganisationFactory(name="Quiet Co", is_verified=False)
    client.force_login(StaffFactory())
    changelist = reverse("admin:postings_organisation_changelist")

    html = client.get(changelist, {"held": "yes"}).content.decode()

    assert "Meridlan Freight" in html
    assert "Quiet Co" not in html
    assert '<td class="field-held">Meridian Freight</td>' in html
    client.post(changelist, {"action": "release", "_selected_action": [held.pk], "index": 0})
    held.refresh_from_db()
    assert not held.is_held


@pytest.mark.parametrize(
    ("review_unverified", "require_review", "verified", "domain", "goes_live"),
    [
        (True, False, False, "", False),
        (True, False, True, "", True),
        (True, False, False, "northwind.example", True),
        (False, False, False, "", True),
        (False, True, True, "", False),  # every posting to review, whoever posts it
        (True, True, False, "northwind.example", False),
    ],
)
def test_which_postings_wait_for_review(
    settings, review_unverified, require_review, verified, domain, goes_live
):
    settings.POSTINGS_REVIEW_UNVERIFIED = review_unverified
    settings.POSTINGS_REQUIRE_REVIEW = require_review
    posting = PostingFactory(
        draft=True, organisation__is_verified=verified, organisation__verified_domain=domain
    )

    posting.publish(by=None)

    expected = Posting.Status.PUBLISHED if goes_live else Posting.Status.IN_REVIEW
    assert Posting.objects.get(pk=posting.pk).status == expected


def test_an_unverified_organisations_edit_of_a_public_posting_waits_for_review(settings):
    settings.POSTINGS_REVIEW_UNVERIFIED = True
    posting = PostingFactory(organisation__is_verified=False, title="Operations lead")

    posting.title = "Send your bank details"
    posting.edit(by=None, fields=["title"])

    assert Posting.objects.get(pk=posting.pk).title == "Operations lead"
    assert Posting.objects.get(pk=posting.pk).change_awaits_review


def test_losing_the_owner_at_the_domain_loses_the_domain_verification():
    organisation = OrganisationFactory(is_verified=False, website="https://northwind.example")
    owner = MembershipFactory(
        organisation=organisation,
        access=Membership.Access.OWNER,
        user=UserFactory(email="sam@northwind.example"),
    )
    other = MembershipFactory(organisation=organisation, access=Membership.Access.OWNER)
    assert organisation.refresh_domain_verification()

    owner.change_access(Membership.Access.RECRUITER)

    organisation.refresh_from_db()
    assert organisation.verified_domain == ""
    assert other.is_owner


def test_an_unconfirmed_owner_does_not_verify_the_domain():
    user = UserFactory(email="sam@northwind.example", unverified=True)
    organisation = Organisation.create_with_owner(
        owner=user, name="Northwind", website="https://northwind.example"
    )
    assert organisation.verified_domain == ""

    EmailVerification.verify(user)

    organisation.refresh_from_db()
    assert organisation.verified_domain == "northwind.example"
