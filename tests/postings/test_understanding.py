"""Keywords that name a filter (postings/understanding.py): a workplace, a job type or a place
typed into the box acts on that field; the page says what it understood and links to the
words as typed; the canonical address is the search's filter form."""

import html
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest

from postings.models import EmploymentType, Workplace
from roles.models import Level
from tests.factories import PostingFactory, RoleFactory
from tests.helpers import JOBS, SEARCH_PAGE_QUERIES, get_page, search_note, title_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def coo():
    return RoleFactory(title="Chief Operating Officer", abbreviation="COO", level=Level.EXECUTIVE)


@pytest.fixture
def analyst():
    return RoleFactory(title="Operations Analyst", level=Level.PROFESSIONAL)


@pytest.fixture
def postings(coo, analyst):
    """Jobs in London, Munich, New York, Berlin and Paris, and remote ones: each titled by
    where it is and how, so that a test reads which came back."""

    def posting(title, role=analyst, **fields):
        return PostingFactory(title=title, role=role, **fields)

    return [
        posting("COO London", role=coo, city="London", region="England", country="GB"),
        posting("COO Paris", role=coo, city="Paris", region="Île-de-France", country="FR"),
        posting("Analyst London", city="London", region="England", country="GB"),
        posting("Analyst Munich", city="München", region="Bayern", country="DE"),
        posting("Analyst Berlin", city="Berlin", region="Berlin", country="DE"),
        posting("Analyst New York", city="New York", region="NY", country="US"),
        posting(
            "Analyst Paris part-time",
            city="Paris",
            region="Île-de-France",
            country="FR",
            employment_type=EmploymentType.PART_TIME,
        ),
        posting(
            "Remote analyst, open to Germany",
            city="Vienna",
            region="Vienna",
            country="AT",
            workplace=Workplace.REMOTE,
            remote_countries="DE AT",
        ),
        posting(
            "Remote analyst, France only",
            city="Lyon",
            region="Auvergne-Rhône-Alpes",
            country="FR",
            workplace=Workplace.REMOTE,
            remote_countries="FR",
        ),
        posting(
            "Hybrid analyst on contract",
            city="Paris",
            region="Île-de-France",
            country="FR",
            workplace=Workplace.HYBRID,
            employment_type=EmploymentType.CONTRACT,
        ),
    ]


def found(client, **params) -> set[str]:
    return title_set(client, **params)


def canonical(page: str) -> dict[str, list[str]]:
    start = page.index('<link rel="canonical" href="') + len('<link rel="canonical" href="')
    url = html.unescape(page[start : page.index('"', start)])
    assert urlsplit(url).path == JOBS
    return parse_qs(urlsplit(url).query)


@pytest.mark.parametrize(
    ("typed", "expected", "filter_form"),
    [
        (
            "remote",
            {"Remote analyst, open to Germany", "Remote analyst, France only"},
            {"workplace": ["remote"]},
        ),
        (
            "work from home",
            {"Remote analyst, open to Germany", "Remote analyst, France only"},
            {"workplace": ["remote"]},
        ),
        ("hybrid", {"Hybrid analyst on contract"}, {"workplace": ["hybrid"]}),
        ("contract", {"Hybrid analyst on contract"}, {"employment_type": ["contract"]}),
        ("part-time", {"Analyst Paris part-time"}, {"employment_type": ["part_time"]}),
        ("COO London", {"COO London"}, {"q": ["COO"], "location": ["London"]}),
        (
            "Germany",
            {"Analyst Munich", "Analyst Berlin", "Remote analyst, open to Germany"},
            {"country": ["DE"]},
        ),
        ("München", {"Analyst Munich"}, {"location": ["Munich"]}),
        ("NYC", {"Analyst New York"}, {"location": ["New York"]}),
        ("analyst paris part-time", {"Analyst Paris part-time"}, None),
        ("analyst jobs in Berlin", {"Analyst Berlin"}, {"q": ["analyst"], "location": ["Berlin"]}),
    ],
)
def test_words_that_name_a_workplace_job_type_or_place_act_on_that_field(
    client, postings, typed, expected, filter_form
):
    page = get_page(client, JOBS, {"q": typed})

    assert found(client, q=typed) == expected
    assert search_note(page).startswith("Showing ")
    if filter_form is not None:
        assert canonical(page) == filter_form


def test_the_page_says_what_it_understood_and_links_to_the_words_as_typed(client, postings):
    page = get_page(client, JOBS, {"q": "COO London remote"})

    assert search_note(page) == (
        "Showing remote jobs matching “COO” in London · search instead for COO London remote "
        "as typed"
    )
    link = html.unescape(page.split('<p class="search-note">')[1].split('href="')[1].split('"')[0])
    assert parse_qs(urlsplit(link).query) == {"q": ["COO London remote"], "literal": ["1"]}


