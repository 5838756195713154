"""What keeps /jobs/ fast at 100,000 postings, held to what a visitor sees: counts summed from
one grouped query agree with the results, relevance ranks a bounded window of the newest
matches, pages are capped, a search's counts are reused, and the page stays small."""

import re
from datetime import timedelta
from http import HTTPStatus
from itertools import product

import pytest
from django.db import connection
from django.db.models import Q
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from postings import facets, filters, places
from postings import search as full_text
from postings.filters import PostingFilter
from postings.models import Posting
from postings.views.roles import explainer_salaries
from tests.factories import OrganisationFactory, PostingFactory, RoleFactory
from tests.helpers import JOBS, RESULT_TITLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied_postings():
    """Postings spread over roles, types, places and remote lists, some not public."""
    roles = [
        RoleFactory(title="Chief Operating Officer", slug="chief-operating-officer"),
        RoleFactory(title="Operations Manager", slug="operations-manager"),
        RoleFactory(title="Hidden Role", slug="hidden-role", is_published=False),
    ]
    places = [
        ("on_site", "GB", ""),
        ("hybrid", "IE", ""),
        ("remote", "US", ""),
        ("remote", "GB", "GB IE"),
        ("remote", "DE", "FR"),
    ]
    for n, (role, (workplace, country, remote), employment_type) in enumerate(
        product(roles, places, ["full_time", "contract"])
    ):
        PostingFactory(
            role=role,
            title=f"Operations lead {n}" if n % 2 else f"Supply planner {n}",
            workplace=workplace,
            country=country,
            remote_countries=remote,
            employment_type=employment_type,
            city="Leeds" if n % 3 else "Cork",
        )
    PostingFactory(role=roles[0], expired=True, country="GB")
    PostingFactory(role=roles[0], draft=True, country="GB")
    PostingFactory(role=roles[1], organisation__is_suspended=True, country="GB")


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def search(query: str) -> PostingFilter:
    return PostingFilter(QueryDict(query), queryset=Posting.objects.public())


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=operations",
        "q=supply",
        "role=chief-operating-officer",
        "role=hidden-role",
        "employment_type=contract&workplace=remote",
        "country=GB",
        "country=IE&workplace=remote",
        "country=FR",
        "q=operations&country=GB&employment_type=full_time",
        "location=leeds&role=operations-manager",
        "sort=newest&q=lead&workplace=hybrid",
    ],
)
def test_the_count_and_each_facet_agree_with_the_results_they_lead_to(varied_postings, query):
    filterset = search(query)

    assert filterset.count() == filterset.qs.count()
    for name, options in filterset.facets().items():
        for option in options:
            narrowed = QueryDict(query, mutable=True)
            narrowed[name] = option.value
            assert option.count == search(narrowed.urlencode()).qs.count(), (name, option)


def test_the_role_facet_names_published_roles_only(varied_postings):
    options = search("").facets()["role"]

    assert [option.label for option in options] == [
        "Chief Operating Officer",
        "Operations Manager",
    ]


def test_relevance_ranks_the_newest_matches_and_pages_no_further(client, monkeypatch):
    monkeypatch.setattr(filters, "RELEVANCE_WINDOW", 3)
    monkeypatch.setattr(filters, "PAGE_SIZE", 3)
    role = RoleFactory(title="Head Baker", slug="head-baker")
    # Oldest first: the title match is the oldest, outside the window of the newest three.
    PostingFactory(role=role, title="Sourdough lead", published_at=days_ago(9))
    for n in range(4):
        PostingFactory(
            role=role,
            title=f"Bakery post {n}",
            description="Bake sourdough daily." if n != 2 else "Bake sourdough. " * 5,
            published_at=days_ago(4 - n),
        )

    response = client.get(JOBS, {"q": "sourdough", "page": "7"})

    assert response.status_code == HTTPStatus.OK
    # The best of the newest three first, by rank; the total still counts every match.
    assert RESULT_TITLE.findall(response.content.decode()) == [
        "Bakery post 2",
        "Bakery post 3",
        "Bakery post 1",
    ]
    assert response.context["page_obj"].paginator.count == 5
    assert response.context["page_obj"].number == 1


def test_a_page_number_past_the_last_page_shows_the_last_page(client, monkeypatch):
    monkeypatch.setattr(filters, "MAX_PAGES", 2)
    for n in range(45):
        PostingFactory(title=f"Job {n}")

    response = client.get(JOBS, {"page": "200"})

    assert response.status_code == HTTPStatus.OK
    assert response.context["page_obj"].number == 2
    assert response.context["page_obj"].paginator.count == 45
    assert len(RESULT_TITLE.findall(response.content.decode())) == 20


