"""Counts of open postings, stored (postings/stored_counts.py): what /jobs/ with nothing
searched, the home page and the role directory show, and a role's salaries on its explainer,
read from one row rather than counted at every page."""

import json
import logging
import re
from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import DatabaseError, connection
from django.db.models import QuerySet
from django.utils import timezone

from postings import facets, stored_counts
from postings.models import OpenPostingCounts, Posting
from postings.views import roles as roles_views
from tests.factories import OrganisationFactory, PostingFactory, RoleFactory
from tests.helpers import JOBS

pytestmark = pytest.mark.django_db

RESULTS_HEADING = re.compile(r'<h2 id="results-heading">([\d,]+) jobs?')


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    """Every page rendered, as a miss of the page cache would be (and the search's counts
    kept in the cache with it, under its version, are off too)."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def stored_from_five(monkeypatch):
    """Counts stored from five open postings (in production, twice the deepest page)."""
    monkeypatch.setattr(facets, "STORED_FROM", 5)


def results_count(client, **params) -> int:
    response = client.get(JOBS, params)
    assert response.status_code == HTTPStatus.OK
    return int(RESULTS_HEADING.search(response.content.decode())[1].replace(",", ""))


def counting_queries(queries) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"]]


def test_with_nothing_searched_the_pages_after_the_first_count_nothing(
    client, stored_from_five, django_assert_num_queries
):
    role = RoleFactory(title="Director of Operations")
    PostingFactory.create_batch(4, role=role)
    PostingFactory.create_batch(2, workplace="remote", remote_countries="")

    assert results_count(client) == 6
    assert OpenPostingCounts.objects.count() == 1

    with django_assert_num_queries(2) as queries:  # the stored counts, the page's postings
        assert results_count(client) == 6
    assert counting_queries(queries) == []
    with django_assert_num_queries(2):  # the stored counts, the roles
        directory = client.get("/roles/").content.decode()
    assert "4 open jobs" in directory


def test_the_home_page_takes_its_figures_from_the_stored_counts(
    client, stored_from_five, django_assert_num_queries
):
    """The jobs and their employers: stored with the counts, so the home page runs three
    queries (the stored counts, the roles, the latest postings) where counting ran seven."""
    first, second = OrganisationFactory(), OrganisationFactory()
    PostingFactory.create_batch(4, organisation=first)
    PostingFactory.create_batch(2, organisation=second)
    PostingFactory(organisation=OrganisationFactory(), expired=True)
    client.get(JOBS)

    with django_assert_num_queries(3) as queries:
        html = client.get("/").content.decode()

    assert counting_queries(queries) == []
    assert re.search(r"<strong>6</strong> open jobs</a> from <strong>2</strong> employers", html)


def test_the_stored_counts_are_what_counting_gives(client, stored_from_five):
    organisation = OrganisationFactory()
    PostingFactory.create_batch(3, organisation=organisation, country="GB")
    PostingFactory(organisation=organisation, workplace="remote", remote_countries="DE FR")
    PostingFactory(workplace="remote", remote_countries="")
    PostingFactory(salary_currency="", salary_min=None, salary_max=None)
    counted = facets.open_jobs(Posting.objects.public())

    stored = facets.stored_tally("default")

    assert stored == counted
    assert stored.employers == 3
    assert stored.count("country", "DE") == 2  # the remote job open to it, and to anywhere


def test_a_tally_survives_json_with_its_values_kinds():
    tally = facets.Tally(
        estimated=True,
        total=7,
        population=90,
        facets={
            "role": {3: 5, None: 2},
            "country": {("based", "GB"): 4, ("anywhere",): 1},
            "paid_in": {"GBP": 4, "": 3},
        },
        role_names={3: ("coo", "Chief Operating Officer")},
    )

    assert facets.Tally.from_json(json.loads(json.dumps(tally.as_json()))) == tally


# Writes that commit, as a recruiter's do: the stored counts are forgotten on commit.
@pytest.mark.django_db(transaction=True)
def test_a_posting_published_is_counted_once_its_write_commits(client, stored_from_five):
    PostingFactory.create_batch(5)
    assert results_count(client) == 5

    PostingFactory()

    assert not OpenPostingCounts.objects.exists()
    assert results_count(client) == 6


@pytest.mark.django_db(transaction=True)
def test_a_suspended_employer_and_a_renamed_role_reach_the_stored_counts(client, stored_from_five):
    role = RoleFactory(title="Head of Logistics")
    suspended = OrganisationFactory()
    PostingFactory.create_batch(3, organisation=suspended, role=role)
    PostingFactory.create_batch(3, role=role)
    assert results_count(client) == 6

    suspended.is_suspended = True
    suspended.save()
    assert results_count(client) == 3

    role.title = "Head of Supply"
    role.save()
    assert "Head of Supply" in client.get(JOBS).content.decode()


def test_a_posting_that_expires_leaves_the_counts_within_their_lifetime(
    client, stored_from_five, django_assert_max_num_queries
):
    """Expiring is no write: the stored counts keep it until they are LIFETIME_SECONDS
    old, while the results never show it."""
    PostingFactory.create_batch(5)
    expiring = PostingFactory(title="Expiring Job")
    assert results_count(client) == 6
    with connection.cursor() as cursor:  # time passing, which sends no signal
        cursor.execute(
            "UPDATE postings_posting SET valid_through = %s WHERE id = %s",
            [timezone.now() - timedelta(minutes=1), expiring.pk],
        )

    page = client.get(JOBS).content.decode()
    assert "Expiring Job" not in page
    assert results_count(client) == 6

    OpenPostingCounts.objects.update(
        counted_at=timezone.now() - timedelta(seconds=stored_counts.LIFETIME_SECONDS + 1)
    )
    assert results_count(client) == 5


def test_few_open_postings_are_always_counted(client, django_assert_max_num_queries):
    """Below STORED_FROM a count decides the last page, so it is never a minute old."""
    PostingFactory.create_batch(5)

    assert results_count(client) == 5
    assert not OpenPostingCounts.objects.exists()
    assert facets.STORED_FROM == 2 * facets.EXACT_COUNT_LIMIT


def test_a_search_is_never_answered_with_the_stored_counts(client, stored_from_five):
    PostingFactory.create_batch(5, country="GB")
    PostingFactory(country="FR", city="Paris", region="Île-de-France")
    assert results_count(client) == 6

    assert results_count(client, country="FR") == 1
    assert results_count(client, sort="newest") == 6


def test_counts_stored_by_a_release_with_other_facets_are_not_read(client, stored_from_five):
    PostingFactory.create_batch(5)
    OpenPostingCounts.objects.create(
        key="another release", counts=facets.Tally(total=99).as_json(), counted_at=timezone.now()
    )

    assert results_count(client) == 5


def test_a_failed_store_still_serves_the_page(client, stored_from_five, monkeypatch, caplog):
    PostingFactory.create_batch(5)

    def busy(*args, **kwargs):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(QuerySet, "bulk_create", busy)
    with caplog.at_level(logging.WARNING, logger="postings.stored_counts"):
        assert results_count(client) == 5

    assert "Could not store the counts open-postings:" in caplog.text
    assert not OpenPostingCounts.objects.exists()


# -- A role's salaries, on its explainer ----------------------------------------------------

SALARIES = re.compile(r'<h3 id="pay-postings">.*?</p>', re.DOTALL)


def salaries_section(client, role) -> str:
    response = client.get(role.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    return SALARIES.search(response.content.decode())[0]


@pytest.fixture
def salaries_stored_from_four(monkeypatch):
    monkeypatch.setattr(roles_views, "SALARIES_STORED_FROM", 4)


def test_a_role_with_many_open_postings_has_its_salaries_read_from_one_row(
    client, salaries_stored_from_four, django_assert_max_num_queries
):
    role = RoleFactory(title="Head of Logistics")
    for low in (50_000, 60_000, 70_000):
        PostingFactory(role=role, salary_min=Decimal(low), salary_max=Decimal(low + 9_999))
    PostingFactory(role=role, employment_type="part_time", salary_currency="EUR")
    counted = salaries_section(client, role)

    with django_assert_max_num_queries(20) as queries:
        stored = salaries_section(client, role)

    assert stored == counted
    assert "GBP 50,000–79,999 a year, across 3 full-time postings" in stored
    assert "1 part-time posting in EUR: too few for a range" in stored
    assert not [query for query in queries.captured_queries if "MIN(" in query["sql"]]


def test_a_role_with_few_open_postings_is_counted_every_time(client, salaries_stored_from_four):
    role = RoleFactory(title="Head of Logistics")
    PostingFactory.create_batch(3, role=role)

    salaries_section(client, role)

    assert not OpenPostingCounts.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_posting_published_reaches_its_roles_stored_salaries(client, salaries_stored_from_four):
    role = RoleFactory(title="Head of Logistics")
    PostingFactory.create_batch(4, role=role, salary_min=Decimal(50_000), salary_max=None)
    assert "across 4 full-time postings" in salaries_section(client, role)

    PostingFactory(role=role, salary_min=Decimal(90_000), salary_max=None)

    assert "GBP 50,000–90,000 a year, across 5 full-time postings" in salaries_section(client, role)
