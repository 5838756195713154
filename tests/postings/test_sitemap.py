"""/sitemap.xml: the fixed pages, published role explainers and open postings."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from tests.factories import PostingFactory, RoleFactory

pytestmark = pytest.mark.django_db

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap(client) -> dict[str, str | None]:
    """Each URL in every section the sitemap index names, mapped to its lastmod."""
    index = client.get("/sitemap.xml")
    assert index.status_code == HTTPStatus.OK
    urls = {}
    for section in ET.fromstring(index.content).findall("sm:sitemap", NS):  # noqa: S314
        response = client.get(section.findtext("sm:loc", namespaces=NS))
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
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-roles.xml",
        "http://testserver/sitemap-postings.xml",
    ]


def test_sitemap_lists_home_role_directory_and_job_search(client):
    urls = sitemap(client)

    for path in ("/", "/roles/", "/jobs/"):
        assert f"http://testserver{path}" in urls


def test_sitemap_lists_published_roles_with_their_last_change(client):
    role = RoleFactory(title="Chief Operating Officer")
    RoleFactory(title="Hidden Role", is_published=False)

    urls = sitemap(client)

    url = "http://testserver/roles/chief-operating-officer/"
    assert urls[url] == role.updated_at.date().isoformat()
    assert "http://testserver/roles/hidden-role/" not in urls


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

    open_url = f"http://testserver{open_posting.get_absolute_url()}"
    assert urls[open_url] == open_posting.updated_at.date().isoformat()
    for posting in hidden:
        assert f"http://testserver{posting.get_absolute_url()}" not in urls


def test_sitemap_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    """Guards against a query per posting or role (each URL's lastmod comes from its row),
    and against the index loading every row to find the newest. The whole tour: the index
    counts and dates the roles and postings sections (4), then each section counts and lists
    its rows (2 + 2; the fixed pages need none)."""
    PostingFactory.create_batch(30)

    with django_assert_max_num_queries(8):
        urls = sitemap(client)

    assert sum("/jobs/posting-" in url for url in urls) == 30


@pytest.mark.parametrize("path", ["/sitemap.xml", "/sitemap-postings.xml"])
def test_sitemap_answers_get_and_head_only(client, path):
    assert client.head(path).status_code == HTTPStatus.OK
    assert client.post(path).status_code == HTTPStatus.METHOD_NOT_ALLOWED
