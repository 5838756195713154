"""RSS and Atom feeds of postings (the aggregators' XML feed: test_aggregator.py)."""

import html
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from http import HTTPStatus

import feedparser
import pytest
from django.utils import timezone

from jobsite import caching
from postings import feeds
from postings.models import Workplace
from tests.factories import PostingFactory, RoleFactory

pytestmark = pytest.mark.django_db

FEEDS = ["/jobs/feed/rss/", "/jobs/feed/atom/"]
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"


def parse_xml(document: bytes | str) -> ET.Element:
    return ET.fromstring(document)  # noqa: S314 - the site's own output, under test


def get_xml(client, url: str, **params) -> ET.Element:
    response = client.get(url, params)
    assert response.status_code == HTTPStatus.OK
    return parse_xml(response.content)


def rss_items(client, **params) -> list[ET.Element]:
    return get_xml(client, "/jobs/feed/rss/", **params).findall("./channel/item")


def rss_titles(client, **params) -> list[str]:
    return [item.findtext("title") for item in rss_items(client, **params)]


TAG = re.compile(r"<[A-Za-z/!?]")


def read_feed(client, url: str, **params) -> feedparser.FeedParserDict:
    """The feed as a feed reader parses it, which must find nothing malformed."""
    response = client.get(url, params)
    assert response.status_code == HTTPStatus.OK
    feed = feedparser.parse(
        response.content, response_headers={"content-type": response["Content-Type"]}
    )
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def shown(text: str, kind: str = "text/plain") -> str:
    """What a reader displays for a parsed text: HTML is rendered (so it must hold no tag,
    and its entities become characters); what it displays holds no tag or entity either."""
    if kind != "text/plain":
        assert not TAG.search(text), text
        text = html.unescape(text)
    assert not TAG.search(text), text
    assert html.unescape(text) == text, f"an entity in {text!r}"
    return text


def shown_detail(detail: feedparser.FeedParserDict) -> str:
    return shown(detail.value, detail.type)


# --- RSS and Atom ----------------------------------------------------------------------------


def test_rss_feed_lists_only_public_postings(client, postings_of_every_kind):
    assert rss_titles(client) == ["Open Job at Acme"]


def test_rss_feed_lists_newest_first(client):
    now = timezone.now()
    PostingFactory(title="Older", published_at=now - timedelta(days=5))
    PostingFactory(title="Newest", published_at=now - timedelta(hours=1))
    PostingFactory(title="Middle", published_at=now - timedelta(days=2))

    titles = rss_titles(client)

    assert [title.split(" at ")[0] for title in titles] == ["Newest", "Middle", "Older"]


def test_rss_item_has_link_date_guid_organisation_and_categories(client):
    posting = PostingFactory(
        title="Operations Manager",
        organisation__name="Northwind",
        role__title="Operations Manager",
        workplace=Workplace.HYBRID,
    )

    channel = get_xml(client, "/jobs/feed/rss/").find("channel")
    item = channel.find("item")

    assert channel.findtext("title") == "Rolewise jobs"
    assert channel.findtext("link") == "http://testserver/jobs/"
    assert item.findtext("title") == "Operations Manager at Northwind"
    assert item.findtext("link") == f"http://testserver{posting.get_absolute_url()}"
    assert item.findtext("pubDate")
    assert item.findtext(f"{DC}creator") == "Northwind"
    assert [c.text for c in item.findall("category")] == [
        "Operations Manager",
        "Full-time",
        "Hybrid",
    ]
    guid = item.find("guid")
    assert guid.get("isPermaLink") == "false"
    assert guid.text.endswith(f":posting:{posting.pk}")
    assert "£60,000–£80,000 per year" in item.findtext("description")


def test_rss_guid_stays_the_same_when_the_posting_is_edited(client):
    posting = PostingFactory(title="Before")
    guid_before = rss_items(client)[0].findtext("guid")

    posting.title = "After"
    posting.slug = "a-new-slug"
    posting.save()
    item = rss_items(client)[0]

    assert item.findtext("title").startswith("After")
    assert item.findtext("guid") == guid_before


def test_rss_description_is_a_plain_summary_without_markup_from_the_author(client):
    PostingFactory(description="Lead **the** team.\n\n<script>alert('x')</script>")

    description = rss_items(client)[0].findtext("description")

    assert "Lead the team." in description
    assert "<script>" not in description
    assert "<strong>" not in description


def test_feed_accepts_the_search_parameters_and_names_the_search(client):
    PostingFactory(title="Remote Job", workplace=Workplace.REMOTE, organisation__name="A")
    PostingFactory(title="Office Job", workplace=Workplace.ON_SITE, organisation__name="B")

    channel = get_xml(client, "/jobs/feed/rss/", workplace="remote", country="GB").find("channel")

    assert [item.findtext("title") for item in channel.findall("item")] == ["Remote Job at A"]
    assert "Remote" in channel.findtext("title")
    assert "United Kingdom" in channel.findtext("title")
    assert channel.findtext("link") == "http://testserver/jobs/?country=GB&workplace=remote"


