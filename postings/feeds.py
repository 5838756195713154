"""RSS and Atom feeds of postings, and the XML feed for job aggregators."""

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.feedgenerator import Atom1Feed


class PostingRssFeed(Feed):
    title = "TODO(feeds)"
    link = "/jobs/"

    def items(self):
        raise Http404("TODO(feeds)")


class PostingAtomFeed(PostingRssFeed):
    feed_type = Atom1Feed


def aggregator_feed(request: HttpRequest) -> HttpResponse:
    raise Http404("TODO(feeds)")
