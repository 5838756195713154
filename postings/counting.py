"""Views of a posting's page and clicks on its apply button, counted per posting per day.

Nothing personal is kept: no cookie is set or read, no address or user agent stored; a
count is a number under the posting's slug and the day (UTC). A request counts only if a
person's browser seems to have made it: not a known crawler (the user-agent patterns of the
CrawlerDetect project, as the crawlerdetect package ships them), not a request without a
user agent, not a prefetch or prerender (browsers mark them with `Sec-Purpose` or `Purpose`,
older Firefox with `X-Moz`), not a HEAD.

On the request path a count is one increment of a shared counter (jobsite/counters.py):
no write to the site's data. The worker (postings/tasks.py) adds the counters to
`DailyCount` every few minutes and takes them off the counters. What never reaches the site
is not counted: a browser's or CDN's copy of the page, or a 304 answer to a browser asking
whether its copy is current. The dashboard says so.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from crawlerdetect import CrawlerDetect
from django.db import DatabaseError, transaction
from django.http import HttpRequest
from django.utils import timezone
from redis import RedisError

from jobsite import counters
from postings.models import DailyCount, Posting

logger = logging.getLogger(__name__)

VIEW = "view"
APPLY = "apply"
# DailyCount's field for each kind of count.
FIELDS = {VIEW: "views", APPLY: "apply_clicks"}
# Counters of days this far back are still collected (a worker down for a few days).
DAYS_COLLECTED = 7
# Longer user agents are cut before the patterns read them: no browser sends one this long.
USER_AGENT_LENGTH = 500
PREFETCH_HEADERS = ("HTTP_SEC_PURPOSE", "HTTP_PURPOSE", "HTTP_X_PURPOSE", "HTTP_X_MOZ")
# One detector for the process: its answers are kept per user agent (a few browsers' strings
# make most requests), where a detector made per request matched two long patterns every time,
# 0.1 ms of each counted view. Its only state besides is the last match, which nothing reads.
CRAWLERS = CrawlerDetect()


def is_counted(request: HttpRequest) -> bool:
    """Whether the request seems a person's: a GET by a browser, neither a crawler's nor a
    prefetch."""
    if request.method != "GET":
        return False
    if any(
        "prefetch" in request.META.get(header, "").lower()
        or "prerender" in request.META.get(header, "").lower()
        for header in PREFETCH_HEADERS
    ):
        return False
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH].strip()
    return bool(user_agent) and not CRAWLERS.is_crawler(user_agent)


def group(kind: str, day: date) -> str:
    return f"{kind}:{day.isoformat()}"


def count(request: HttpRequest, kind: str, slug: str) -> None:
    """Count one `kind` for the posting at `slug` today, if the request is a person's."""
    if not is_counted(request):
        return
    try:
        counters.increment(group(kind, timezone.now().date()), slug)
    except (DatabaseError, RedisError):
        # A count is not worth a failed page: the store unreachable, or its table not yet
        # made after an upgrade (createcachetable makes it).
        logger.warning("Could not count a %s of %s", kind, slug, exc_info=True)


def collect(today: date | None = None) -> int:
    """Add the shared counters of the last days to DailyCount; return how many counts moved.
    Run by one worker at a time (postings/tasks.py). The counters are settled after the
    rows are stored: a worker killed in between counts that round again, never loses it."""
    today = today or timezone.now().date()
    moved = 0
    for back in range(DAYS_COLLECTED, -1, -1):
        day = today - timedelta(days=back)
        for kind, field in FIELDS.items():
            name = group(kind, day)
            counts = counters.take(name)
            if counts:
                store(day, field, counts)
                moved += sum(counts.values())
            # Today's group still grows; earlier ones are done once read.
            counters.settle(name, counts, finished=day < today)
    return moved


def store(day: date, field: str, counts: dict[str, int]) -> None:
    """Add `counts` (by slug) to the day's rows. A slug no longer in use is dropped."""
    ids = dict(Posting.objects.filter(slug__in=counts).values_list("slug", "pk"))
    by_posting = {ids[slug]: value for slug, value in counts.items() if slug in ids}
    with transaction.atomic():
        rows = {
            row.posting_id: row
            for row in DailyCount.objects.select_for_update().filter(
                day=day, posting_id__in=by_posting
            )
        }
        for posting_id, value in by_posting.items():
            row = rows.get(posting_id)
            if row is None:
                rows[posting_id] = DailyCount.objects.create(
                    posting_id=posting_id, day=day, **{field: value}
                )
            else:
                setattr(row, field, getattr(row, field) + value)
                row.save(update_fields=[field])
