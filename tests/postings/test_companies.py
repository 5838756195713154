"""The employers' public pages: /companies/ and /companies/<slug>/."""

import io
import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from postings import logos
from postings.models import Organisation
from tests.factories import MembershipFactory, OrganisationFactory, PostingFactory
from tests.helpers import get_page, image_bytes, json_ld_of_type

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("companies:company_list")


@pytest.fixture
def meridian():
    organisation = OrganisationFactory(
        name="Meridian Freight",
        website="https://meridian.example",
        description="We move **goods** across Europe.\n\n<script>alert(1)</script>",
        industry="Freight and logistics",
        size="201-1000",
        headquarters="Rotterdam, Netherlands",
    )
    organisation.set_logo(logos.store(io.BytesIO(image_bytes())))
    return organisation


def test_a_company_page_says_who_the_employer_is_and_lists_its_open_jobs(client, meridian):
    PostingFactory(organisation=meridian, title="Head of Operations")
    PostingFactory(organisation=meridian, title="Closed role", closed=True)
    PostingFactory(organisation=meridian, title="Draft role", draft=True)

    html = get_page(client, meridian.get_absolute_url())

    assert "Meridian Freight</h1>" in html
    assert "<strong>goods</strong>" in html
    assert "<script>alert" not in html
    assert "Freight and logistics" in html
    assert "201–1,000 people" in html
    assert "Rotterdam, Netherlands" in html
    assert '<a href="https://meridian.example" rel="nofollow noopener">' in html
    assert "<strong>Verified employer.</strong>" in html
    assert f'src="/media/logos/{meridian.logo_digest}-192.png"' in html
    assert "Head of Operations" in html
    assert "Closed role" not in html
    assert "Draft role" not in html


def test_a_company_page_carries_organization_data(client, meridian):
    data = json_ld_of_type(get_page(client, meridian.get_absolute_url()), "Organization")

    assert data["name"] == "Meridian Freight"
    assert data["@id"] == "http://testserver/companies/meridian-freight/#organization"
    assert data["url"] == "https://meridian.example"
    assert data["logo"] == f"http://testserver/media/logos/{meridian.logo_digest}-512.png"
    assert data["numberOfEmployees"] == {
        "@type": "QuantitativeValue",
        "minValue": 201,
        "maxValue": 1000,
    }
    assert data["description"].startswith("We move goods across Europe.")
    assert "<" not in data["description"]


def test_a_posting_links_its_employer_page_and_names_its_logo(client, meridian):
    posting = PostingFactory(organisation=meridian)

    html = get_page(client, posting.get_absolute_url())

    assert '<a href="/companies/meridian-freight/">Meridian Freight</a>' in html
    assert f'src="/media/logos/{meridian.logo_digest}-192.png"' in html
    job = json_ld_of_type(html, "JobPosting")
    assert job["hiringOrganization"]["logo"] == (
        f"http://testserver/media/logos/{meridian.logo_digest}-512.png"
    )
    listing = get_page(client, reverse("postings:posting_list"))
    assert f'src="/media/logos/{meridian.logo_digest}-80.png"' in listing
    assert '<a href="/companies/meridian-freight/">Meridian Freight</a>' in listing


def test_the_logo_is_offered_for_link_previews(client, meridian):
    posting = PostingFactory(organisation=meridian)
    expected = f"http://testserver/media/logos/{meridian.logo_digest}-512.png"

    company = client.get(meridian.get_absolute_url())
    job = client.get(posting.get_absolute_url())

    assert company.context["og_image"] == expected
    assert job.context["og_image"] == expected


