"""No query string makes a public page fail: property-based tests over every public URL."""

from http import HTTPStatus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import (
    CareerStepFactory,
    PostingFactory,
    ReportingLineFactory,
    ResponsibilityFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

SEARCH_KEYS = [
    "q",
    "role",
    "location",
    "country",
    "employment_type",
    "workplace",
    "salary_min",
    "currency",
    "posted_within",
    "sort",
    "page",
    "function",
    "level",
]

hostile_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    st.sampled_from(
        [
            "\x00",
            "abc\x00def",
            "-1",
            "0",
            "99999999999999999999999",
            "1e9",
            "NaN",
            "inf",
            "-0.0",
            "' OR 1=1 --",
            '"',
            "*",
            "NEAR(",
            "AND OR NOT",
            "<script>alert(1)</script>",
            "%",
            "COO",
            "x" * 10_000,
        ]
    ),
)
query_strings = st.lists(
    st.tuples(st.one_of(st.sampled_from(SEARCH_KEYS), st.text(max_size=10)), hostile_text),
    max_size=6,
)


@pytest.fixture
def public_urls(db):
    coo = RoleFactory(title="Chief Operating Officer", abbreviation="COO")
    ceo = RoleFactory(title="Chief Executive Officer", abbreviation="CEO")
    ReportingLineFactory(role=coo, manager=ceo)
    CareerStepFactory(from_role=coo, to_role=ceo)
    ResponsibilityFactory(role=coo)
    posting = PostingFactory(role=coo)
    return [
        "/",
        "/roles/",
        coo.get_absolute_url(),
        f"/roles/compare/{coo.slug}-vs-{ceo.slug}/",
        "/jobs/",
        posting.get_absolute_url(),
        "/jobs/feed/rss/",
        "/jobs/feed/atom/",
        "/jobs/feed.xml",
        "/sitemap.xml",
        "/robots.txt",
    ]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), query=query_strings)
def test_no_query_string_makes_a_public_page_fail(client, public_urls, data, query):
    url = data.draw(st.sampled_from(public_urls))

    response = client.get(url, query)

    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, (url, query)
    assert response.status_code in {
        HTTPStatus.OK,
        HTTPStatus.MOVED_PERMANENTLY,
        HTTPStatus.FOUND,
        HTTPStatus.BAD_REQUEST,
        HTTPStatus.NOT_FOUND,
    }, (url, query, response.status_code)
    assert b"Traceback" not in response.content


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(slug=st.text(max_size=300))
def test_no_slug_makes_a_detail_page_fail(client, slug):
    for prefix in ("/roles/", "/jobs/", "/roles/compare/"):
        response = client.get(prefix + slug.replace("/", "") + "/")

        assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, (prefix, slug)