def test_feed_searches_like_the_job_search(client):
    coo = RoleFactory(title="Chief Operating Officer", abbreviation="COO")
    PostingFactory(role=coo, title="Chief Operating Officer", organisation__name="Acme")
    PostingFactory(title="Warehouse Supervisor", organisation__name="Depot")

    feed = get_xml(client, "/jobs/feed/atom/", q="COO")

    assert feed.findtext(f"{ATOM}title") == "Rolewise jobs: “COO”"
    assert [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")] == [
        "Chief Operating Officer at Acme"
    ]


def test_feed_filtered_by_role_names_the_role(client):
    role = RoleFactory(title="Director of Operations")
    PostingFactory(role=role, organisation__name="Acme")
    PostingFactory(organisation__name="Other")

    channel = get_xml(client, "/jobs/feed/rss/", role=role.slug).find("channel")

    assert channel.findtext("title") == "Rolewise jobs: Role: Director of Operations"
    assert [item.findtext("title") for item in channel.findall("item")] == [
        "Director of Operations at Acme"
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"workplace": "on-the-moon"},
        {"salary_min": "lots", "posted_within": "-3", "page": "x", "sort": "random"},
        {"q": "x" * 5000},
        {"country": "<script>", "role": "no-such-role", "currency": "€€€"},
    ],
)
def test_feeds_answer_bad_parameters_without_an_error(client, params):
    PostingFactory()

    for url in ("/jobs/feed/rss/", "/jobs/feed/atom/"):
        response = client.get(url, params)
        assert response.status_code == HTTPStatus.OK
        parse_xml(response.content)


def test_rss_feed_is_capped(client, monkeypatch):
    monkeypatch.setattr(feeds, "FEED_ITEM_COUNT", 3)
    PostingFactory.create_batch(5)

    assert len(rss_items(client)) == 3


def test_atom_feed_parses_and_lists_only_public_postings(client, postings_of_every_kind):
    feed = get_xml(client, "/jobs/feed/atom/")

    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Open Job at Acme"]
    entry = entries[0]
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Acme"
    assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/jobs/")
    assert entry.findtext(f"{ATOM}published")
    assert entry.findtext(f"{ATOM}id").endswith(f":posting:{postings_of_every_kind['open'].pk}")


def test_atom_titles_are_plain_text(client):
    PostingFactory(title="R&D <Operations> Lead", organisation__name="Smith & Co")

    entry = get_xml(client, "/jobs/feed/atom/").find(f"{ATOM}entry")

    assert entry.findtext(f"{ATOM}title") == "R&D Lead at Smith & Co"


# --- What a feed reader shows ----------------------------------------------------------------

HOSTILE_NAMES = [
    # (posting title, organisation name, the title a reader shows, the creator it shows)
    ("R&D <b>Lead</b>", "Tom & Jerry's", "R&D Lead at Tom & Jerry's", "Tom & Jerry's"),
    (
        "Ops &amp; Logistics &lt;i&gt;Manager&lt;/i&gt;",
        "<script>alert(1)</script>Acme <img src=x onerror=alert(1)>",
        "Ops & Logistics Manager at Acme",
        "Acme",
    ),
    ('5 < 6 "quotes"\x1b\x85', "AT&T", '5 < 6 "quotes" at AT&T', "AT&T"),
    ("<\x85b>Bold</b> Lead", "Acme", "Bold Lead at Acme", "Acme"),
]


@pytest.mark.parametrize(("title", "name", "expected_title", "expected_creator"), HOSTILE_NAMES)
@pytest.mark.parametrize("url", ["/jobs/feed/rss/", "/jobs/feed/atom/"])
def test_a_reader_shows_posting_titles_and_organisation_names_as_plain_words(
    client, url, title, name, expected_title, expected_creator
):
    PostingFactory(title=title, organisation__name=name)

    entry = read_feed(client, url).entries[0]

    assert shown_detail(entry.title_detail) == expected_title
    assert shown(entry.author) == expected_creator
    assert shown(entry.author_detail.name) == expected_creator
    assert shown_detail(entry.summary_detail).startswith(f"{expected_creator} · ")


def test_an_rss_item_names_its_organisation_as_dc_creator(client):
    PostingFactory(organisation__name="Tom & Jerry's <b>Bakery</b>")

    item = rss_items(client)[0]

    assert item.findtext(f"{DC}creator") == "Tom & Jerry's Bakery"
    assert item.find("author") is None