@pytest.mark.parametrize(
    "hidden",
    [
        {"is_suspended": True},
        {"is_verified": False},  # a sign-up that never had a posting public
    ],
)
def test_an_organisation_without_a_public_page_is_a_404(client, hidden):
    organisation = OrganisationFactory(**hidden)

    assert client.get(organisation.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert organisation.name not in get_page(client, DIRECTORY)


def test_a_held_lookalike_has_no_page_even_after_staff_approved_nothing(client, meridian):
    held = OrganisationFactory(name="Meridlan Freight", is_verified=False, lookalike_of=meridian)
    PostingFactory(organisation=held, status="in_review", published_at=None)

    assert client.get(held.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert "Meridlan" not in get_page(client, DIRECTORY)


def test_an_unverified_employer_whose_posting_was_approved_has_a_page(client):
    posting = PostingFactory(organisation__name="Quayside Hotels", organisation__is_verified=False)

    html = get_page(client, posting.organisation.get_absolute_url())

    assert "<strong>Not verified.</strong>" in html


def test_the_directory_lists_employers_by_name_with_open_job_counts(client, meridian):
    other = OrganisationFactory(name="Acme Hotels")
    PostingFactory.create_batch(2, organisation=meridian)
    PostingFactory(organisation=meridian, expired=True)

    html = get_page(client, DIRECTORY)

    names = re.findall(r'<h2 class="company-list__name"><a href="[^"]+">([^<]+)</a>', html)
    assert names == ["Acme Hotels", "Meridian Freight"]
    assert "2 open jobs" in html
    assert "No open jobs" in html
    assert other.get_absolute_url() in html


def test_the_directory_pages_and_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries
):
    """Guards the N+1 of counting each employer's open jobs: one subquery in the page's
    query, not a query per employer. Count and page: 2."""
    for number in range(3):
        PostingFactory(organisation=OrganisationFactory(name=f"Employer {number:03}"))
    with django_assert_max_num_queries(2):
        get_page(client, DIRECTORY)
    for number in range(3, 60):
        PostingFactory(organisation=OrganisationFactory(name=f"Employer {number:03}"))
    with django_assert_max_num_queries(2):
        first = get_page(client, DIRECTORY)
    second = get_page(client, DIRECTORY, {"page": "2"})
    assert first.count('class="company-list__item"') == 50
    assert second.count('class="company-list__item"') == 10
    assert 'content="noindex, follow"' in second


def test_a_company_page_runs_a_fixed_number_of_queries(
    client, meridian, django_assert_max_num_queries
):
    """Guards the N+1 of each job's organisation (joined). Organisation, count, page: 3."""
    PostingFactory(organisation=meridian)
    with django_assert_max_num_queries(3):
        get_page(client, meridian.get_absolute_url())
    PostingFactory.create_batch(25, organisation=meridian)
    with django_assert_max_num_queries(3):
        html = get_page(client, meridian.get_absolute_url())
    assert html.count('class="result"') == 20


@pytest.mark.parametrize(
    "query", ["page=999", "page=-1", "page=abc", "page=%00", "page=" + "9" * 400, "x=1"]
)
def test_no_query_string_makes_a_company_page_fail(client, meridian, query):
    assert client.get(f"{meridian.get_absolute_url()}?{query}").status_code == HTTPStatus.OK
    assert client.get(f"{DIRECTORY}?{query}").status_code == HTTPStatus.OK


def test_an_edit_to_the_organisation_shows_on_its_cached_pages_at_once(client, meridian):
    posting = PostingFactory(organisation=meridian)
    get_page(client, meridian.get_absolute_url())
    get_page(client, DIRECTORY)
    get_page(client, posting.get_absolute_url())

    Organisation.objects.filter(pk=meridian.pk).update(name="Meridian Group")

    assert "Meridian Group" in get_page(client, meridian.get_absolute_url())
    assert "Meridian Group" in get_page(client, DIRECTORY)
    assert "Meridian Group" in get_page(client, posting.get_absolute_url())


def test_company_pages_are_cached_whole_and_hold_nothing_of_the_visitor(client, meridian):
    member = MembershipFactory(organisation=meridian, user__first_name="Zebedee")
    client.force_login(member.user)
    personal = client.get(meridian.get_absolute_url())
    client.logout()

    first = client.get(meridian.get_absolute_url())
    second = client.get(meridian.get_absolute_url())

    assert "public" in first["Cache-Control"]
    assert first["ETag"] == second["ETag"]
    assert "csrfmiddlewaretoken" not in first.content.decode()
    assert "Zebedee" not in first.content.decode()
    assert "private" in personal["Cache-Control"]
