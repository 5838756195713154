"""Saved jobs: saving and removing from a posting and from result lines, My jobs with each
job's state, and the page cache never carrying one visitor's form or saved state to another."""

import re
from http import HTTPStatus
from unittest import mock

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from alerts import links
from postings.models import Posting
from seekers.models import SavedJob, SavedJobQuerySet
from tests.alerts.helpers import make_alert
from tests.factories import PASSWORD, OrganisationFactory, PostingFactory, UserFactory

pytestmark = pytest.mark.django_db


def save_url(posting):
    return reverse("seekers:saved_job_save", kwargs={"pk": posting.pk})


def remove_url(posting):
    return reverse("seekers:saved_job_remove", kwargs={"pk": posting.pk})


def test_saving_from_a_posting_keeps_it_in_my_jobs_and_the_page_says_saved(seeker_client, seeker):
    posting = PostingFactory(title="Head of Operations")
    before = seeker_client.get(posting.get_absolute_url()).content.decode()
    assert f'action="{save_url(posting)}"' in before

    response = seeker_client.post(save_url(posting), {"next": posting.get_absolute_url()})

    assert response["Location"] == posting.get_absolute_url()
    assert SavedJob.objects.filter(user=seeker, posting=posting).exists()
    after = seeker_client.get(posting.get_absolute_url()).content.decode()
    assert "Saved" in after
    assert f'action="{remove_url(posting)}"' in after
    my_jobs = seeker_client.get(reverse("seekers:my_jobs")).content.decode()
    assert "Head of Operations" in my_jobs


def test_saving_from_a_result_line_returns_to_the_search(seeker_client, seeker):
    posting = PostingFactory(title="Head of Operations")
    search = seeker_client.get(reverse("postings:posting_list")).content.decode()
    assert f'action="{save_url(posting)}"' in search

    response = seeker_client.post(save_url(posting), {"next": "/jobs/?q=operations"})

    assert response["Location"] == "/jobs/?q=operations"
    assert SavedJob.objects.filter(user=seeker, posting=posting).exists()


@pytest.mark.parametrize("next_page", ["//evil.example/", "https://evil.example/", "/\\evil", ""])
def test_saving_never_redirects_off_the_site(seeker_client, next_page):
    posting = PostingFactory()

    response = seeker_client.post(save_url(posting), {"next": next_page})

    assert response["Location"] == posting.get_absolute_url()


def test_a_double_submit_keeps_one_saved_job(seeker_client, seeker):
    posting = PostingFactory()

    first = seeker_client.post(save_url(posting))
    second = seeker_client.post(save_url(posting))

    assert first.status_code == second.status_code == HTTPStatus.FOUND
    assert SavedJob.objects.filter(user=seeker).count() == 1


def test_a_simultaneous_save_that_loses_the_race_keeps_the_winners_row(seeker_client, seeker):
    posting = PostingFactory()
    SavedJob.objects.create(user=seeker, posting=posting)

    with mock.patch.object(SavedJobQuerySet, "get_or_create", side_effect=IntegrityError):
        response = seeker_client.post(save_url(posting))

    assert response.status_code == HTTPStatus.FOUND
    assert SavedJob.objects.filter(user=seeker).count() == 1


def test_the_database_refuses_a_second_save_of_one_posting(seeker):
    posting = PostingFactory()
    SavedJob.objects.create(user=seeker, posting=posting)

    with pytest.raises(IntegrityError):
        SavedJob.objects.create(user=seeker, posting=posting)


def test_removing_forgets_the_job_and_twice_is_no_error(seeker_client, seeker):
    posting = PostingFactory()
    SavedJob.objects.create(user=seeker, posting=posting)

    first = seeker_client.post(remove_url(posting))
    second = seeker_client.post(remove_url(posting))

    assert first["Location"] == second["Location"] == reverse("seekers:my_jobs")
    assert not SavedJob.objects.exists()


@pytest.mark.parametrize(
    "kind",
    [{"draft": True}, {"expired": True}, {"closed": True}, {"organisation__is_suspended": True}],
)
def test_only_an_open_posting_can_be_saved(seeker_client, kind):
    posting = PostingFactory(**kind)

    assert seeker_client.get(save_url(posting)).status_code == HTTPStatus.NOT_FOUND
    assert seeker_client.post(save_url(posting)).status_code == HTTPStatus.NOT_FOUND
    assert not SavedJob.objects.exists()


