"""The order of a keyword search and the role answer above it: a role the keywords name comes
first and is explained in a short card; the words as one phrase in a title beat the same
words scattered."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.utils import timezone

from postings import filters, search
from roles.models import Level
from roles.wages import SOURCE, SOURCE_URL, wages_for
from tests.factories import AlternateTitleFactory, PostingFactory, RoleFactory
from tests.helpers import JOBS, RESULT_TITLE, SEARCH_PAGE_QUERIES, get_page, titles

pytestmark = pytest.mark.django_db

PLAIN = "We need someone to keep the business running smoothly."
CARD = re.compile(r'<aside class="role-answer".*?</aside>', re.DOTALL)
RESULT_LIST = re.compile(r'<ol class="result-list".*?</ol>', re.DOTALL)


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


@pytest.fixture
def coo():
    return RoleFactory(
        title="Chief Operating Officer",
        abbreviation="COO",
        level=Level.EXECUTIVE,
        onet_soc_code="11-1011.00",
        brief_answer=(
            "A Chief Operating Officer (COO) runs a company's day-to-day business. "
            "Reporting to the CEO, the COO turns strategy into plans."
        ),
    )


@pytest.fixture
def cmo():
    role = RoleFactory(title="Chief Marketing Officer", abbreviation="CMO", level=Level.EXECUTIVE)
    AlternateTitleFactory(role=role, title="Chief Brand Officer")
    return role


@pytest.fixture
def director():
    role = RoleFactory(title="Director of Operations", level=Level.DIRECTOR)
    AlternateTitleFactory(role=role, title="Operations Director")
    AlternateTitleFactory(role=role, title="Head of Operations")
    return role


@pytest.fixture
def general_manager():
    role = RoleFactory(title="General Manager", abbreviation="GM")
    AlternateTitleFactory(role=role, title="Head of Business Unit")
    return role


def card(html: str) -> str:
    """The role answer's HTML, or "" when the page has none."""
    found = CARD.search(html)
    return found.group(0) if found else ""


# --- Ranking ------------------------------------------------------------------------------


def test_chief_operating_officer_puts_coo_postings_above_officers_whose_texts_scatter_the_words(
    client, coo, cmo
):
    # Newer, and full of the words: only the phrase and the role can put the COOs first.
    for n, title in enumerate(["Chief Marketing Officer", "Chief Brand Officer, Operating"]):
        PostingFactory(
            role=cmo,
            title=title,
            description="The chief officer for operating the brand. Operating chief officer. " * 5,
            published_at=days_ago(n),
        )
    PostingFactory(
        role=coo, title="Chief Operating Officer", description=PLAIN, published_at=days_ago(5)
    )
    PostingFactory(role=coo, title="Second in command", description=PLAIN, published_at=days_ago(6))

    found = titles(client, q="Chief Operating Officer")

    assert found[:2] == ["Chief Operating Officer", "Second in command"]
    assert set(found[2:]) == {"Chief Marketing Officer", "Chief Brand Officer, Operating"}


def test_the_words_as_one_phrase_in_a_title_beat_the_same_words_scattered(client):
    """No role is named: the phrase alone decides."""
    baker = RoleFactory(title="Head Baker")
    scattered = "Bread: a baker for bread, rolls and bread"
    PostingFactory(role=baker, title=scattered, description="Bread and a baker. " * 10)
    PostingFactory(role=baker, title="Bread Baker", description=PLAIN)

    assert titles(client, q="bread baker") == ["Bread Baker", scattered]


def test_head_of_operations_ranks_director_of_operations_postings_first(
    client, director, general_manager
):
    for n in range(3):
        PostingFactory(
            role=general_manager,
            title=f"Head of Business Unit {n}",
            description="Head of every operations team. Operations head. " * 5,
            published_at=days_ago(n),
        )
    PostingFactory(role=director, title="Site leader, Leeds", description=PLAIN)

    assert titles(client, q="head of operations")[0] == "Site leader, Leeds"


def test_a_named_roles_postings_come_first_even_outside_the_newest_matches(
    client, monkeypatch, director, general_manager
):
    """Relevance ranks a window of the newest matches only; the named role's postings are
    looked up apart, or a role whose words are common would be missed altogether."""
    monkeypatch.setattr(filters, "RELEVANCE_WINDOW", 2)
    PostingFactory(role=director, title="Site leader, Leeds", published_at=days_ago(30))
    for n in range(3):
        PostingFactory(
            role=general_manager,
            title=f"Head of Business Unit {n}",
            description="Head of operations.",
            published_at=days_ago(n),
        )

    found = titles(client, q="head of operations")

    assert found[0] == "Site leader, Leeds"
    assert len(found) == 3


def test_the_newest_order_ignores_the_named_role(client, director, general_manager):
    PostingFactory(role=director, title="Site leader, Leeds", published_at=days_ago(5))
    PostingFactory(
        role=general_manager,
        title="Head of Business Unit",
        description="Head of operations.",
        published_at=days_ago(1),
    )

    assert titles(client, q="head of operations", sort="newest") == [
        "Head of Business Unit",
        "Site leader, Leeds",
    ]


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("chief operating officer", "chief operating officer"),
        ('"head of operations" -retail', "head of operations"),
        ('operations -"chief operating officer" -coo', "operations"),
        ("coo OR cfo", "coo cfo"),
        ("-", ""),
    ],
)
def test_the_words_a_query_asks_for_leave_out_what_it_excludes(query, words):
    assert search.sought(query) == words