def test_sending_the_form_of_an_understood_search_again_makes_the_same_search(client, postings):
    """The box holds the words left and each filter its field: "remote" is not searched as a
    word beside the workplace it named."""
    page = get_page(client, JOBS, {"q": "COO London remote"})

    assert 'name="q" value="COO"' in page
    assert 'name="location" value="London"' in page
    assert '<option value="remote" selected>' in page


def test_literal_searches_the_words_as_typed(client, postings):
    page = get_page(client, JOBS, {"q": "London", "literal": "1"})

    assert canonical(page) == {"q": ["London"], "literal": ["1"]}
    assert "Showing" not in search_note(page)
    # As a word: the postings whose text says it, not those based there.
    PostingFactory(title="Analyst", city="London", country="GB")
    assert found(client, q="London", literal="1") == {"COO London", "Analyst London"}


@pytest.mark.parametrize("typed", ['"remote"', "-remote analyst", "remote or hybrid"])
def test_a_quoted_excluded_or_alternative_word_is_searched_as_typed(client, postings, typed):
    page = get_page(client, JOBS, {"q": typed})

    assert "workplace" not in canonical(page)


def test_a_filter_in_the_address_is_not_read_again_from_the_keywords(client, postings):
    """With workplace=hybrid chosen, "remote" in the box is a word to search for."""
    page = get_page(client, JOBS, {"q": "remote", "workplace": "hybrid"})

    assert canonical(page) == {"q": ["remote"], "workplace": ["hybrid"]}


def test_a_word_of_a_role_is_never_a_place(client, postings, coo):
    """Officer is a town in Australia, and a word of the COO's title."""
    PostingFactory(title="Analyst in Officer", city="Officer", region="Victoria", country="AU")

    page = get_page(client, JOBS, {"q": "officer"})

    assert "location" not in canonical(page)
    assert "COO London" in found(client, q="officer")


def test_a_place_is_read_only_while_jobs_are_open_there(client, postings):
    assert "location" not in canonical(get_page(client, JOBS, {"q": "Reading"}))

    PostingFactory(title="Analyst Reading", city="Reading", region="England", country="GB")

    assert canonical(get_page(client, JOBS, {"q": "Reading"})) == {"location": ["Reading"]}
    assert found(client, q="Reading") == {"Analyst Reading"}


def test_an_ambiguous_name_reads_as_the_place_with_jobs(client, postings):
    """Georgia is a country and a US state: the one where jobs are based wins."""
    PostingFactory(title="Analyst Atlanta", city="Atlanta", region="Georgia", country="US")

    assert found(client, q="Georgia") == {"Analyst Atlanta"}
    assert canonical(get_page(client, JOBS, {"q": "Georgia"})) == {"location": ["Georgia"]}


def test_removing_an_understood_filter_keeps_the_rest_of_the_search(client, postings):
    page = get_page(client, JOBS, {"q": "COO London"})

    links = {
        html.unescape(label): html.unescape(url)
        for url, label in (
            (part.split('"')[0], part.split("</span>")[1].split("<span")[0].strip())
            for part in page.split('<a class="badge" href="')[1:]
        )
    }
    assert parse_qs(urlsplit(links["London"]).query) == {"q": ["COO"]}
    assert parse_qs(urlsplit(links["“COO”"]).query) == {"location": ["London"]}


def test_a_feed_of_an_understood_search_lists_what_the_page_does(client, postings):
    response = client.get("/jobs/feed/rss/", {"q": "remote"})

    assert response.status_code == HTTPStatus.OK
    titles = {entry.title.split(" at ")[0] for entry in feedparser.parse(response.content).entries}
    assert titles == {"Remote analyst, open to Germany", "Remote analyst, France only"}


@pytest.mark.parametrize(
    "typed", ["COO London remote", "Georgia", "München part-time", "opperations Georgia"]
)
def test_an_understood_search_runs_a_fixed_number_of_queries(
    client, postings, django_assert_max_num_queries, typed
):
    """The vocabulary is asked once for every word and every reading of a place (not once
    per word), and an ambiguous name once per reading, whatever the number of postings."""
    with django_assert_max_num_queries(SEARCH_PAGE_QUERIES):
        get_page(client, JOBS, {"q": typed})
    PostingFactory(title="Analyst Atlanta", city="Atlanta", region="Georgia", country="US")
    for n in range(20):
        PostingFactory(title=f"Operations analyst {n}", city="London", country="GB")
    with django_assert_max_num_queries(SEARCH_PAGE_QUERIES):
        get_page(client, JOBS, {"q": typed})
