"""/sitemap.xml: the fixed pages, published role explainers, open postings and company
pages."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jobsite import sitemaps
from tests.factories import OrganisationFactory, PostingFactory, RoleFactory

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
ORIGIN = "https://jobs.example.com"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = ORIGIN


def sitemap(client) -> dict[str, str | None]:
    """Each URL in every section the sitemap index names, mapped to its lastmod."""
    index = client.get("/sitemap.xml")
    assert index.status_code == HTTPStatus.OK
    urls = {}
    for section in ET.fromstring(index.content).findall("sm:sitemap", NS):  # noqa: S314
        response = client.get(section.findtext("sm:loc", namespaces=NS).removeprefix(ORIGIN))
        assert response.status_code == HTTPStatus.OK
        root = ET.fromstring(response.content)  # noqa: S314 - the site's own output, under test
        urls.update(
            {
                url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS)
                for url in root.findall("sm:url", NS)
            }
        )
    return urls


def test_sitemap_is_an_index_of_its_sections(client):
    response = client.get("/sitemap.xml")

    root = ET.fromstring(response.content)  # noqa: S314 - the site's own output, under test
    assert [loc.text for loc in root.iterfind("sm:sitemap/sm:loc", NS)] == [
        f"{ORIGIN}/sitemap-pages.xml",
        f"{ORIGIN}/sitemap-roles.xml",
        f"{ORIGIN}/sitemap-postings.xml",
        f"{ORIGIN}/sitemap-companies.xml",
    ]


def test_sitemap_lists_home_role_directory_and_job_search(client):
    urls = sitemap(client)

    for path in ("/", "/roles/", "/jobs/"):
        assert f"{ORIGIN}{path}" in urls


def test_sitemap_lists_published_roles_with_their_last_change(client):
    role = RoleFactory(title="Chief Operating Officer")
    RoleFactory(title="Hidden Role", is_published=False)

    urls = sitemap(client)

    url = f"{ORIGIN}/roles/chief-operating-officer/"
    assert urls[url] == role.updated_at.date().isoformat()
    assert f"{ORIGIN}/roles/hidden-role/" not in urls


def test_sitemap_lists_open_postings_and_leaves_out_the_rest(client):
    open_posting = PostingFactory()
    hidden = [
        PostingFactory(draft=True),
        PostingFactory(status="in_review", published_at=None),
        PostingFactory(expired=True),
        PostingFactory(closed=True),
        PostingFactory(organisation__is_suspended=True),
        PostingFactory(published_at=timezone.now() + timedelta(days=1)),
    ]

    urls = sitemap(client)

    open_url = f"{ORIGIN}{open_posting.get_absolute_url()}"
    assert urls[open_url] == open_posting.updated_at.date().isoformat()
    for posting in hidden:
        assert f"{ORIGIN}{posting.get_absolute_url()}" not in urls


def test_sitemap_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    """Guards against a query per posting, role or company (each URL's lastmod comes from
    its row), and against the index loading every row. The whole tour: the index reads the
    highest role, posting and organisation ids (3), then each section checks its page and
    lists its rows (2 + 2 + 2; the fixed pages need none)."""
    PostingFactory.create_batch(30)

    with django_assert_max_num_queries(9):
        urls = sitemap(client)

    assert sum("/jobs/posting-" in url for url in urls) == 30
    assert sum("/companies/acme-" in url for url in urls) == 30


def test_sitemap_lists_the_company_pages_the_public_may_see(client):
    listed = [
        OrganisationFactory(name="Verified Freight"),
        PostingFactory(
            organisation__name="Posted Foods", organisation__is_verified=False
        ).organisation,
    ]
    hidden = [
        OrganisationFactory(name="Quiet Signup", is_verified=False),
        OrganisationFactory(name="Suspended Freight", is_suspended=True),
        OrganisationFactory(name="Verifled Freight", is_verified=False, lookalike_of=listed[0]),
    ]

    urls = sitemap(client)

    assert f"{ORIGIN}/companies/" in urls
    for organisation in listed:
        url = f"{ORIGIN}/companies/{organisation.slug}/"
        assert urls[url] == organisation.updated_at.date().isoformat()
    for organisation in hidden:
        assert f"{ORIGIN}/companies/{organisation.slug}/" not in urls


@pytest.mark.parametrize("path", ["/sitemap.xml", "/sitemap-postings.xml"])
def test_sitemap_answers_get_and_head_only(client, path):
    assert client.head(path).status_code == HTTPStatus.OK
    assert client.post(path).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_the_sitemap_urls_come_from_the_site_url_not_the_host_header(settings):
    settings.ALLOWED_HOSTS = ["elsewhere.example", "testserver"]
    posting = PostingFactory()
    client = Client(HTTP_HOST="elsewhere.example")

    index = client.get("/sitemap.xml").content.decode()
    urls = sitemap(client)

    assert "elsewhere.example" not in index
    assert f"{ORIGIN}{posting.get_absolute_url()}" in urls
    assert all(url.startswith(f"{ORIGIN}/") for url in urls)


def test_the_postings_section_is_split_into_files_of_at_most_the_limit(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "URLS_PER_FILE", 2)
    postings = PostingFactory.create_batch(5)

    index = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314
    files = [
        loc.text.removeprefix(ORIGIN)
        for loc in index.iterfind("sm:sitemap/sm:loc", NS)
        if "postings" in loc.text
    ]
    listed = []
    for path in files:
        root = ET.fromstring(client.get(path).content)  # noqa: S314
        urls = [loc.text for loc in root.iterfind("sm:url/sm:loc", NS)]
        assert len(urls) <= 2
        listed += urls

    assert len(files) == -(-postings[-1].pk // 2)  # one file per two ids up to the highest
    assert sorted(listed) == sorted(f"{ORIGIN}{p.get_absolute_url()}" for p in postings)


def test_a_deep_sitemap_file_is_read_by_id_range_not_by_skipping_rows(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "URLS_PER_FILE", 2)
    postings = PostingFactory.create_batch(6)
    last_file = -(-postings[-1].pk // 2)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/sitemap-postings.xml", {"p": last_file})

    assert response.status_code == HTTPStatus.OK
    assert postings[-1].get_absolute_url() in response.content.decode()
    assert not any("OFFSET" in query["sql"].upper() for query in queries.captured_queries)


@pytest.mark.parametrize("page", ["0", "-1", "abc", "٣", "99999999999", "2"])
def test_a_sitemap_page_that_does_not_exist_is_not_found(client, page):
    PostingFactory()

    assert client.get("/sitemap-postings.xml", {"p": page}).status_code == HTTPStatus.NOT_FOUND


def test_an_unknown_sitemap_section_is_not_found(client):
    assert client.get("/sitemap-nothing.xml").status_code == HTTPStatus.NOT_FOUND