def test_unknown_ids_are_not_found(seeker_client):
    assert seeker_client.post("/me/saved/999999/save/").status_code == HTTPStatus.NOT_FOUND
    assert seeker_client.get("/me/saved/99999999999999999999/save/").status_code == 404


def test_saving_and_removing_need_a_post_with_its_csrf_token(seeker):
    posting = PostingFactory()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(seeker)

    assert browser.get(remove_url(posting)).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert browser.post(save_url(posting)).status_code == HTTPStatus.FORBIDDEN
    SavedJob.objects.create(user=seeker, posting=posting)
    assert browser.post(remove_url(posting)).status_code == HTTPStatus.FORBIDDEN
    assert SavedJob.objects.count() == 1


def test_anonymous_visitors_must_log_in_to_save(client):
    posting = PostingFactory()

    response = client.post(save_url(posting))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))
    assert not SavedJob.objects.exists()


def test_no_one_reaches_another_persons_saved_jobs(seeker_client, seeker):
    """Trying: the other person's posting removed by this one, their list, their data."""
    other = UserFactory(email="grace@example.com")
    theirs = PostingFactory(title="Grace's secret pick")
    SavedJob.objects.create(user=other, posting=theirs)

    seeker_client.post(remove_url(theirs))
    my_jobs = seeker_client.get(reverse("seekers:my_jobs")).content.decode()
    data = seeker_client.get(reverse("seekers:personal_data")).content.decode()

    assert SavedJob.objects.filter(user=other, posting=theirs).exists()
    assert "secret pick" not in my_jobs
    assert "secret pick" not in data


def test_the_save_link_for_anonymous_visitors_leads_through_log_in_to_saving(client, seeker):
    posting = PostingFactory()
    page = client.get(posting.get_absolute_url()).content.decode()
    [link] = re.findall(r'class="save-control save-control__link" href="([^"]+)"', page)

    login_page = client.get(link.replace("&amp;", "&"))
    after_login = client.post(
        link.replace("&amp;", "&"), {"username": seeker.username, "password": PASSWORD}
    )
    assert login_page.status_code == HTTPStatus.OK
    assert after_login["Location"] == save_url(posting)
    confirm = client.get(save_url(posting))
    assert "Save to My jobs" in confirm.content.decode()
    saved = client.post(save_url(posting), {"next": posting.get_absolute_url()})

    assert saved["Location"] == posting.get_absolute_url()
    assert SavedJob.objects.filter(user=seeker, posting=posting).exists()


# --- The page cache: two visitors ---------------------------------------------------------


def anonymous_page(url):
    return Client().get(url)


@pytest.mark.parametrize("url_of", [Posting.get_absolute_url, lambda posting: "/jobs/"])
def test_no_token_or_saved_state_of_a_signed_in_visitor_enters_the_cached_page(
    seeker_client, seeker, cached, url_of
):
    posting = PostingFactory(title="Head of Operations")
    SavedJob.objects.create(user=seeker, posting=posting)
    url = url_of(posting)

    before = anonymous_page(url)  # Stored in the cache.
    signed_in = seeker_client.get(url)
    after = anonymous_page(url)  # From the cache.

    mine = signed_in.content.decode()
    assert "csrfmiddlewaretoken" in mine
    assert f'action="{remove_url(posting)}"' in mine
    assert "Private" in signed_in["Cache-Control"].title()
    assert before.content == after.content
    for page in (before, after):
        html = page.content.decode()
        assert "csrfmiddlewaretoken" not in html
        assert "<form" not in html.split('class="result-list"')[-1].split("</ul>")[0]
        assert f'action="{save_url(posting)}"' not in html
        assert f'action="{remove_url(posting)}"' not in html
        assert "Signed in as" not in html
        assert "Ada" not in html
        assert "public" in page["Cache-Control"]


