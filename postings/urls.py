from django.urls import path

from postings import aggregator, feeds
from postings.views import detail, home, jobs

app_name = "postings"

urlpatterns = [
    path("", home.home, name="home"),
    path("jobs/", jobs.posting_list, name="posting_list"),
    path("jobs/feed/rss/", feeds.PostingRssFeed(), name="posting_feed_rss"),
    path("jobs/feed/atom/", feeds.PostingAtomFeed(), name="posting_feed_atom"),
    path("jobs/feed.xml", aggregator.aggregator_feed, name="posting_feed_xml"),
    path("jobs/<slug:slug>/", detail.posting_detail, name="posting_detail"),
    path("jobs/<slug:slug>/apply/", detail.posting_apply, name="posting_apply"),
]
