"""Typos and shorthand in the keyword box: a misspelt word is corrected against the words the
search knows, shorthand reads as what it stands for, and `literal=1` searches as typed."""

from http import HTTPStatus
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

from postings import spelling
from postings.filters import SEARCH_PARAMETERS, PostingFilter
from postings.models import Posting, SearchTerm
from roles.management.commands.load_roles import CONTENT_DIR, Report, load_shorthand, read_shorthand
from roles.models import Level, Shorthand
from tests.factories import (
    AlternateTitleFactory,
    PostingFactory,
    RoleFactory,
    ShorthandFactory,
    StaffFactory,
)
from tests.helpers import JOBS, SEARCH_PAGE_QUERIES, get_page, search_note, title_set, titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def shorthand():
    """The shorthand the site ships (roles/content/shorthand.json)."""
    load_shorthand(read_shorthand(CONTENT_DIR), Report())


@pytest.fixture
def roles():
    def role(title: str, abbreviation: str = "", alternates: tuple[str, ...] = (), **fields):
        made = RoleFactory(title=title, abbreviation=abbreviation, **fields)
        for alternate in alternates:
            AlternateTitleFactory(role=made, title=alternate)
        return made

    return {
        "director": role(
            "Director of Operations",
            alternates=("Operations Director", "Head of Operations"),
            level=Level.DIRECTOR,
        ),
        "vp": role(
            "Vice President of Operations",
            "VP of Operations",
            ("VP Operations", "Senior Vice President of Operations"),
            level=Level.VICE_PRESIDENT,
        ),
        "chro": role("Chief Human Resources Officer", "CHRO", ("Group HR Director",)),
        "gm": role("General Manager", "GM", ("Country Manager",)),
        "cfo": role("Chief Financial Officer", "CFO", ("Group Finance Director",)),
        "marketing": role("Marketing Manager", alternates=("Brand Manager",)),
    }


@pytest.fixture
def postings(roles, shorthand):
    """One posting per role, titled as the role, and the vocabulary rebuilt as `make data`
    leaves it."""
    for role in roles.values():
        PostingFactory(
            role=role,
            title=role.title,
            description="Lead a team.",
            responsibilities="Lead a team",
            qualifications="Ten years of leading teams",
        )
    call_command("rebuild_vocabulary", verbosity=0)


# -- Misspellings -------------------------------------------------------------------------


def test_a_misspelt_word_that_finds_nothing_shows_the_corrected_results(client, postings):
    html = get_page(client, JOBS, {"q": "opperations"})

    assert set(titles(client, q="opperations")) == {
        "Director of Operations",
        "Vice President of Operations",
    }
    assert search_note(html) == "Showing results for operations · search instead for opperations"
    assert '<a href="/jobs/?q=opperations&amp;literal=1">opperations</a>' in html
    assert "<h1>Jobs matching “operations”</h1>" in html


def test_two_misspelt_words_are_both_corrected(client, postings):
    html = get_page(client, JOBS, {"q": "oprations directr"})

    assert titles(client, q="oprations directr") == ["Director of Operations"]
    assert search_note(html).startswith("Showing results for operations director ·")


def test_a_misspelt_word_that_finds_postings_offers_the_correction(client, roles, postings):
    PostingFactory(role=roles["director"], title="Opperations Lead")

    html = get_page(client, JOBS, {"q": "opperations"})

    assert titles(client, q="opperations") == ["Opperations Lead"]
    assert search_note(html) == "Did you mean operations?"
    assert '<a href="/jobs/?q=operations">operations</a>' in html


def test_the_correction_keeps_the_other_filters(client, roles, postings):
    PostingFactory(role=roles["director"], title="Director of Operations", workplace="remote")

    html = get_page(client, JOBS, {"q": "opperations", "workplace": "remote"})

    assert titles(client, q="opperations", workplace="remote") == ["Director of Operations"]
    assert "/jobs/?q=opperations&amp;workplace=remote&amp;literal=1" in html


def test_literal_searches_the_words_as_typed(client, postings):
    html = get_page(client, JOBS, {"q": "opperations", "literal": "1"})

    assert titles(client, q="opperations", literal="1") == []
    assert search_note(html) == "Did you mean operations?"
    assert "Words as typed" in html


def test_literal_keeps_shorthand_as_typed(client, roles, postings):
    PostingFactory(role=roles["director"], title="Ops Director, Europe")

    assert titles(client, q="ops director", literal="1") == ["Ops Director, Europe"]
    assert "Director of Operations" in title_set(client, q="ops director")