def test_the_next_page_of_a_search_reuses_its_counts(
    client, settings, django_assert_max_num_queries
):
    """Counting visits every match; the next page, or another order, of the same search
    must not count again: only its page of results, their excerpts and the role the
    keywords name (a few dozen rows) are fetched."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    role = RoleFactory(title="Director of Operations", slug="director-of-operations")
    for n in range(45):
        PostingFactory(role=role, title=f"Operations lead {n}", organisation=OrganisationFactory())
    client.get(JOBS, {"q": "operations", "workplace": "on_site"})

    with django_assert_max_num_queries(3) as queries:
        response = client.get(JOBS, {"q": "operations", "workplace": "on_site", "page": "2"})

    assert response.status_code == HTTPStatus.OK
    assert response.context["page_obj"].paginator.count == 45
    assert not any("COUNT(" in query["sql"] for query in queries.captured_queries)


def test_a_page_of_twenty_varied_results_with_every_facet_stays_under_100_kb(client):
    countries = ["GB", "IE", "US", "DE", "FR", "NL", "CA", "AU", "SG", "IN"]
    roles = [RoleFactory(title=f"Operations Role {n}") for n in range(12)]
    for n in range(60):
        PostingFactory(
            role=roles[n % 12],
            title=f"Head of operations and supply chain planning {n}",
            country=countries[n % 10],
            workplace="remote",
            remote_countries=" ".join(countries[: n % 10]),
            description="Lead the operations team across every site. " * 60,
        )

    response = client.get(JOBS, {"q": "operations"})

    assert len(RESULT_TITLE.findall(response.content.decode())) == 20
    assert len(response.content) < 100_000


def test_the_indexes_the_search_relies_on_exist():
    """The counts read only postings_published_facets; without it every search scans the
    table. A migration that drops or renames these must replace them."""
    with connection.cursor() as cursor:
        names = {
            index
            for index, info in connection.introspection.get_constraints(
                cursor, Posting._meta.db_table
            ).items()
            if info["index"]
        }
    assert {
        "postings_published_newest",
        "postings_published_facets",
        "postings_role_newest",
        "postings_published_salary",
        "postings_published_sample",
    } <= names


# -- Estimates for broad searches ----------------------------------------------------------


@pytest.fixture
def sampled(monkeypatch):
    """Thresholds scaled down so that 200 postings count as many: the sample is about half
    of them (whatever ids earlier tests used up), and an estimate needs 20 sampled results
    and to be surely above 50."""

    def scale_to(postings: list[Posting]) -> None:
        last = max(posting.pk for posting in postings)
        monkeypatch.setattr(facets, "SAMPLE_FROM", 100)
        monkeypatch.setattr(facets, "EXACT_COUNT_LIMIT", 50)
        monkeypatch.setattr(PostingFilter, "deepest_result", 50)
        monkeypatch.setattr(facets, "SAMPLE_SIZE", last // 2)
        monkeypatch.setattr(facets, "MIN_SAMPLED", 20)

    return scale_to


def test_a_broad_search_is_estimated_from_a_sample_and_says_about(
    client, sampled, django_assert_max_num_queries
):
    role = RoleFactory(title="Director of Operations", slug="director-of-operations")
    workplaces = ["on_site", "hybrid", "remote", "remote"]
    sampled(
        [
            PostingFactory(role=role, title=f"Logistics lead {n}", workplace=workplaces[n % 4])
            for n in range(200)
        ]
    )

    filterset = search("")
    with django_assert_max_num_queries(4):
        total, options = filterset.count(), filterset.facets()

    assert filterset.tally.estimated
    assert 140 <= total <= 260
    remote = next(option for option in options["workplace"] if option.value == "remote")
    assert 60 <= remote.count <= 140
    assert remote.estimated
    assert filterset.count_text() == f"about {round(total, -1):,}"
    response = client.get(JOBS, {"q": "logistics"})
    assert re.search(
        r"<h2 id=\"results-heading\">About [\d,]+ jobs, page 1 of \d+</h2>",
        response.content.decode(),
    )
    assert len(RESULT_TITLE.findall(response.content.decode())) == 20


def test_keywords_are_estimated_once_surely_past_the_pages_their_ranking_offers(
    client, monkeypatch
):
    """Keywords rank only the newest matches, so their pages stop sooner than the list's:
    an estimate that would not stand for the list stands for them, and a common word with
    two filters is not counted match by match."""
    monkeypatch.setattr(filters, "RELEVANCE_WINDOW", 20)
    role = RoleFactory(title="Director of Operations", slug="director-of-operations")
    postings = [PostingFactory(role=role, title=f"Logistics lead {n}") for n in range(200)]
    monkeypatch.setattr(facets, "SAMPLE_FROM", 100)
    monkeypatch.setattr(facets, "SAMPLE_SIZE", max(posting.pk for posting in postings) // 2)
    monkeypatch.setattr(facets, "MIN_SAMPLED", 20)

    keywords, everything = search("q=logistics"), search("")

    assert keywords.deepest_result == 20
    assert everything.deepest_result == facets.EXACT_COUNT_LIMIT
    assert keywords.tally.estimated
    assert not everything.tally.estimated
    assert everything.count() == 200
    html = client.get(JOBS, {"q": "logistics"}).content.decode()
    assert re.search(r'<h2 id="results-heading">About [\d,]+ jobs</h2>', html)
    assert '<h2 id="results-heading">200 jobs' in client.get(JOBS).content.decode()


def test_a_narrow_search_among_many_postings_is_counted_exactly(client, sampled):
    role = RoleFactory(title="Director of Operations", slug="director-of-operations")
    postings = [PostingFactory(role=role, country="GB") for _ in range(190)]
    postings += [
        PostingFactory(role=role, title=f"Port manager {n}", country="NZ") for n in range(7)
    ]
    sampled(postings)

    for query in ["country=NZ", "q=port", "q=port&country=NZ"]:
        filterset = search(query)
        assert not filterset.tally.estimated
        assert filterset.count() == 7, query
    response = client.get(JOBS, {"country": "NZ"})
    assert "7 jobs" in response.content.decode()
    assert "about" not in response.content.decode().split("results-heading", 1)[1][:60]


def test_a_rare_combination_within_a_common_word_counts_its_results_exactly(
    client, sampled, monkeypatch, django_assert_max_num_queries
):
    """Exact facets would read every match of the word; only the results are counted
    exactly (every filter applied, which the indexes narrow) and the facets estimated."""
    role = RoleFactory(title="Director of Operations", slug="director-of-operations")
    postings = [PostingFactory(role=role, title=f"Logistics lead {n}") for n in range(190)]
    postings += [
        PostingFactory(role=role, title=f"Logistics lead NZ {n}", country="NZ", workplace="on_site")
        for n in range(7)
    ]
    sampled(postings)
    monkeypatch.setattr(facets, "EXACT_FACETS_LIMIT", 60)

    filterset = search("q=logistics&country=NZ&workplace=on_site")
    # Reading the keywords (shorthand, spelling) has queries of its own, pinned with the page.
    assert filterset.reading.query == "logistics"
    with django_assert_max_num_queries(5):
        total = filterset.count()

    assert total == 7
    assert filterset.count_text() == "7"
    assert filterset.tally.estimated
    response = client.get(JOBS, {"q": "logistics", "country": "NZ", "workplace": "on_site"})
    html = response.content.decode()
    assert '<h2 id="results-heading">7 jobs</h2>' in html
    assert len(RESULT_TITLE.findall(html)) == 7


def test_a_common_word_in_a_busy_place_is_estimated_from_the_place_s_own_postings(
    client, sampled, monkeypatch, django_assert_max_num_queries
):
    """A sample of every posting holds too few of a city's to estimate a word's matches
    there, and counting them exactly reads every match of the word: the place is sized and
    sampled on its own (its postings in the same buckets), in as many queries."""
    role = RoleFactory(title="Director of Operations", slug="director-of-operations")
    postings = [
        PostingFactory(role=role, title=f"Logistics lead {n}", city="Leeds", country="GB")
        for n in range(120)
    ]
    postings += [
        PostingFactory(role=role, title=f"Buyer {n}", city="Leeds", country="GB") for n in range(80)
    ]
    postings += [
        PostingFactory(role=role, title=f"Logistics lead {n}", city="Cork", country="IE")
        for n in range(100)
    ]
    sampled(postings)
    # Half of Leeds's 200 postings in the sample, and the place counted in every bucket.
    monkeypatch.setattr(facets, "PLACE_SAMPLE_FROM", 100)
    monkeypatch.setattr(facets, "SAMPLE_SIZE", 100)
    monkeypatch.setattr(facets, "PLACE_PROBE_BUCKETS", facets.SAMPLE_BUCKETS)

    filterset = search("q=logistics&location=Leeds")
    assert filterset.reading.query == "logistics"
    with django_assert_max_num_queries(3):
        total = filterset.count()

    assert filterset.tally.estimated
    assert filterset.tally.population == 200
    assert 90 <= total <= 150
    html = client.get(JOBS, {"q": "logistics", "location": "Leeds"}).content.decode()
    assert re.search(r'<h2 id="results-heading">About [\d,]+ jobs, page 1 of \d+</h2>', html)
    shown = RESULT_TITLE.findall(html)
    assert len(shown) == 20
    assert all(title.startswith("Logistics lead") for title in shown)
    assert {posting.title for posting in Posting.objects.filter(title__in=shown)} == set(shown)
    assert not Posting.objects.filter(title__in=shown, city="Cork").exists()


def test_a_quiet_place_among_many_postings_is_counted_exactly(client, sampled, monkeypatch):
    role = RoleFactory(title="Director of Operations", slug="director-of-operations")
    postings = [PostingFactory(role=role, title=f"Logistics lead {n}") for n in range(190)]
    postings += [
        PostingFactory(role=role, title=f"Logistics lead {n}", city="Cork", country="IE")
        for n in range(7)
    ]
    sampled(postings)
    monkeypatch.setattr(facets, "PLACE_SAMPLE_FROM", 100)
    monkeypatch.setattr(facets, "PLACE_PROBE_BUCKETS", facets.SAMPLE_BUCKETS)

    filterset = search("q=logistics&location=Cork")

    assert not filterset.tally.estimated
    assert filterset.count() == 7
    html = client.get(JOBS, {"q": "logistics", "location": "Cork"}).content.decode()
    assert '<h2 id="results-heading">7 jobs</h2>' in html


def test_the_estimate_is_the_same_on_every_request(client, sampled):
    """The sample is fixed by the postings' ids: the same search never shows two figures,
    however often it is counted afresh (the page cache is off here)."""
    role = RoleFactory(title="Director of Operations", slug="director-of-operations")
    postings = [PostingFactory(role=role, title=f"Logistics lead {n}") for n in range(200)]
    sampled(postings)

    tallies = [search("").tally for _ in range(5)]
    headings = {
        re.search(r'<h2 id="results-heading">([^<]*)</h2>', client.get(JOBS).content.decode())[1]
        for _ in range(3)
    }

    assert all(tally.estimated for tally in tallies)
    assert len({(tally.total, str(tally.facets)) for tally in tallies}) == 1
    assert len(headings) == 1
    # The sample is the postings whose bucket, a function of the id, is among the lowest.
    buckets = facets.sample_buckets(facets.highest_id(Posting.objects.all()))
    in_sample = [p for p in postings if (p.pk * 40503) & 65535 < buckets]
    assert tallies[0].total == round(len(in_sample) * facets.SAMPLE_BUCKETS / buckets)


def test_estimates_start_far_beyond_the_deepest_page():
    """An estimate may be a tenth off; the pages offered must all hold results, so an
    estimate stands only when even four standard deviations low it passes the last page."""
    assert facets.EXACT_COUNT_LIMIT == filters.MAX_PAGES * filters.PAGE_SIZE
    assert facets.MIN_SAMPLED >= 50


@pytest.mark.parametrize(
    ("count", "estimated", "text"),
    [
        (0, False, "0"),
        (7, False, "7"),
        (58_010, False, "58,010"),
        (58_010, True, "about 58,000"),
        (5_449, True, "about 5,400"),
        (999_999, True, "about 1,000,000"),
        (100, True, "about 100"),
        (64, True, "under 100"),
    ],
)
def test_counts_read_as_figures_and_estimates_as_round_ones(count, estimated, text):
    assert facets.count_text(count, estimated=estimated) == text


@pytest.mark.parametrize(
    ("total", "population", "common"),
    [(25, 1000, True), (24, 1000, False), (1000, 1000, True), (0, 0, False)],
)
def test_a_search_is_common_when_one_posting_in_forty_or_more_matches(total, population, common):
    assert facets.Tally(total=total, population=population).common is common


@pytest.mark.parametrize(
    ("count", "population", "walkable"),
    [
        # "COO London" at 1,000,000 postings: 4,000 of London's 28,000, eight windows.
        (4_000, 28_000, True),
        # At 100,000: 400 of 2,800, dense, but the window holds them all.
        (400, 2_800, False),
        # Four windows of a place forty times as large: too sparse to walk.
        (2_000, 81_000, False),
        (2_000, 80_000, True),
        (0, 0, False),
    ],
)
def test_a_place_is_walked_when_its_results_are_dense_and_many_windows(count, population, walkable):
    tally = facets.Tally(total=count, population=population)

    assert tally.walkable(count, 500) is walkable


def test_a_common_search_ranks_what_the_index_would_find_in_the_same_order(db):
    """Walking the newest postings and testing each (`common`) finds the same newest
    matches, ranked alike, as reading them from the full-text index."""
    role = RoleFactory(title="Warehouse Lead")
    for n in range(30):
        PostingFactory(role=role, title=f"Operations lead {n}" if n % 3 else f"Buyer {n}")
    everyone = Posting.objects.public()

    def ranked(common: bool) -> list[int]:
        found = full_text.ranked(everyone, "operations lead", window=5, common=common)
        return list(
            found.order_by("-search_rank", "-published_at", "-pk").values_list("pk", flat=True)
        )

    assert ranked(common=True) == ranked(common=False)
    assert len(ranked(common=True)) == 5


def test_a_common_search_in_a_place_ranks_what_the_index_would_find_in_the_same_order(db):
    """Walking each part of a place (its city's postings, its region's) newest first and
    keeping the newest of them all finds the same newest matches, and the same newest of
    the favoured role, ranked alike, as reading them from the indexes of the words and the
    role."""
    lead, director = RoleFactory(title="Warehouse Lead"), RoleFactory(title="Site Director")
    places_ = [("London", "England"), ("Croydon", "London"), ("Leeds", "England")]
    for n in range(36):
        city, region = places_[n % 3]
        PostingFactory(
            # The favoured role's postings in London are older than its newest ten matches.
            role=director if n in (25, 30, 33) else lead,
            title=f"Operations lead {n}" if n % 4 else f"Buyer {n}",
            city=city,
            region=region,
            country="GB",
            published_at=days_ago(n),
        )
    parts = places.location_parts("London")
    everyone = Posting.objects.public()

    def ranked(common: bool) -> list[int]:
        found = full_text.ranked(
            everyone,
            "operations lead",
            window=10,
            favoured=Q(role=director),
            common=common,
            favoured_common=common,
            within=parts,
        )
        return list(
            found.order_by("-search_rank", "-published_at", "-pk").values_list("pk", flat=True)
        )

    shown = Posting.objects.in_bulk(ranked(common=True))
    assert ranked(common=True) == ranked(common=False)
    # The newest ten matches in London, and the newest two of the favoured there besides.
    assert len(shown) == 12
    assert {posting.city for posting in shown.values()} == {"London", "Croydon"}
    first, second, third = (shown[pk] for pk in ranked(common=True)[:3])
    assert first.role == second.role == director != third.role


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")
def test_on_sqlite_a_search_in_a_place_walks_the_place_s_own_indexes(db):
    """With a city and a region in one query SQLite walked every posting newest first,
    testing each for the place (44 ms for "COO London" at 100,000 postings); each part
    walked through the index on its key reads only the place's postings."""
    PostingFactory(title="Operations lead", city="London", region="England", country="GB")
    found = full_text.ranked(
        Posting.objects.public(),
        "operations lead",
        window=10,
        within=places.location_parts("London"),
    )
    sql, params = found.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())

    assert "postings_city_newest" in plan
    assert "postings_published_newest" not in plan
    assert [posting.city for posting in found] == ["London"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's covering index")
def test_an_explainers_salaries_come_from_the_roles_index_alone(db):
    """Every column of a posting that the salary ranges by kind of job read is in
    postings_role_newest, so that PostgreSQL can answer them from the index alone: without
    employment_type it read every open posting of the role (6.7 ms for 2,500 at 100,000
    postings, against 1.3). The status is the index's condition."""
    role = RoleFactory()
    PostingFactory.create_batch(3, role=role, employment_type="part_time")
    with CaptureQueriesContext(connection) as captured:
        explainer_salaries(Posting.objects.public().for_role(role))
    (query,) = captured.captured_queries
    read = set(re.findall(r'"postings_posting"\."(\w+)"', query["sql"])) - {"status"}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_index JOIN pg_attribute ON attrelid = indrelid"
            " AND attnum = ANY(indkey) WHERE indexrelid = 'postings_role_newest'::regclass"
        )
        indexed = {name for (name,) in cursor.fetchall()}

    assert {"employment_type", "salary_min_annual", "role_id"} <= read
    assert read <= indexed
