"""The home page: search box, the roles people are hiring for, the latest jobs."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone
from django.utils.html import strip_tags

from postings import facets
from postings.filters import PostingFilter
from postings.models import Workplace
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
    PostingFactory(
        organisation__name="Northwind",
        organisation__is_verified=False,
        city="Leeds",
        region="",
        country="GB",
    )

    latest = section(home(client), "latest-jobs")

    assert '<a href="/companies/northwind/">Northwind</a>' in latest
    assert "Northwind Leeds, United Kingdom On-site Full-time Salary: £60,000–£80,000 per year" in (
        " ".join(strip_tags(latest).split())
    )


def test_home_features_the_flagship_roles_then_those_with_most_open_jobs(client):
    busy = RoleFactory(title="Operations Manager", abbreviation="")
    quiet = RoleFactory(title="Chief Operating Officer", abbreviation="COO")
    RoleFactory(title="Director of Operations", abbreviation="")
    RoleFactory(title="Founder", abbreviation="")
    RoleFactory(title="Unpublished Role", is_published=False)
    PostingFactory.create_batch(3, role=busy)
    PostingFactory(role=quiet)
    PostingFactory.create_batch(5, role=quiet, expired=True)

    roles = section(home(client), "featured-roles")

    assert (
        roles.index("Chief Operating Officer")
        < roles.index("Director of Operations")
        < roles.index("Operations Manager")
        < roles.index("Founder")
    )
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


def test_on_a_large_site_home_shows_the_search_pages_estimates(client, monkeypatch):
    """Counting every open posting takes time in proportion to their number: past
    facets.SAMPLE_FROM the home page shows the search page's own estimates, so the two
    agree."""
    role = RoleFactory(title="Operations Manager", abbreviation="")
    employer = OrganisationFactory()
    postings = [
        PostingFactory(
            role=role,
            organisation=employer,
            workplace=[Workplace.REMOTE, Workplace.HYBRID][n % 2],
        )
        for n in range(200)
    ]
    last = max(posting.pk for posting in postings)
    monkeypatch.setattr(facets, "SAMPLE_FROM", 100)
    monkeypatch.setattr(facets, "EXACT_COUNT_LIMIT", 50)
    monkeypatch.setattr(PostingFilter, "deepest_result", 50)
    monkeypatch.setattr(facets, "SAMPLE_SIZE", last // 2)
    monkeypatch.setattr(facets, "MIN_SAMPLED", 20)

    html = home(client)

    search = client.get("/jobs/").content.decode()
    total = re.search(
        r"<strong>About ([\d,]+)</strong> open jobs</a> from <strong>1</strong>", html
    )
    assert total
    assert f"About {total[1]} jobs" in search
    assert re.search(r"About [\d,]+ open Operations Manager jobs", section(html, "featured-roles"))
    assert re.search(r"Remote \((about [\d,]+|under 100)\)", section(html, "browse-workplace"))
    assert "On-site (under 100)" in section(html, "browse-workplace")


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
    each featured role's open jobs one role at a time. Seven: the stored counts (none are
    stored of so few postings), the search's counts (sizing, grouping, role names), the
    roles, the latest postings, the employers."""
    for _ in range(10):
        PostingFactory.create_batch(3, role=RoleFactory())

    with django_assert_max_num_queries(7):
        html = home(client)

    assert section(html, "latest-jobs").count('class="result"') == 8
    assert section(html, "featured-roles").count('class="card"') == 6


def test_home_draws_the_operations_ladder_each_step_a_link_to_its_role(client):
    for title in (
        "Operations Analyst",
        "Operations Manager",
        "Director of Operations",
        "Vice President of Operations",
        "General Manager",
        "Chief Operating Officer",
        "Chief Executive Officer",
    ):
        RoleFactory(title=title, abbreviation="")
    RoleFactory(title="Founder", abbreviation="")

    ladder = home(client).split('<figure class="ladder"')[1].split("</figure>")[0]
    wide = ladder.split('<svg class="ladder__wide"')[1].split("</svg>")[0]
    links = re.findall(r'<a class="ladder__step[^"]*" href="([^"]+)">', wide)

    assert links == [
        "/roles/operations-analyst/",
        "/roles/operations-manager/",
        "/roles/director-of-operations/",
        "/roles/vice-president-of-operations/",
        "/roles/general-manager/",
        "/roles/chief-operating-officer/",
        "/roles/chief-executive-officer/",
    ]
    assert "<tspan" in wide  # each link is named by its visible text
    assert "/roles/founder/" not in ladder


def test_a_renamed_role_is_drawn_on_the_ladder_at_once(client, settings):
    """The figure is drawn once per process for each ladder: a new title is a new ladder."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    manager = RoleFactory(title="Operations Manager", abbreviation="")
    RoleFactory(title="Operations Analyst", abbreviation="")
    assert ">Manager</tspan>" in home(client).split('<figure class="ladder"')[1]

    manager.title = "Head of Operations"
    manager.save()
    ladder = home(client).split('<figure class="ladder"')[1].split("</figure>")[0]

    assert ">Head of</tspan>" in ladder
    assert ">Manager</tspan>" not in ladder


def test_a_site_without_the_ladders_roles_draws_no_ladder(client):
    RoleFactory(title="Founder", abbreviation="")

    assert '<figure class="ladder"' not in home(client)


def test_the_ladder_leaves_out_steps_whose_roles_are_not_published(client):
    RoleFactory(title="Operations Manager", abbreviation="")
    RoleFactory(title="Chief Executive Officer", abbreviation="", is_published=False)

    ladder = home(client).split('<figure class="ladder"')[1].split("</figure>")[0]

    assert "/roles/operations-manager/" in ladder
    assert "/roles/chief-executive-officer/" not in ladder
