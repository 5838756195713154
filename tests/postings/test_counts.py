"""Views and apply clicks: counted per posting per day for people, not robots or prefetches,
collected by the worker's task, shown to the posting's own organisation only."""

from datetime import timedelta
from http import HTTPStatus
from unittest import mock

import pytest
from django.utils import timezone

from postings import counting
from postings.models import DailyCount
from postings.tasks import collect_counts
from tests.factories import PostingFactory, write_behind_the_caches_back

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
# The session, user, membership, postings, their roles' two prefetches, the counts, and
# one for the organisation's review rule.
DASHBOARD_QUERIES = 7
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def collected(posting) -> tuple[int, int]:
    """(views, apply clicks) of the posting today, once the worker has collected them."""
    collect_counts.call_local()
    row = DailyCount.objects.filter(posting=posting, day=timezone.now().date()).first()
    return (row.views, row.apply_clicks) if row else (0, 0)


def test_a_browsers_view_counts_once_and_costs_no_write_to_the_postings(client):
    posting = PostingFactory()

    response = client.get(posting.get_absolute_url(), HTTP_USER_AGENT=BROWSER)

    assert response.status_code == HTTPStatus.OK
    assert not DailyCount.objects.exists()  # written by the worker, not the request
    assert collected(posting) == (1, 0)


def test_a_view_served_from_the_page_cache_counts_too(client, django_assert_num_queries):
    posting = PostingFactory()
    client.get(posting.get_absolute_url(), HTTP_USER_AGENT=BROWSER)

    # From the page cache: no query for the page, one write to the shared counter.
    with django_assert_num_queries(1):
        client.get(posting.get_absolute_url(), HTTP_USER_AGENT=BROWSER)

    assert collected(posting) == (2, 0)


def test_a_not_modified_answer_is_not_counted(client):
    posting = PostingFactory()
    first = client.get(posting.get_absolute_url(), HTTP_USER_AGENT=BROWSER)

    again = client.get(
        posting.get_absolute_url(), HTTP_USER_AGENT=BROWSER, HTTP_IF_NONE_MATCH=first["ETag"]
    )

    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert collected(posting) == (1, 0)


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_USER_AGENT": GOOGLEBOT},
        {"HTTP_USER_AGENT": "curl/8.5.0"},
        {"HTTP_USER_AGENT": "python-requests/2.32"},
        {},
        {"HTTP_USER_AGENT": BROWSER, "HTTP_SEC_PURPOSE": "prefetch;prerender"},
        {"HTTP_USER_AGENT": BROWSER, "HTTP_SEC_PURPOSE": "prefetch"},
        {"HTTP_USER_AGENT": BROWSER, "HTTP_PURPOSE": "prefetch"},
        {"HTTP_USER_AGENT": BROWSER, "HTTP_X_MOZ": "prefetch"},
    ],
    ids=["googlebot", "curl", "requests", "no-agent", "prerender", "prefetch", "purpose", "x-moz"],
)
def test_robots_and_prefetches_are_not_counted(client, headers):
    posting = PostingFactory()

    assert client.get(posting.get_absolute_url(), **headers).status_code == HTTPStatus.OK
    assert client.get(f"{posting.get_absolute_url()}apply/", **headers).status_code == (
        HTTPStatus.FOUND
    )
    assert collected(posting) == (0, 0)


def test_a_head_request_is_not_counted(client):
    posting = PostingFactory()

    client.head(posting.get_absolute_url(), HTTP_USER_AGENT=BROWSER)

    assert collected(posting) == (0, 0)