def test_a_page_cached_for_anonymous_visitors_is_not_served_to_a_signed_in_one(
    seeker_client, seeker, cached
):
    posting = PostingFactory()
    SavedJob.objects.create(user=seeker, posting=posting)
    anonymous_page(posting.get_absolute_url())

    mine = seeker_client.get(posting.get_absolute_url()).content.decode()

    assert "Signed in as Ada" in mine
    assert f'action="{remove_url(posting)}"' in mine


# --- My jobs ------------------------------------------------------------------------------


def test_my_jobs_shows_each_saved_jobs_state(seeker_client, seeker):
    states = {
        "Open one": {},
        "Closed one": {"closed": True},
        "Expired one": {"expired": True},
        "Suspended one": {"organisation": OrganisationFactory(is_suspended=True)},
    }
    for title, kind in states.items():
        SavedJob.objects.create(user=seeker, posting=PostingFactory(title=title, **kind))

    response = seeker_client.get(reverse("seekers:my_jobs"))

    shown = {saved.posting.title: saved.state.value for saved in response.context["saved_jobs"]}
    assert shown == {
        "Open one": "open",
        "Closed one": "closed",
        "Expired one": "expired",
        "Suspended one": "withdrawn",
    }
    html = response.content.decode()
    for label in ("Open", "Closed", "Expired", "No longer shown"):
        assert f'<strong class="saved-job__state">{label}</strong>' in html


@pytest.mark.parametrize("count", [1, 12])
def test_my_jobs_runs_a_fixed_number_of_queries(
    seeker_client, seeker, count, django_assert_num_queries
):
    """Guards the N+1 of each saved job fetching its posting, employer or state one by one:
    session, user, saved jobs with their state, alerts, membership."""
    for number in range(count):
        SavedJob.objects.create(
            user=seeker, posting=PostingFactory(organisation=OrganisationFactory())
        )
        make_alert(f"q=operations+{number}", user=seeker)

    with django_assert_num_queries(5):
        response = seeker_client.get(reverse("seekers:my_jobs"))

    assert len(response.context["saved_jobs"]) == count
    assert len(response.context["alerts"]) == count


def test_my_jobs_lists_the_persons_alerts_with_their_manage_links_and_no_one_elses(
    seeker_client, seeker
):
    mine = make_alert("q=coo&workplace=remote", user=seeker)
    make_alert("q=chief+financial+officer", user=UserFactory())

    page = seeker_client.get(reverse("seekers:my_jobs")).content.decode()

    assert mine.description in page
    assert links.manage_path(mine) in page
    assert "financial" not in page.lower()


@pytest.mark.parametrize("count", [1, 12])
def test_a_signed_in_search_asks_for_saved_jobs_once(
    seeker_client, seeker, count, django_assert_num_queries
):
    """Guards a query per result line for its saved state: one for the page's save buttons,
    besides the search's own (the stored counts of open postings, none of so few, and the
    counting), the session and the user."""
    for _ in range(count):
        posting = PostingFactory(organisation=OrganisationFactory())
        SavedJob.objects.create(user=seeker, posting=posting)

    with django_assert_num_queries(8) as queries:
        response = seeker_client.get("/jobs/")

    assert response.content.decode().count("save-control__state") == count
    assert sum("seekers_savedjob" in query["sql"] for query in queries.captured_queries) == 1


def test_a_signed_in_posting_page_runs_a_fixed_number_of_queries(
    seeker_client, seeker, django_assert_num_queries
):
    """The public page's queries, plus the session, the user and the saved jobs: once,
    for the posting's button and its similar jobs' together."""
    posting = PostingFactory()
    PostingFactory.create_batch(4, role=posting.role)
    SavedJob.objects.create(user=seeker, posting=posting)
    seeker_client.get(posting.get_absolute_url())  # The first after a change stores its JSON-LD.

    with django_assert_num_queries(5):
        response = seeker_client.get(posting.get_absolute_url())

    assert response.status_code == HTTPStatus.OK


def test_the_save_page_runs_a_fixed_number_of_queries(seeker_client, django_assert_num_queries):
    posting = PostingFactory()

    with django_assert_num_queries(4):  # session, user, posting, whether saved
        response = seeker_client.get(save_url(posting))

    assert response.status_code == HTTPStatus.OK
