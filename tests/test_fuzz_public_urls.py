"""No query string makes a public page fail: property-based tests over every public URL."""

from http import HTTPStatus
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from postings.filters import PostingFilter
from postings.models import Membership
from postings.understanding import FILTER_WORDS
from roles.filters import RoleFilter
from tests.factories import (
    CareerStepFactory,
    MembershipFactory,
    PostingFactory,
    ReportingLineFactory,
    ResponsibilityFactory,
    RoleFactory,
)
from tests.helpers import fuzzing, response_body

pytestmark = pytest.mark.django_db

# Every parameter the job search and the role directory read, and the page number.
SEARCH_KEYS = [*PostingFilter.base_filters, "page", *RoleFilter.base_filters]

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
            "usd",
            "AED",
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
        "/sitemap-postings.xml",
        "/sitemap-roles.xml",
        "/robots.txt",
        "/healthz",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password_reset/",
    ]


@fuzzing(examples=40)
@given(data=st.data(), query=query_strings)
def test_no_query_string_makes_a_public_page_fail(client, public_urls, data, query):
    url = data.draw(st.sampled_from(public_urls))

    response = client.get(url, query)

    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, (url, query)
    assert response.status_code in {
        HTTPStatus.OK,
        HTTPStatus.MOVED_PERMANENTLY,
        HTTPStatus.FOUND,
        HTTPStatus.NOT_MODIFIED,
        HTTPStatus.BAD_REQUEST,
        HTTPStatus.NOT_FOUND,
    }, (url, query, response.status_code)
    assert b"Traceback" not in response_body(response)


# Keywords as the search reads them (shorthand, misspellings, workplace, job-type and place
# words, postings/understanding.py), in any order, with the syntax around them.
keyword_pieces = st.one_of(
    st.sampled_from(
        [
            *(word for words in FILTER_WORDS.values() for word in words),
            "full-time",
            "on-site",
            "London",
            "london,",
            "Georgia",
            "München",
            "NYC",
            "Boston,",
            "MA",
            "Bavaria",
            "Germany",
            "UK",
            "Reading",
            "officer",
            "COO",
            "vp",
            "ops",
            "head of",
            "opperations",
            "lodnon",
            '"remote',
            '"',
            "-remote",
            "or",
            "OR",
            "-",
            ",",
            "é",
            "ß",
        ]
    ),
    st.text(max_size=8),
)


@fuzzing(examples=40)
@given(words=st.lists(keyword_pieces, max_size=8), query=query_strings)
def test_no_keywords_make_the_search_or_its_feed_fail(client, places, words, query):
    for url in ("/jobs/", "/jobs/feed/rss/"):
        response = client.get(url, [("q", " ".join(words)), *query])

        assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, (url, words, query)
        assert b"Traceback" not in response.content


@pytest.fixture
def places(db):
    """Postings in places the keywords name, so that the vocabulary knows them."""
    for city, region, country in [
        ("London", "England", "GB"),
        ("Atlanta", "Georgia", "US"),
        ("Tbilisi", "Tbilisi", "GE"),
        ("München", "Bayern", "DE"),
        ("New York", "NY", "US"),
        ("Boston", "MA", "US"),
    ]:
        PostingFactory(city=city, region=region, country=country)


@fuzzing(examples=30)
@given(slug=st.text(max_size=300))
def test_no_slug_makes_a_detail_page_fail(client, slug):
    for prefix in ("/roles/", "/jobs/", "/roles/compare/"):
        response = client.get(prefix + slug.replace("/", "") + "/")

        assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, (prefix, slug)


# Query strings as they arrive on the wire: broken percent-escapes, bytes that are not UTF-8,
# separators with nothing between them.
raw_pieces = st.one_of(
    st.binary(max_size=12).map(lambda raw: "".join(f"%{byte:02X}" for byte in raw)),
    st.sampled_from(
        ["%", "%zz", "%ff", "%c0%80", "%ed%a0%80", "&", "&&", "=", "==", ";", "+", "#"]
    ),
    st.sampled_from(SEARCH_KEYS).map(lambda key: key + "="),
    st.text(alphabet="abc=&%+;", max_size=8),
)


@fuzzing(examples=40)
@given(data=st.data(), pieces=st.lists(raw_pieces, max_size=8))
def test_no_raw_query_string_makes_a_public_page_fail(client, public_urls, data, pieces):
    url = data.draw(st.sampled_from(public_urls))
    raw = "".join(pieces)

    response = client.get(f"{url}?{raw}")

    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, (url, raw)
    assert b"Traceback" not in response_body(response)


@fuzzing(examples=20)
@given(token=st.one_of(st.text(max_size=120), st.sampled_from(["1:abc:def", "1", ":::", "%00"])))
def test_no_invitation_link_makes_the_page_fail(client, token):
    response = client.get(f"/accounts/invitations/{quote(token, safe='')}/")

    assert response.status_code in (HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND), token


@fuzzing(examples=30)
@given(data=st.data(), query=query_strings)
def test_no_query_string_makes_a_recruiter_page_fail(client, public_urls, data, query):
    membership = MembershipFactory(access=Membership.Access.OWNER)
    posting = PostingFactory(organisation=membership.organisation)
    client.force_login(membership.user)
    url = data.draw(
        st.sampled_from(
            [
                "/recruiters/",
                "/recruiters/postings/new/",
                "/recruiters/invitations/",
                f"/recruiters/postings/{posting.pk}/",
                f"/recruiters/postings/{posting.pk}/preview/",
            ]
        )
    )

    response = client.get(url, query)

    assert response.status_code == HTTPStatus.OK, (url, query, response.status_code)


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_a_public_page_answers_other_methods_with_405(client, public_urls, method):
    for url in public_urls:
        if url.startswith(("/accounts/", "/sitemap")):
            # Forms take POST; the sitemaps are Django's own views, which answer any method.
            continue
        response = getattr(client, method)(url)

        assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED, (method, url)