def test_counting_sets_and_reads_no_cookie(client):
    posting = PostingFactory()

    page = client.get(posting.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    click = client.get(f"{posting.get_absolute_url()}apply/", HTTP_USER_AGENT=BROWSER)

    assert not page.cookies
    assert not click.cookies
    assert "Set-Cookie" not in page
    assert "Set-Cookie" not in click


def test_an_unknown_or_missing_page_counts_nothing(client):
    posting = PostingFactory(draft=True)

    assert client.get(posting.get_absolute_url(), HTTP_USER_AGENT=BROWSER).status_code == 404
    assert client.get("/jobs/no-such-job/", HTTP_USER_AGENT=BROWSER).status_code == 404

    collect_counts.call_local()
    assert not DailyCount.objects.exists()


# --- Apply clicks ------------------------------------------------------------------------


def test_apply_click_counts_and_goes_to_the_postings_apply_page(client):
    posting = PostingFactory(apply_url="https://careers.example.com/jobs/7")

    response = client.get(f"/jobs/{posting.slug}/apply/", HTTP_USER_AGENT=BROWSER)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "https://careers.example.com/jobs/7"
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert collected(posting) == (0, 1)


def test_an_apply_click_costs_one_read_and_one_counter_increment(client, django_assert_num_queries):
    """The posting's apply address, read by its slug, and the counter's UPDATE: nothing
    grows with the postings or the clicks."""
    posting = PostingFactory()
    client.get(f"/jobs/{posting.slug}/apply/", HTTP_USER_AGENT=BROWSER)  # makes the counter

    with django_assert_num_queries(2):
        client.get(f"/jobs/{posting.slug}/apply/", HTTP_USER_AGENT=BROWSER)


def test_apply_by_email_goes_to_a_mailto_address(client):
    posting = PostingFactory(apply_url="", apply_email="jobs@acme.example", title="COO")

    response = client.get(f"/jobs/{posting.slug}/apply/", HTTP_USER_AGENT=BROWSER)

    assert response["Location"] == "mailto:jobs@acme.example?subject=Application%3A%20COO"


@pytest.mark.parametrize("kind", ["draft", "expired", "closed", "suspended", "scheduled"])
def test_apply_link_of_a_posting_the_public_may_not_apply_to_is_404(
    client, postings_of_every_kind, kind
):
    posting = postings_of_every_kind[kind]

    response = client.get(f"/jobs/{posting.slug}/apply/", HTTP_USER_AGENT=BROWSER)

    assert response.status_code == HTTPStatus.NOT_FOUND
    collect_counts.call_local()
    assert not DailyCount.objects.exists()


@pytest.mark.parametrize(
    "address",
    [
        "/jobs/no-such-job/apply/",
        "/jobs/%2F%2Fevil.example/apply/",
        "/jobs/..%2F..%2Fadmin/apply/",
        "/jobs/a%00b/apply/",
        "/jobs/" + "x" * 5000 + "/apply/",
    ],
)
def test_apply_link_of_an_unknown_posting_is_404(client, address):
    assert client.get(address, HTTP_USER_AGENT=BROWSER).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "query",
    [
        "?next=https://evil.example/",
        "?url=//evil.example",
        "?redirect_to=javascript:alert(1)",
        "?apply_url=https://evil.example",
    ],
)
def test_apply_link_goes_only_to_the_postings_own_address(client, query):
    posting = PostingFactory(apply_url="https://careers.example.com/apply")

    response = client.get(f"/jobs/{posting.slug}/apply/{query}", HTTP_USER_AGENT=BROWSER)

    assert response["Location"] == "https://careers.example.com/apply"


def test_apply_link_never_goes_to_a_script_address_that_reached_the_database(client):
    posting = PostingFactory(apply_url="https://careers.example.com/apply", apply_email="")
    write_behind_the_caches_back(posting, apply_url="javascript:alert(document.cookie)")

    response = client.get(f"/jobs/{posting.slug}/apply/", HTTP_USER_AGENT=BROWSER)

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_apply_link_falls_back_to_email_when_the_stored_url_is_not_a_web_address(client):
    posting = PostingFactory(
        apply_url="https://careers.example.com/apply", apply_email="a@b.example"
    )
    write_behind_the_caches_back(posting, apply_url="data:text/html,<script>alert(1)</script>")

    response = client.get(f"/jobs/{posting.slug}/apply/", HTTP_USER_AGENT=BROWSER)

    assert response["Location"].startswith("mailto:a@b.example?")


