"""/recruiters/ for a visitor who is not signed in: what employers get, public and cached;
for a signed-in recruiter: the dashboard. And the brand and the signed-in header."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

RECRUITERS = "/recruiters/"


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300


def test_an_anonymous_visitor_reads_what_employers_get_with_a_sign_up_button(client):
    response = client.get(RECRUITERS)

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    for offer in (
        "Post from a role template",
        "A checklist before you publish",
        "A verified badge",
        "Feeds to aggregators",
    ):
        assert offer in html
    assert (
        f'<a class="button" href="{reverse("signup")}?as=recruiter">Sign up as a recruiter</a>'
        in html
    )
    assert 'name="robots"' not in html
    assert '<link rel="canonical" href="http://testserver/recruiters/">' in html
    assert "public" in response["Cache-Control"]


def test_the_cached_employers_page_never_reaches_a_signed_in_recruiter_nor_the_reverse():
    anonymous, recruiter = Client(), Client()
    membership = MembershipFactory(organisation__name="Northwind Freight")
    recruiter.force_login(membership.user)

    first = anonymous.get(RECRUITERS).content.decode()  # stored in the page cache
    dashboard = recruiter.get(RECRUITERS)
    again = anonymous.get(RECRUITERS).content.decode()

    assert "Hire for roles people understand" in first
    assert dashboard.status_code == HTTPStatus.OK
    assert "Northwind Freight" in dashboard.content.decode()
    assert "Hire for roles people understand" not in dashboard.content.decode()
    assert "private" in dashboard["Cache-Control"]
    assert "Northwind Freight" not in again
    assert "Signed in as" not in again


def test_robots_allow_the_employers_page_and_still_disallow_the_pages_below_it(client):
    lines = client.get("/robots.txt").content.decode().splitlines()

    assert "Allow: /recruiters/$" in lines
    assert "Disallow: /recruiters/" in lines


def test_the_sitemap_lists_the_employers_page(client):
    pages = client.get("/sitemap-pages.xml").content.decode()

    assert "<loc>http://testserver/recruiters/</loc>" in pages


def test_the_header_shows_the_signed_in_person_their_pages_and_log_out(client):
    user = UserFactory(username="ada@example.com", first_name="Ada", last_name="Lovelace")
    client.force_login(user)

    html = client.get("/jobs/").content.decode()

    assert "Signed in as Ada" in html
    assert f'href="{reverse("seekers:my_jobs")}">My jobs</a>' in html
    assert f'href="{reverse("recruiters:dashboard")}">For recruiters</a>' in html
    assert f'method="post" action="{reverse("logout")}">' in html


def test_an_anonymous_visitors_cached_pages_name_nobody():
    signed_in, anonymous = Client(), Client()
    signed_in.force_login(UserFactory(first_name="Ada", last_name="Lovelace"))

    signed_in.get("/jobs/")
    html = anonymous.get("/jobs/").content.decode()
    again = anonymous.get("/jobs/").content.decode()

    assert "Lovelace" not in html
    assert "Signed in as" not in again
    assert "csrfmiddlewaretoken" not in again


@pytest.mark.parametrize("host", ["localhost:8000", "127.0.0.1:9999"])
def test_login_and_logout_pages_carry_the_brand_not_the_host(client, host, settings):
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]

    login = client.get(reverse("login"), HTTP_HOST=host).content.decode()
    client.force_login(UserFactory())
    logout = client.post(reverse("logout"), HTTP_HOST=host, follow=False)

    assert "<title>Log in · Rolewise</title>" in login
    assert host not in login
    if logout.status_code == HTTPStatus.OK:
        assert host not in logout.content.decode()
