"""RSS and Atom feeds of postings (the aggregators' XML feed is postings/aggregator.py).

Every feed starts from `Posting.objects.public()`, the one rule for what the public may
see, so an expired, closed or suspended posting never reaches a feed reader or aggregator.

Feeds are public pages (jobsite/caching.py): kept in the page cache until the next edit or
the first listed posting's expiry, with the same ETag, 304 and Cache-Control. They carry no
Last-Modified: the newest item's date, which Django's Feed would send, stays the same when a
posting leaves the feed, so a reader asking "modified since?" would keep a closed job.

Feed readers treat titles and descriptions as HTML, so every text a visitor, recruiter or
organisation wrote goes through `feed_text` first; every address is on settings.SITE_URL.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import nh3
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.views.decorators.http import require_safe

from jobsite.caching import expires_with, public_page
from jobsite.markup import web_address
from jobsite.origin import absolute_url
from postings.display import place_text, salary_text
from postings.filters import SEARCH_PARAMETERS, PostingFilter
from postings.models import Posting

FEED_ITEM_COUNT = 50
SUMMARY_WORDS = 60

# XML 1.0 forbids most control characters; one in a title would break the whole feed.
XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The control characters XML allows, none of them words either.
CONTROL = re.compile("[\u007f-\u009f]")
# Each pass strips one layer of tags or entities; typed text needs two (the second finds
# nothing to change), nested escapes a few more.
FEED_TEXT_PASSES = 8


def xml_safe(text: str) -> str:
    return XML_INVALID.sub("", text or "")


def feed_text(text: str) -> str:
    """`text` as plain words that a feed reader shows as typed: "R&D" and "5 < 6" stay, and
    whatever an HTML parser would read as a tag or an entity does not (so neither does a
    typed "&lt;b&gt;", which would become a tag at the next reading). Whitespace collapses.

    nh3 parses like a browser: text it gives back unchanged, once unescaped, holds nothing a
    reader could take for markup."""
    text = CONTROL.sub("", xml_safe(text))
    if "<" not in text and "&" not in text:  # Most titles and names: nothing to parse.
        return " ".join(text.split())
    for _ in range(FEED_TEXT_PASSES):
        plain = CONTROL.sub("", xml_safe(html.unescape(nh3.clean(text, tags=set()))))
        if plain == text:
            break
        text = plain
    else:
        # Escapes nested deeper than any honest text: drop what could start markup.
        text = text.replace("<", "").replace("&", "")
    return " ".join(text.split())


def tag_authority() -> str:
    """The host in the items' tag: ids (RFC 4151), the public origin's, without a port."""
    return urlsplit(absolute_url("/")).hostname or ""


@dataclass
class FeedQuery:
    """One request's search: the FilterSet over public postings, and its parameters."""

    filterset: PostingFilter
    query_string: str
    # What `items()` listed, for the page cache to keep the feed no longer than they are open.
    postings: list[Posting]

    def summary(self) -> str:
        """ "“coo” · Workplace: Remote": the search's own summary, as plain words."""
        return self.filterset.summary(clean=feed_text)


class PostingRssFeed(Feed):
    """The newest public postings, filtered by the same parameters as /jobs/."""

    url_name = "postings:posting_feed_rss"

    # Like every public page: GET and HEAD only (Feed itself answers any method), cached.
    # Feed.__call__ without its Last-Modified (see the module's docstring).
    # It reads the search, not how a page of it is arranged: a feed is newest first.
    @method_decorator([require_safe, public_page(reads=SEARCH_PARAMETERS)])
    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        query = self.get_object(request, *args, **kwargs)
        feed = self.get_feed(query, request)
        # Every feed generator Django ships sets a content type; SyndicationFeed declares none.
        response = HttpResponse(content_type=feed.content_type)  # type: ignore[attr-defined]
        feed.write(response, "utf-8")
        expires_with(response, query.postings)
        return response

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> FeedQuery:
        return FeedQuery(
            filterset=PostingFilter(request.GET, queryset=Posting.objects.public()),
            query_string=urlencode(sorted(request.GET.lists()), doseq=True),
            postings=[],
        )

    def title(self, obj: FeedQuery) -> str:
        summary = obj.summary()
        return f"{settings.SITE_NAME} jobs: {summary}" if summary else f"{settings.SITE_NAME} jobs"

    def description(self, obj: FeedQuery) -> str:
        summary = obj.summary()
        if summary:
            return f"The newest jobs on {settings.SITE_NAME} matching {summary}."
        return f"The newest jobs on {settings.SITE_NAME}."

    # Absolute addresses, so Feed's add_domain keeps them rather than using the Host header.
    def link(self, obj: FeedQuery) -> str:
        url = absolute_url(reverse("postings:posting_list"))
        return f"{url}?{obj.query_string}" if obj.query_string else url

    def feed_url(self, obj: FeedQuery) -> str:
        # The feed's own address keeps its search, so readers subscribe to that search.
        url = absolute_url(reverse(self.url_name))
        return f"{url}?{obj.query_string}" if obj.query_string else url

    def items(self, obj: FeedQuery) -> list[Posting]:
        # A feed is read newest first whatever order the search page was sorted in.
        postings = list(
            obj.filterset.qs.select_related("organisation", "role", "rendered").order_by(
                "-published_at", "-pk"
            )[:FEED_ITEM_COUNT]
        )
        authority = tag_authority()
        for posting in postings:
            # Item methods see only the item: give each its stable id here.
            posting.feed_guid = (
                f"tag:{authority},{posting.created_at:%Y-%m-%d}:posting:{posting.pk}"
            )
        obj.postings = postings
        return postings

    def item_title(self, item: Posting) -> str:
        return f"{feed_text(item.title)} at {feed_text(item.organisation.name)}"

    def item_link(self, item: Posting) -> str:
        return absolute_url(item.get_absolute_url())

    def item_description(self, item: Posting) -> str:
        """A short summary in plain words: the facts, then the description's opening words."""
        facts = (
            item.organisation.name,
            place_text(item),
            item.get_workplace_display(),
            item.get_employment_type_display(),
            salary_text(item),
        )
        summary = Truncator(item.shown_description_text).words(SUMMARY_WORDS)
        facts_text = " · ".join(filter(None, map(feed_text, facts)))
        return " — ".join(filter(None, (facts_text, feed_text(summary))))

    def item_pubdate(self, item: Posting) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Posting) -> datetime:
        return item.updated_at

    def item_guid(self, item: Posting) -> str:
        return item.feed_guid  # type: ignore[attr-defined]  # set by items()

    item_guid_is_permalink = False

    def item_author_name(self, item: Posting) -> str:
        # Given without an email, which Rss201rev2Feed writes as <dc:creator>.
        return feed_text(item.organisation.name)

    def item_author_link(self, item: Posting) -> str | None:
        return web_address(item.organisation.website) or None

    def item_categories(self, item: Posting) -> list[str]:
        return [
            feed_text(item.role.title),
            item.get_employment_type_display(),
            item.get_workplace_display(),
        ]


class PostingAtomFeed(PostingRssFeed):
    feed_type = Atom1Feed
    url_name = "postings:posting_feed_atom"

    def subtitle(self, obj: FeedQuery) -> str:
        return self.description(obj)