def test_apply_link_refuses_post(client):
    posting = PostingFactory()

    response = client.post(f"/jobs/{posting.slug}/apply/", HTTP_USER_AGENT=BROWSER)

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_apply_buttons_go_through_the_counter_and_json_ld_keeps_the_page(client):
    posting = PostingFactory(apply_url="https://careers.example.com/apply")

    html = client.get(posting.get_absolute_url()).content.decode()

    # In the text, at its end, and in the apply panel beside it on wide screens.
    assert html.count(f'href="/jobs/{posting.slug}/apply/" rel="nofollow noopener"') == 3
    assert 'href="https://careers.example.com/apply"' not in html


def test_robots_txt_keeps_crawlers_off_the_apply_links(client):
    assert "Disallow: /jobs/*/apply/" in client.get("/robots.txt").content.decode()


# --- Collecting --------------------------------------------------------------------------


def test_collecting_adds_to_the_days_counts_and_empties_the_counters(client):
    posting = PostingFactory()
    for _ in range(3):
        client.get(posting.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
    assert collected(posting) == (3, 0)

    client.get(posting.get_absolute_url(), HTTP_USER_AGENT=BROWSER)

    assert collected(posting) == (4, 0)
    assert collected(posting) == (4, 0)  # nothing counted twice


def test_counts_of_a_past_day_go_to_that_day(rf):
    posting = PostingFactory()
    yesterday = timezone.now().date() - timedelta(days=1)
    request = rf.get("/", HTTP_USER_AGENT=BROWSER)
    for _ in range(2):
        counting.count(request, counting.VIEW, posting.slug)

    counting.collect(today=yesterday + timedelta(days=1))
    # Collected on the day after: the counters were of "today" when counted.
    row = DailyCount.objects.get(posting=posting)
    assert row.views == 2


# --- The dashboard -----------------------------------------------------------------------


def test_dashboard_shows_the_last_30_days_and_all_counts(recruiter_client, membership):
    posting = PostingFactory(organisation=membership.organisation)
    today = timezone.now().date()
    DailyCount.objects.create(posting=posting, day=today, views=120, apply_clicks=7)
    DailyCount.objects.create(posting=posting, day=today - timedelta(days=29), views=3)
    DailyCount.objects.create(posting=posting, day=today - timedelta(days=30), views=1000)

    html = recruiter_client.get("/recruiters/").content.decode()

    assert "Last 30 days: 123 views, 7 apply clicks" in html
    assert "in all: 1,123 views, 7 apply clicks" in html
    assert "not counted" in html  # what the numbers leave out


def test_a_recruiter_never_sees_another_organisations_numbers(recruiter_client, membership):
    PostingFactory(organisation=membership.organisation)
    theirs = PostingFactory(title="Their Job")
    DailyCount.objects.create(
        posting=theirs, day=timezone.now().date(), views=4242, apply_clicks=77
    )

    html = recruiter_client.get("/recruiters/").content.decode()

    assert "4,242" not in html
    assert "4242" not in html
    assert "Their Job" not in html


def test_dashboard_queries_do_not_grow_with_postings_or_days(
    recruiter_client, membership, django_assert_num_queries
):
    """The counts of every posting come in one grouped query, not one per posting or day."""
    today = timezone.now().date()

    def add_postings(number):
        for posting in PostingFactory.create_batch(number, organisation=membership.organisation):
            for back in range(3):
                DailyCount.objects.create(posting=posting, day=today - timedelta(days=back))

    add_postings(1)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        recruiter_client.get("/recruiters/")
    add_postings(5)
    with django_assert_num_queries(DASHBOARD_QUERIES):
        recruiter_client.get("/recruiters/")


def test_a_count_that_cannot_be_made_never_fails_the_page(client, caplog):
    """Say the counters' table is missing after an upgrade: the page is still served."""
    from django.db import OperationalError

    posting = PostingFactory()
    with mock.patch("jobsite.counters.increment", side_effect=OperationalError("no table")):
        page = client.get(posting.get_absolute_url(), HTTP_USER_AGENT=BROWSER)
        click = client.get(f"/jobs/{posting.slug}/apply/", HTTP_USER_AGENT=BROWSER)

    assert page.status_code == HTTPStatus.OK
    assert click.status_code == HTTPStatus.FOUND
    assert "Could not count a view" in caplog.text