# --- The role answer ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["Chief Operating Officer", "COO", "coo jobs", "chief-operating officer"]
)
def test_a_search_that_names_a_role_opens_with_its_answer(client, coo, query):
    PostingFactory(role=coo, title="Second in command")

    html = get_page(client, JOBS, {"q": query})

    assert "What is a Chief Operating Officer (COO)?" in card(html)


def test_an_alternate_title_names_its_role(client, director):
    PostingFactory(role=director, title="Site leader, Leeds")

    html = get_page(client, JOBS, {"q": "head of operations"})

    assert "What is a Director of Operations?" in card(html)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "operations"},
        {"q": "chief officer"},
        # Words it excludes, or two roles to choose from, name no one role.
        {"q": "operations -COO"},
        {"q": 'operations -"chief operating officer"'},
        {"q": "COO or director of operations"},
    ],
)
def test_a_search_that_names_no_role_has_no_answer(client, coo, director, params):
    PostingFactory(role=coo, title="Chief Operating Officer")
    PostingFactory(role=director, title="Director of Operations")

    html = get_page(client, JOBS, params)

    assert "role-answer" not in html


def test_the_answer_says_what_the_role_is_its_median_pay_its_open_jobs_and_links_the_explainer(
    client, coo, cmo
):
    for n in range(3):
        PostingFactory(role=coo, title=f"Chief Operating Officer {n}")
    PostingFactory(role=cmo, title="Chief Marketing Officer", description="Reports to the COO.")
    median = wages_for("11-1011").annual_median

    answer = card(get_page(client, JOBS, {"q": "COO"}))

    # One sentence: the first of the brief answer.
    assert "runs a company&#x27;s day-to-day business." in answer
    assert "turns strategy into plans" not in answer
    # The occupation's median, said to be that, with its source.
    assert (
        f"Median pay of Chief Executives in the US: <strong>${median:,} a year</strong>" in answer
    )
    assert "national median of the whole occupation" in answer
    assert f'<a href="{SOURCE_URL}">{SOURCE}</a>' in answer
    # The role's jobs among the results (not the CMO who mentions a COO), and the explainer.
    assert '<a href="/jobs/?q=COO&amp;role=chief-operating-officer">3 open COO jobs</a>' in answer
    assert f'<a href="{coo.get_absolute_url()}">' in answer


def test_the_answer_shows_no_median_where_the_explainer_shows_no_wage_table(client):
    role = RoleFactory(title="Head Baker", onet_soc_code="")
    PostingFactory(role=role, title="Head Baker")

    answer = card(get_page(client, JOBS, {"q": "head baker"}))
    explainer = get_page(client, role.get_absolute_url())

    assert "What is a Head Baker?" in answer
    assert "Median" not in answer
    assert "wage-table" not in explainer


def test_the_answer_says_so_when_no_job_of_the_role_matches(client, coo):
    html = get_page(client, JOBS, {"q": "COO"})

    assert "No open COO job matches this search." in card(html)
    assert "No open jobs match this search." in html


def test_the_answer_is_not_a_result(client, coo):
    for n in range(2):
        PostingFactory(role=coo, title=f"Chief Operating Officer {n}")

    html = get_page(client, JOBS, {"q": "COO"})

    assert card(html)
    assert card(html) not in RESULT_LIST.search(html).group(0)
    assert html.index("role-answer") < html.index('id="results-heading"')
    assert len(RESULT_TITLE.findall(html)) == 2
    assert ">2 jobs</h2>" in html


def test_the_answer_opens_the_first_page_only(client, coo):
    for n in range(25):
        PostingFactory(role=coo, title=f"Chief Operating Officer {n}")

    assert card(get_page(client, JOBS, {"q": "COO"}))
    assert not card(get_page(client, JOBS, {"q": "COO", "page": "2"}))


@pytest.mark.parametrize("postings", [2, 30])
def test_a_search_that_names_a_role_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, coo, cmo, director, postings
):
    """The role is found with every role's alternate titles in one query (not one per role
    or title), its open jobs come from the counts and its pay from the wage table: the
    answer costs that one query, within the search page's."""
    for n in range(postings):
        PostingFactory(role=[coo, cmo, director][n % 3], title=f"Chief Operating Officer {n}")

    with django_assert_max_num_queries(SEARCH_PAGE_QUERIES) as queries:
        html = get_page(client, JOBS, {"q": "Chief Operating Officer"})

    assert card(html)
    role_queries = [q for q in queries.captured_queries if "roles_alternatetitle" in q["sql"]]
    assert len(role_queries) == 1


def test_two_anonymous_visitors_see_the_same_cached_answer(
    settings, coo, django_assert_num_queries
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    PostingFactory(role=coo, title="Chief Operating Officer")
    first = Client().get(JOBS, {"q": "COO"})

    with django_assert_num_queries(0):
        second = Client().get(JOBS, {"q": "COO"})

    assert first.status_code == second.status_code == HTTPStatus.OK
    assert second.content == first.content
    assert card(second.content.decode())