def test_literal_is_a_search_parameter_and_in_the_canonical_address(client, postings):
    html = get_page(client, JOBS, {"q": "opperations", "literal": "1"})

    assert "literal" in SEARCH_PARAMETERS
    assert (
        '<link rel="canonical" href="http://testserver/jobs/?q=opperations&amp;literal=1">' in html
    )


def test_the_canonical_address_of_a_corrected_search_is_the_correction(client, postings):
    html = get_page(client, JOBS, {"q": "opperations"})

    assert '<link rel="canonical" href="http://testserver/jobs/?q=operations">' in html


def test_known_words_and_their_plurals_are_not_corrected(client, postings):
    for query in ("operations", "directors", "manager"):
        assert search_note(get_page(client, JOBS, {"q": query})) == "", query


def test_an_unknown_word_far_from_every_known_one_is_left_alone(client, postings):
    html = get_page(client, JOBS, {"q": "sommelier"})

    assert search_note(html) == ""
    assert "No open jobs match this search." in html


def test_a_feed_corrects_a_misspelling_as_the_page_does(client, postings):
    rss = client.get("/jobs/feed/rss/", {"q": "opperations"}).content.decode()

    assert "Director of Operations at" in rss
    assert "Vice President of Operations at" in rss
    assert "Marketing Manager at" not in rss


# -- Shorthand ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "role"),
    [
        ("ops director", "Director of Operations"),
        ("vp ops", "Vice President of Operations"),
        ("svp ops", "Vice President of Operations"),
        ("hr director", "Chief Human Resources Officer"),
        ("gm", "General Manager"),
        ("cfo", "Chief Financial Officer"),
        ("head of operations", "Director of Operations"),
        ("mktg mgr", "Marketing Manager"),
    ],
)
def test_shorthand_finds_its_roles_postings(client, postings, query, role):
    assert role in title_set(client, q=query)


def test_shorthand_says_how_it_was_read(client, postings):
    html = get_page(client, JOBS, {"q": "vp ops"})

    assert search_note(html) == (
        "Showing results for vice president operations · search instead for vp ops"
    )


