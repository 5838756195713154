"""Search landing pages: which searches search engines may keep, their one canonical
address, the sitemap's list of them, and the feeds each search offers."""

import re
from html import unescape
from http import HTTPStatus

import feedparser
import pytest

from postings import facets, landing
from tests.factories import PostingFactory, RoleFactory
from tests.helpers import JOBS, get_page

pytestmark = pytest.mark.django_db

ROBOTS = re.compile(r'<meta name="robots" content="([^"]*)">')
CANONICAL = re.compile(r'<link rel="canonical" href="([^"]*)">')
ALTERNATE = re.compile(r'<link rel="alternate" type="([^"]*)" title="([^"]*)" href="([^"]*)">')


def robots(html: str) -> str:
    found = ROBOTS.search(html)
    return found[1] if found else ""


def canonical(html: str) -> str:
    return unescape(CANONICAL.search(html)[1])


@pytest.fixture
def coo():
    return RoleFactory(title="Chief Operating Officer", abbreviation="COO")


@pytest.mark.parametrize(
    "params",
    [
        {"role": "chief-operating-officer"},
        {"country": "GB"},
        {"workplace": "on_site"},
        {"location": "Manchester"},
    ],
)
def test_a_single_filter_page_with_five_open_jobs_is_indexed(client, coo, params):
    PostingFactory.create_batch(5, role=coo, city="Manchester", country="GB")

    html = get_page(client, JOBS, params)

    assert robots(html) == ""


@pytest.mark.parametrize(
    "params",
    [
        {"role": "chief-operating-officer"},
        {"country": "GB"},
        {"workplace": "on_site"},
        {"location": "Manchester"},
    ],
)
def test_a_single_filter_page_with_fewer_than_five_open_jobs_is_not_indexed(client, coo, params):
    PostingFactory.create_batch(4, role=coo, city="Manchester", country="GB")
    PostingFactory(role=coo, city="Manchester", country="GB", closed=True)

    html = get_page(client, JOBS, params)

    assert robots(html) == "noindex, follow"


@pytest.mark.parametrize(
    "params",
    [{"location": "Atlantis"}, {"country": "QQ"}, {"role": "founder"}],
)
def test_an_unknown_place_or_a_role_without_jobs_is_not_indexed(client, coo, params):
    RoleFactory(title="Founder")
    PostingFactory.create_batch(5, role=coo)

    response = client.get(JOBS, params)

    assert response.status_code == HTTPStatus.OK
    assert robots(response.content.decode()) == "noindex, follow"


def test_a_location_typed_in_any_case_has_one_canonical_address(client, coo):
    PostingFactory.create_batch(5, role=coo, city="London", country="GB")

    canonicals = {
        canonical(get_page(client, JOBS, {"location": spelling}))
        for spelling in ("LONDON", "london", "London", " london ")
    }

    assert canonicals == {"http://testserver/jobs/?location=London"}


def test_a_location_unknown_to_the_site_is_not_indexed_whatever_its_jobs(client, coo):
    PostingFactory.create_batch(6, role=coo, city="Qwertyville", country="GB")

    html = get_page(client, JOBS, {"location": "Qwertyville"})

    assert "Qwertyville" in html  # the jobs are found
    assert robots(html) == "noindex, follow"


def test_a_search_page_links_its_own_rss_and_atom_feeds(client, coo):
    PostingFactory.create_batch(2, role=coo, workplace="remote", remote_countries="")
    PostingFactory(role=coo, title="On-site COO", workplace="on_site")

    html = get_page(client, JOBS, {"q": "remote", "role": coo.slug, "page": "1"})

    alternates = {kind: (title, unescape(href)) for kind, title, href in ALTERNATE.findall(html)}
    rss_title, rss = alternates["application/rss+xml"]
    atom_title, atom = alternates["application/atom+xml"]
    # The feeds of the search as understood: its filter form, no page.
    assert rss == "/jobs/feed/rss/?role=chief-operating-officer&workplace=remote"
    assert atom == "/jobs/feed/atom/?role=chief-operating-officer&workplace=remote"
    assert rss_title == "Remote Chief Operating Officer jobs (RSS)"
    assert atom_title == "Remote Chief Operating Officer jobs (Atom)"
    assert "Follow this search in a feed reader" in html
    assert f'<a href="{rss.replace("&", "&amp;")}" type="application/rss+xml">RSS</a>' in html
    for url in (rss, atom):
        feed = feedparser.parse(client.get(url).content)
        assert not feed.bozo
        assert len(feed.entries) == 2


def test_the_plain_search_page_links_the_feeds_of_every_job(client):
    html = get_page(client, JOBS)

    hrefs = {href for _, _, href in ALTERNATE.findall(html)}
    assert hrefs == {"/jobs/feed/rss/", "/jobs/feed/atom/"}


def test_the_sitemap_counts_an_estimate_only_when_it_is_surely_five_or_more():
    exact = facets.Tally(total=10)
    estimated = facets.Tally(estimated=True, population=1_000_000)
    scale = facets.SAMPLE_BUCKETS / facets.sample_buckets(1_000_000)

    assert landing.surely_at_least(exact, 5)
    assert not landing.surely_at_least(exact, 4)
    # One sampled posting stands for hundreds, and for none as well.
    assert not landing.surely_at_least(estimated, round(scale))
    assert landing.surely_at_least(estimated, round(20 * scale))
