"""/sitemap.xml: the fixed pages, the search landing pages, published role explainers, open
postings and company pages."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import parse_http_date

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


def index_locations(client) -> list[str]:
    root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - under test
    return [loc.text for loc in root.iterfind("sm:sitemap/sm:loc", NS)]


def test_sitemap_is_an_index_of_its_sections(client):
    PostingFactory.create_batch(5, role=RoleFactory(title="Chief Operating Officer"))

    assert index_locations(client) == [
        f"{ORIGIN}/sitemap-pages.xml",
        f"{ORIGIN}/sitemap-searches.xml",
        f"{ORIGIN}/sitemap-roles.xml",
        f"{ORIGIN}/sitemap-postings.xml",
        f"{ORIGIN}/sitemap-companies.xml",
    ]


def test_the_index_leaves_out_sections_with_nothing_to_list(client):
    # The sitemap schema wants a URL in every file: an empty one would fail validation.
    assert index_locations(client) == [f"{ORIGIN}/sitemap-pages.xml"]


def test_sitemap_lists_home_role_directory_and_job_search(client):
    urls = sitemap(client)

    for path in ("/", "/roles/", "/jobs/"):
        assert f"{ORIGIN}{path}" in urls


def test_sitemap_lists_published_roles_without_a_lastmod_as_their_pages_send_none(client):
    role = RoleFactory(title="Chief Operating Officer")
    RoleFactory(title="Hidden Role", is_published=False)

    urls = sitemap(client)

    url = f"{ORIGIN}/roles/chief-operating-officer/"
    assert url in urls
    assert urls[url] is None
    assert "Last-Modified" not in client.get(role.get_absolute_url())
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
    assert open_url in urls
    for posting in hidden:
        assert f"{ORIGIN}{posting.get_absolute_url()}" not in urls


def test_sitemap_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    """Guards against a query per posting, role, file or company (each URL's lastmod comes
    from its row, each table's files are probed in one query), against a query per landing
    page, and against the index loading every row. The whole tour: the index reads the
    highest role, posting and organisation ids and probes their files (3 + 3) and counts the
    open jobs as /jobs/ does (4: the stored counts, none of so few postings, then highest id,
    groups, role names); then the roles, postings and companies sections check their page
    and list their rows (2 + 2 + 2); the searches reuse the counts, the fixed pages need
    none."""
    PostingFactory.create_batch(30)

    with django_assert_max_num_queries(16):
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
        # No lastmod: the page lists open jobs, which change without the organisation.
        assert urls[f"{ORIGIN}/companies/{organisation.slug}/"] is None
    for organisation in hidden:
        assert f"{ORIGIN}/companies/{organisation.slug}/" not in urls


def test_a_postings_lastmod_is_its_pages_last_modified_to_the_second(client):
    posting = PostingFactory()

    lastmod = sitemap(client)[f"{ORIGIN}{posting.get_absolute_url()}"]
    header = client.get(posting.get_absolute_url())["Last-Modified"]

    assert datetime.fromisoformat(lastmod).timestamp() == parse_http_date(header)


@pytest.mark.parametrize("edited", ["organisation", "role"])
def test_a_postings_lastmod_moves_with_an_edit_to_its_organisation_or_role(client, edited):
    posting = PostingFactory(
        organisation=OrganisationFactory(), role=RoleFactory(title="General Manager")
    )
    before = sitemap(client)[f"{ORIGIN}{posting.get_absolute_url()}"]
    later = timezone.now() + timedelta(minutes=5)
    type(getattr(posting, edited)).objects.filter(pk=getattr(posting, edited).pk).update(
        updated_at=later
    )

    lastmod = sitemap(client)[f"{ORIGIN}{posting.get_absolute_url()}"]
    header = client.get(posting.get_absolute_url())["Last-Modified"]

    assert lastmod != before
    assert datetime.fromisoformat(lastmod) == later.replace(microsecond=0)
    assert datetime.fromisoformat(lastmod).timestamp() == parse_http_date(header)


def test_a_postings_file_whose_postings_have_all_closed_is_left_out_of_the_index(
    client, monkeypatch
):
    monkeypatch.setattr(sitemaps, "URLS_PER_FILE", 2)
    # Three ids in a row: two of them share a file of two ids, whichever they are.
    closed = PostingFactory.create_batch(3, closed=True)
    open_posting = PostingFactory()
    open_file = -(-open_posting.pk // 2)

    files = [loc for loc in index_locations(client) if "postings" in loc]

    suffix = f"?p={open_file}" if open_file > 1 else ""
    assert files == [f"{ORIGIN}/sitemap-postings.xml{suffix}"]
    assert {-(-posting.pk // 2) for posting in closed} - {open_file}


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

    # One file per two ids up to the highest, those that hold an open posting.
    assert len(files) == len({-(-posting.pk // 2) for posting in postings})
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


def test_the_searches_section_lists_single_filter_pages_with_five_open_jobs(client):
    coo = RoleFactory(title="Chief Operating Officer")
    few = RoleFactory(title="Founder")
    PostingFactory.create_batch(5, role=coo, country="DE", workplace="hybrid")
    PostingFactory.create_batch(4, role=few, country="FR", workplace="remote")
    PostingFactory.create_batch(3, role=few, country="FR", closed=True)

    urls = sitemap(client)

    listed = sorted(url for url in urls if "/jobs/?" in url)
    assert listed == [
        f"{ORIGIN}/jobs/?country=DE",
        f"{ORIGIN}/jobs/?role=chief-operating-officer",
        f"{ORIGIN}/jobs/?workplace=hybrid",
    ]
    assert all(urls[url] is None for url in listed)


def test_every_listed_search_is_its_own_canonical_address_and_may_be_indexed(client):
    PostingFactory.create_batch(5, role=RoleFactory(title="Chief Operating Officer"))

    listed = [url for url in sitemap(client) if "/jobs/?" in url]

    assert listed
    for url in listed:
        html = client.get(url.removeprefix(ORIGIN)).content.decode()
        assert f'<link rel="canonical" href="{url}">' in html
        assert 'name="robots"' not in html