def test_shorthand_edited_in_the_admin_changes_results_on_the_next_request(
    client, settings, roles, postings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    assert "Director of Operations" in title_set(client, q="ops")
    admin = Client()
    admin.force_login(StaffFactory())
    ops = Shorthand.objects.get(term="ops")

    response = admin.post(
        reverse("admin:roles_shorthand_change", args=[ops.pk]),
        {"term": "ops", "meaning": "marketing"},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert title_set(client, q="ops") == {"Marketing Manager"}


def test_a_multi_word_shorthand_reads_as_one(db):
    ShorthandFactory(term="head of", meaning="director of")
    ShorthandFactory(term="head", meaning="chief")

    expanded = spelling.expand_shorthand("Head of sales")

    assert expanded is not None
    assert expanded.text == "director of sales"
    assert expanded.changes == (spelling.Change("Head of", "director of"),)


# -- The vocabulary follows the data --------------------------------------------------------


def test_a_new_postings_place_is_known_at_once(postings):
    assert spelling.suggest("reykjavk") is None

    PostingFactory(city="Reykjavik", region="Capital Region", country="IS")

    assert spelling.suggest("reykjavk").text == "reykjavik"
    assert SearchTerm.objects.get(text="iceland").kind == SearchTerm.Kind.PLACE


def test_a_new_alternate_title_is_known_at_once(roles, postings):
    assert spelling.suggest("quartermastr") is None

    AlternateTitleFactory(role=roles["director"], title="Quartermaster")

    assert spelling.suggest("quartermastr").text == "quartermaster"


def test_a_rebuild_forgets_what_no_open_posting_uses(postings):
    posting = PostingFactory(city="Reykjavik", country="IS")
    assert SearchTerm.objects.filter(text="reykjavik").exists()

    Posting.objects.filter(pk=posting.pk).update(status=Posting.Status.CLOSED)
    call_command("rebuild_vocabulary", verbosity=0)

    assert not SearchTerm.objects.filter(text="reykjavik").exists()
    # The roles' words stay, used by an open posting's title or not.
    brand = SearchTerm.objects.get(text="brand")
    assert (brand.kind, brand.postings) == (SearchTerm.Kind.ALTERNATE_TITLE, 0)


def test_a_title_word_is_known_once_several_open_postings_use_it(roles, postings):
    for _ in range(3):
        PostingFactory(role=roles["gm"], title="Fulfilment Lead")
    PostingFactory(role=roles["gm"], title="Warehouse Lead")
    call_command("rebuild_vocabulary", verbosity=0)

    assert SearchTerm.objects.get(text="fulfilment").postings == 3
    assert not SearchTerm.objects.filter(text="warehouse").exists()
    assert spelling.suggest("fulfilmnt").text == "fulfilment"


# -- The choice of a correction ---------------------------------------------------------


def test_the_closest_word_wins_then_the_more_trusted_kind(db):
    SearchTerm.objects.bulk_create(
        [
            SearchTerm(text="marketing", kind=SearchTerm.Kind.ROLE_TITLE, postings=1),
            SearchTerm(text="marking", kind=SearchTerm.Kind.WORD, postings=50),
            SearchTerm(text="markets", kind=SearchTerm.Kind.WORD, postings=50),
        ]
    )

    assert spelling.suggest("markting").text == "marketing"
    assert spelling.suggest("markiing").text == "marking"


def test_two_letters_swapped_in_a_short_word_are_corrected(db):
    """ "lodnon" shares too few trigrams with "london" for pg_trgm's threshold: it is also
    looked up with its letters swapped back."""
    SearchTerm.objects.create(text="london", kind=SearchTerm.Kind.PLACE, postings=5)
    SearchTerm.objects.create(text="sales", kind=SearchTerm.Kind.WORD, postings=5)

    assert spelling.suggest("lodnon slaes").text == "london sales"


def test_only_the_misspelt_words_change_and_the_rest_stays_as_typed(db):
    SearchTerm.objects.create(text="operations", kind=SearchTerm.Kind.ROLE_TITLE)

    suggestion = spelling.suggest('"Opperations lead" -retail or "x"')

    assert suggestion.text == '"operations lead" -retail or "x"'
    assert suggestion.changes == (spelling.Change("Opperations", "operations"),)


def test_short_words_and_numbers_are_never_corrected(db):
    SearchTerm.objects.create(text="sales", kind=SearchTerm.Kind.ROLE_TITLE)
    SearchTerm.objects.create(text="12345", kind=SearchTerm.Kind.WORD)

    assert spelling.suggest("sale") is None
    assert spelling.suggest("12346") is None


def test_the_similarity_is_pg_trgms():
    """SQLite must rank candidates as pg_trgm does, for both databases to agree."""
    assert spelling.similarity("opperations", "operations") == pytest.approx(10 / 13)
    assert spelling.similarity("lodnon", "london") == pytest.approx(3 / 11)


# -- Queries --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"q": "opperations"},
        {"q": "opperations", "workplace": "on_site"},
        {"q": "vp ops"},
        {"q": "operations"},
        {"q": "opperations", "literal": "1"},
    ],
)
def test_a_read_search_runs_a_fixed_number_of_queries(
    client, roles, postings, django_assert_max_num_queries, params
):
    """Reading the keywords is one query for shorthand, one for the vocabulary and, for a
    correction, one to learn whether the words as typed find anything: never one per word
    or per posting, and within the pin of every keyword search."""
    with django_assert_max_num_queries(SEARCH_PAGE_QUERIES):
        few = client.get(JOBS, params)
    for n in range(25):
        PostingFactory(role=roles["director"], title=f"Director of Operations {n}")
    with django_assert_max_num_queries(SEARCH_PAGE_QUERIES):
        many = client.get(JOBS, params)
    filterset = PostingFilter(QueryDict(urlencode(params)), queryset=Posting.objects.public())
    with django_assert_max_num_queries(3):
        assert filterset.reading.typed == params["q"]

    assert few.status_code == many.status_code == HTTPStatus.OK


def test_the_next_page_of_a_corrected_search_reads_nothing_again(
    client, settings, roles, postings, django_assert_max_num_queries
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    for n in range(25):
        PostingFactory(role=roles["director"], title=f"Director of Operations {n}")
    client.get(JOBS, {"q": "opperations"})

    with django_assert_max_num_queries(3) as queries:
        response = client.get(JOBS, {"q": "opperations", "page": "2"})

    assert search_note(response.content.decode()).startswith("Showing results for operations")
    assert not any("searchterm" in query["sql"] for query in queries.captured_queries)