HOSTILE_QUERIES = [
    # (q, what the channel's title shows after "Rolewise jobs")
    ("<img src=x onerror=alert(1)>", ""),
    ("&lt;img src=x onerror=alert(1)&gt;", ""),
    ('"quotes" & ampersands', ': “"quotes" & ampersands”'),
    ("ops\x1b\x07 lead\x7f", ": “ops lead”"),
    ("R&D <b>lead</b> 5 < 6", ": “R&D lead 5 < 6”"),
    # The search reads the NEL as a space: "< b>" is text, not a tag.
    ("<\x85b>bold</b>", ": “< b>bold”"),
]


@pytest.mark.parametrize(("q", "shown_after_name"), HOSTILE_QUERIES)
@pytest.mark.parametrize("url", ["/jobs/feed/rss/", "/jobs/feed/atom/"])
def test_a_reader_shows_the_search_in_a_feeds_title_and_description_as_plain_words(
    client, url, q, shown_after_name
):
    PostingFactory()

    feed = read_feed(client, url, q=q).feed

    assert shown_detail(feed.title_detail) == f"Rolewise jobs{shown_after_name}"
    matching = f" matching {shown_after_name[2:]}" if shown_after_name else ""
    assert shown_detail(feed.subtitle_detail) == f"The newest jobs on Rolewise{matching}."


def test_control_characters_in_a_title_do_not_break_the_feeds(client):
    PostingFactory(title="Ops\x0bManager\x1f")

    for url in FEEDS:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        assert "OpsManager" in response.content.decode()


def test_feeds_run_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    """Guards the N+1 of each item fetching its organisation and role for its author and
    categories."""
    PostingFactory.create_batch(30)

    for url in ("/jobs/feed/rss/", "/jobs/feed/atom/", "/jobs/feed/rss/?workplace=on_site"):
        with django_assert_max_num_queries(3):
            response = client.get(url)
        assert response.status_code == HTTPStatus.OK


# --- The page cache --------------------------------------------------------------------------


@pytest.fixture
def page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300


@pytest.mark.parametrize("url", FEEDS)
def test_a_repeat_feed_request_is_served_from_the_cache_without_queries(
    client, page_cache_on, url, django_assert_num_queries
):
    """Feed readers poll: a poll between edits must not touch the database."""
    PostingFactory.create_batch(3)
    first = client.get(url)

    with django_assert_num_queries(0):
        again = client.get(url)

    assert again.status_code == HTTPStatus.OK
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]


@pytest.mark.parametrize("url", FEEDS)
def test_an_edited_posting_shows_in_the_feed_at_the_next_request(client, page_cache_on, url):
    posting = PostingFactory(title="Operations chief")
    assert "Operations chief" in client.get(url).content.decode()

    posting.title = "Chief of operations"
    posting.save()

    feed = client.get(url).content.decode()
    assert "Chief of operations" in feed
    assert "Operations chief" not in feed


@pytest.mark.parametrize("url", FEEDS)
def test_a_closed_posting_leaves_the_cached_feed(client, page_cache_on, url):
    posting = PostingFactory(title="Soon to close")
    assert "Soon to close" in client.get(url).content.decode()

    posting.close(by=None)

    assert "Soon to close" not in client.get(url).content.decode()


@pytest.mark.parametrize("url", FEEDS)
def test_a_feed_is_kept_no_longer_than_its_first_listed_posting_is_open(
    client, page_cache_on, settings, url
):
    PostingFactory(valid_through=timezone.now() + timedelta(seconds=90))
    PostingFactory()

    response = client.get(url)

    assert 0 < caching.seconds_to_keep(response, settings.PUBLIC_PAGE_CACHE_SECONDS) <= 90


@pytest.mark.parametrize("url", FEEDS)
def test_a_reader_with_the_current_etag_gets_304_until_the_feed_changes(client, page_cache_on, url):
    posting = PostingFactory(title="Before the edit")
    etag = client.get(url)["ETag"]

    not_modified = client.get(url, headers={"if-none-match": etag})
    assert not_modified.status_code == HTTPStatus.NOT_MODIFIED
    assert not_modified.content == b""

    posting.title = "After the edit"
    posting.save()

    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == HTTPStatus.OK
    assert "After the edit" in changed.content.decode()


@pytest.mark.parametrize("cached", [True, False])
@pytest.mark.parametrize("url", FEEDS)
def test_feeds_send_the_public_pages_cache_headers_and_no_last_modified(
    client, settings, url, cached
):
    """The public pages' max-age, not a longer one of their own: a closed job leaves a CDN's
    copy of the feed as soon as it leaves the pages. No Last-Modified: the newest item's date
    does not change when a job leaves, so "modified since?" would wrongly answer no."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300 if cached else 0
    PostingFactory()

    for _ in range(2):
        response = client.get(url)
        control = response["Cache-Control"]
        assert "public" in control
        assert f"max-age={settings.PUBLIC_PAGE_MAX_AGE}" in control
        assert "stale-while-revalidate=" in control
        assert "Cookie" in response["Vary"]
        assert response["ETag"].startswith('"')
        assert "Last-Modified" not in response
