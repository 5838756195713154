"""The home page: search box, the roles people are hiring for, the latest jobs."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone

from postings.models import Workplace
from postings.views import home as home_view
from tests.factories import OrganisationFactory, PostingFactory, RoleFactory

pytestmark = pytest.mark.django_db


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"')[1].split("</section>")[0]


def test_home_shows_the_latest_open_postings_newest_first(client):
    now = timezone.now()
    PostingFactory(title="Older Job", published_at=now - timedelta(days=3))
    PostingFactory(title="Newer Job", published_at=now - timedelta(hours=2))
    PostingFactory(title="Expired Job", expired=True)
    PostingFactory(title="Draft Job", draft=True)
    PostingFactory(title="Closed Job", closed=True)

    latest = section(home(client), "latest-jobs")

    assert latest.index("Newer Job") < latest.index("Older Job")
    assert "Expired Job" not in latest
    assert "Draft Job" not in latest
    assert "Closed Job" not in latest


def test_latest_postings_show_organisation_place_and_salary(client):
    PostingFactory(organisation__name="Northwind", city="Leeds", region="", country="GB")

    latest = section(home(client), "latest-jobs")

    assert "Northwind · Leeds, United Kingdom · On-site · Full-time" in latest
    assert "£60,000–£80,000 per year" in latest


def test_home_features_the_roles_with_most_open_jobs_first(client):
    busy = RoleFactory(title="Operations Manager", abbreviation="")
    quiet = RoleFactory(title="Chief Operating Officer", abbreviation="COO")
    RoleFactory(title="Unpublished Role", is_published=False)
    PostingFactory.create_batch(3, role=busy)
    PostingFactory(role=quiet)
    PostingFactory.create_batch(5, role=quiet, expired=True)

    roles = section(home(client), "featured-roles")

    assert roles.index("Operations Manager") < roles.index("Chief Operating Officer")
    assert "3 open Operations Manager jobs" in roles
    assert "1 open COO job<" in roles
    assert 'href="/jobs/?role=operations-manager"' in roles
    assert "Unpublished Role" not in roles


def test_featured_role_without_jobs_says_so(client):
    RoleFactory(title="Founder")

    assert "No open jobs right now" in section(home(client), "featured-roles")


def test_home_counts_open_jobs_and_employers(client):
    acme = OrganisationFactory()
    PostingFactory.create_batch(3, organisation=acme)
    PostingFactory()
    PostingFactory(organisation=OrganisationFactory(), expired=True)

    html = home(client)

    assert re.search(r"<strong>4</strong> open jobs</a> from <strong>2</strong> employers", html)


def test_home_offers_browsing_by_workplace_with_counts(client):
    PostingFactory.create_batch(2, workplace=Workplace.REMOTE)
    PostingFactory(workplace=Workplace.HYBRID)

    browse = section(home(client), "browse-workplace")

    assert '<a class="badge" href="/jobs/?workplace=remote">Remote (2)</a>' in browse
    assert '<a class="badge" href="/jobs/?workplace=hybrid">Hybrid (1)</a>' in browse
    assert "On-site (0)" in browse


def test_home_counts_past_the_cap_read_as_the_cap_and_a_plus(client, monkeypatch):
    """Counting every open posting takes time in proportion to their number: past the cap
    the home page says "1,000+" and leaves the exact figures to the search page."""
    monkeypatch.setattr(home_view, "JOB_COUNT_CAP", 3)
    PostingFactory.create_batch(3, workplace=Workplace.REMOTE)
    PostingFactory(workplace=Workplace.HYBRID)

    html = home(client)

    stats = html.split('class="home-stats"')[1].split("</p>")[0]
    assert re.search(r"<strong>3\+</strong> open jobs</a>", stats)
    assert "employer" not in stats
    browse = section(html, "browse-workplace")
    assert '<a class="badge" href="/jobs/?workplace=remote">Remote</a>' in browse
    assert '<a class="badge" href="/jobs/?workplace=on_site">On-site</a>' in browse


def test_home_counts_up_to_the_cap_exactly(client, monkeypatch):
    monkeypatch.setattr(home_view, "JOB_COUNT_CAP", 3)
    PostingFactory.create_batch(2, workplace=Workplace.REMOTE)
    PostingFactory(workplace=Workplace.HYBRID)

    html = home(client)

    assert re.search(r"<strong>3</strong> open jobs</a> from <strong>3</strong> employers", html)
    assert "Remote (2)" in section(html, "browse-workplace")


def test_featured_roles_past_the_cap_read_as_the_cap_and_rank_by_title(client, monkeypatch):
    monkeypatch.setattr(home_view, "ROLE_JOB_COUNT_CAP", 2)
    busiest = RoleFactory(title="Operations Manager", abbreviation="")
    busy = RoleFactory(title="Head of Operations", abbreviation="")
    quiet = RoleFactory(title="Chief Operating Officer", abbreviation="COO")
    PostingFactory.create_batch(5, role=busiest)
    PostingFactory.create_batch(3, role=busy)
    PostingFactory.create_batch(2, role=quiet)

    roles = section(home(client), "featured-roles")

    assert roles.index("Head of Operations") < roles.index("Operations Manager")
    assert roles.index("Operations Manager") < roles.index("Chief Operating Officer")
    assert "2+ open Operations Manager jobs" in roles
    assert "2+ open Head of Operations jobs" in roles
    assert "2 open COO jobs" in roles


def test_home_without_postings_says_so_and_links_the_roles(client):
    html = home(client)

    assert "No jobs are open right now" in html
    assert 'id="browse-workplace"' not in html


def test_home_links_the_feeds(client):
    html = home(client)

    assert 'href="/jobs/feed/rss/"' in html
    assert 'href="/jobs/feed/atom/"' in html
    assert 'href="/jobs/feed.xml"' in html


def test_home_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    """Guards the N+1 of each latest posting fetching its organisation, and of counting
    each featured role's open jobs one role at a time."""
    for _ in range(10):
        PostingFactory.create_batch(3, role=RoleFactory())

    with django_assert_max_num_queries(3):
        html = home(client)

    assert section(html, "latest-jobs").count('class="result"') == 8
    assert section(html, "featured-roles").count('class="card"') == 6
