"""Full-text search on /jobs/: what it finds, in what order, and how the page shows it."""

import re
from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.utils import timezone
from django.utils.html import strip_tags

from postings import search
from postings.models import Posting, SalaryPeriod
from roles.models import AlternateTitle, Level
from tests.factories import (
    AlternateTitleFactory,
    OrganisationFactory,
    PostingFactory,
    RoleFactory,
)
from tests.helpers import JOBS, RESULT_TITLE, SEARCH_PAGE_QUERIES, titles

pytestmark = pytest.mark.django_db

PLAIN = "We need someone to keep the business running smoothly."


@pytest.fixture
def coo():
    # The factory's slug: chief-operating-officer.
    return RoleFactory(title="Chief Operating Officer", abbreviation="COO", level=Level.EXECUTIVE)


@pytest.fixture
def director():
    role = RoleFactory(
        title="Director of Operations", slug="director-of-operations", level=Level.DIRECTOR
    )
    AlternateTitleFactory(role=role, title="Operations Director")
    AlternateTitleFactory(role=role, title="Head of Operations")
    return role


@pytest.fixture
def baker():
    return RoleFactory(title="Head Baker", slug="head-baker", level=Level.MANAGER)


def plain_posting(role, title: str, **fields) -> Posting:
    """A posting whose own text never names its role."""
    fields = {
        "description": PLAIN,
        "responsibilities": "Keep things moving",
        "qualifications": "Good judgement",
        **fields,
    }
    return PostingFactory(role=role, title=title, **fields)


def test_search_for_coo_finds_chief_operating_officer_postings(client, coo, baker):
    plain_posting(coo, "Second in command at a growing bakery chain")
    plain_posting(baker, "Bread and pastry lead")

    assert titles(client, q="COO") == ["Second in command at a growing bakery chain"]
    assert titles(client, q="coo") == ["Second in command at a growing bakery chain"]


def test_search_for_operations_director_finds_director_of_operations_postings(
    client, director, baker
):
    plain_posting(director, "Site leader, Leeds")
    plain_posting(baker, "Bread and pastry lead")

    assert titles(client, q="operations director") == ["Site leader, Leeds"]
    assert titles(client, q="head of operations") == ["Site leader, Leeds"]


def test_a_title_match_outranks_a_description_only_match(client, baker):
    PostingFactory(
        role=baker,
        title="Pastry chef",
        description="Our warehouse team supports the kitchen.",
        published_at=timezone.now() - timedelta(hours=1),
    )
    PostingFactory(
        role=baker,
        title="Warehouse lead",
        description="Run the stores that feed our kitchens.",
        published_at=timezone.now() - timedelta(days=5),
    )

    assert titles(client, q="warehouse") == ["Warehouse lead", "Pastry chef"]


def test_adding_and_removing_a_roles_alternate_title_reindexes_its_postings(client, baker):
    plain_posting(baker, "Bread and pastry lead")
    assert titles(client, q="boulanger") == []

    alternate = AlternateTitleFactory(role=baker, title="Chef Boulanger")
    assert titles(client, q="boulanger") == ["Bread and pastry lead"]

    alternate.title = "Chef Patissier"
    alternate.save()
    assert titles(client, q="boulanger") == []
    assert titles(client, q="patissier") == ["Bread and pastry lead"]

    AlternateTitle.objects.filter(pk=alternate.pk).delete()
    assert titles(client, q="patissier") == []


def test_renaming_a_role_or_its_abbreviation_reindexes_its_postings(client, coo):
    plain_posting(coo, "Second in command")

    coo.abbreviation = "OPSCHIEF"
    coo.save()
    assert titles(client, q="COO") == []
    assert titles(client, q="opschief") == ["Second in command"]

    coo.title = "Chief Operations Officer"
    coo.save()
    assert titles(client, q="chief operations officer") == ["Second in command"]


def test_editing_a_posting_reindexes_it(client, baker):
    posting = plain_posting(baker, "Bread and pastry lead")
    posting.description = "You will also run our sourdough school."
    posting.save()

    assert titles(client, q="sourdough") == ["Bread and pastry lead"]
    assert titles(client, q="smoothly") == []


def test_search_never_shows_expired_draft_closed_future_or_suspended_postings(client, baker):
    PostingFactory(role=baker, title="Open croissant job")
    PostingFactory(role=baker, title="Expired croissant job", expired=True)
    PostingFactory(role=baker, title="Draft croissant job", draft=True)
    PostingFactory(role=baker, title="Closed croissant job", closed=True)
    PostingFactory(
        role=baker,
        title="Future croissant job",
        published_at=timezone.now() + timedelta(days=2),
        valid_through=timezone.now() + timedelta(days=30),
    )
    PostingFactory(
        role=baker,
        title="Suspended croissant job",
        organisation=OrganisationFactory(is_suspended=True),
    )

    assert titles(client, q="croissant") == ["Open croissant job"]
    assert titles(client) == ["Open croissant job"]


def test_sort_newest_lists_the_latest_posting_first_even_when_searching(client, baker):
    now = timezone.now()
    PostingFactory(role=baker, title="Warehouse lead", published_at=now - timedelta(days=9))
    PostingFactory(
        role=baker,
        title="Pastry chef",
        description="Help our warehouse team.",
        published_at=now - timedelta(days=1),
    )

    assert titles(client, q="warehouse", sort="newest") == ["Pastry chef", "Warehouse lead"]
    assert titles(client) == ["Pastry chef", "Warehouse lead"]


def test_sort_salary_compares_yearly_amounts_whatever_the_period(client, baker):
    PostingFactory(role=baker, title="Yearly 70k", salary_min=60_000, salary_max=70_000)
    PostingFactory(
        role=baker,
        title="Daily 400",  # 400 × 260 = 104,000 a year
        salary_min=Decimal(300),
        salary_max=Decimal(400),
        salary_period=SalaryPeriod.DAY,
    )
    PostingFactory(
        role=baker, title="Unpaid mention", salary_min=None, salary_max=None, salary_currency=""
    )
    PostingFactory(role=baker, title="Only a minimum", salary_min=90_000, salary_max=None)

    assert titles(client, sort="salary") == [
        "Daily 400",
        "Only a minimum",
        "Yearly 70k",
        "Unpaid mention",
    ]


@pytest.mark.parametrize(
    "query",
    [
        "NEAR(a b",
        '"',
        '""',
        "a AND OR NOT",
        "title:coo",
        "*",
        "(((",
        "'; DROP TABLE postings_posting; --",
        "-",
        "or",
        "c++ & c#",
        "coo^2 {x} [y]",
        "ünïcödé straße",
        "a" * 10_000,
    ],
)
def test_search_text_that_looks_like_query_syntax_never_fails(client, coo, query):
    plain_posting(coo, "Second in command")

    response = client.get(JOBS, {"q": query})

    assert response.status_code == HTTPStatus.OK


def test_fts5_query_quotes_every_term():
    assert search.fts5_query("operations director") == '("operations") AND ("director")'
    assert search.fts5_query('"supply chain" -retail') == '("supply chain") NOT "retail"'
    assert search.fts5_query("coo or ceo") == '("coo" OR "ceo")'
    # Punctuation joins words into a phrase; an unclosed quote still ends the phrase.
    assert search.fts5_query('NEAR(x "y') == '("NEAR x") AND ("y")'
    assert search.fts5_query("-only -exclusions") == ""
    assert search.fts5_query("!!! ...") == ""


def test_snippets_highlight_the_match_and_escape_the_description(client, baker):
    PostingFactory(
        role=baker,
        title="Bread and pastry lead",
        description="You will run the <script>ovens</script> and our **sourdough** school.",
    )

    html = client.get(JOBS, {"q": "sourdough"}).content.decode()

    snippet = re.search(r'<p class="result__snippet">(.*?)</p>', html).group(1)
    assert "<mark>sourdough</mark>" in snippet
    # SQLite's snippet keeps the tag as text (escaped here); PostgreSQL's parser drops it.
    assert "run the" in snippet
    assert "ovens" in snippet
    assert "<script" not in snippet
    assert "<script>" not in html.split("<main", 1)[1]
    assert "**" not in snippet


def test_a_result_shows_title_organisation_place_type_salary_and_date(client, baker):
    posting = PostingFactory(
        role=baker,
        title="Bread and pastry lead",
        organisation=OrganisationFactory(name="Harbourline Foods"),
        city="Leeds",
        region="England",
        country="GB",
        salary_min=Decimal("30000"),
        salary_max=Decimal("36000"),
        salary_currency="GBP",
    )
    remote = PostingFactory(
        role=baker,
        title="Remote recipe developer",
        workplace="remote",
        remote_countries="GB IE",
        employment_type="contract",
        salary_min=Decimal("300"),
        salary_max=Decimal("350"),
        salary_currency="EUR",
        salary_period=SalaryPeriod.DAY,
    )

    html = client.get(JOBS).content.decode()

    assert f'<a href="{posting.get_absolute_url()}">Bread and pastry lead</a>' in html
    company = posting.organisation.get_absolute_url()
    assert f'<a href="{company}">Harbourline Foods</a>' in html
    assert '<li class="chip"><span class="visually-hidden">Salary: </span>£30,000–£36,000' in html
    text = " ".join(strip_tags(html).split())
    assert (
        "Bread and pastry lead Harbourline Foods Verified employer Leeds, England, United "
        f"Kingdom On-site Full-time Salary: £30,000–£36,000 per year Posted "
        f"{posting.published_at:%-d %b %Y}"
    ) in text
    assert f'<a href="{remote.get_absolute_url()}">Remote recipe developer</a>' in html
    assert "Remote (United Kingdom, Ireland) Contract Salary: €300–€350 per day" in text


def test_the_page_title_description_and_canonical_reflect_the_search(client, coo):
    PostingFactory(role=coo, title="Chief Operating Officer")

    html = client.get(JOBS, {"role": coo.slug, "country": "GB", "sort": "newest"}).content.decode()

    assert "<title>Chief Operating Officer jobs in United Kingdom · Rolewise</title>" in html
    assert "<h1>Chief Operating Officer jobs in United Kingdom</h1>" in html
    assert (
        '<meta name="description" content="Chief Operating Officer jobs in United Kingdom: 1 '
        in html
    )
    assert (
        '<link rel="canonical" href="http://testserver/jobs/?role=chief-operating-officer'
        '&amp;country=GB">' in html
    )
    assert 'content="noindex, follow"' in html  # two filters: a combination


def test_the_plain_list_and_one_filter_with_five_jobs_may_be_indexed(client, coo):
    PostingFactory.create_batch(5, role=coo, workplace="remote")

    plain = client.get(JOBS).content.decode()
    one_filter = client.get(JOBS, {"workplace": "remote"}).content.decode()

    assert '<link rel="canonical" href="http://testserver/jobs/">' in plain
    assert "noindex" not in plain
    assert "noindex" not in one_filter


def test_pagination_keeps_the_search_and_later_pages_are_not_indexed(client, baker):
    for n in range(25):
        PostingFactory(role=baker, title=f"Croissant maker {n}")

    first = client.get(JOBS, {"q": "croissant", "workplace": "on_site"}).content.decode()
    second = client.get(
        JOBS, {"q": "croissant", "workplace": "on_site", "page": "2"}
    ).content.decode()

    assert len(RESULT_TITLE.findall(first)) == 20
    assert 'href="?q=croissant&amp;workplace=on_site&amp;page=2" rel="next"' in first
    assert len(RESULT_TITLE.findall(second)) == 5
    assert 'href="?q=croissant&amp;workplace=on_site&amp;page=1" rel="prev"' in second
    assert 'content="noindex, follow"' in second


def test_an_empty_result_says_so_and_offers_wider_searches(client, baker):
    PostingFactory(role=baker, title="Bread and pastry lead", workplace="on_site")

    html = client.get(JOBS, {"q": "bread", "workplace": "remote"}).content.decode()

    assert "No open jobs match this search." in html
    assert '<a href="/jobs/?workplace=remote">without “bread”</a>' in html
    assert '<a href="/jobs/?q=bread">without Remote</a>' in html
    assert f'<a href="{JOBS}">all open jobs</a>' in html


def test_a_page_of_twenty_results_stays_lean(client, coo):
    for n in range(30):
        PostingFactory(role=coo, title=f"Chief Operating Officer {n}", description=PLAIN * 40)

    response = client.get(JOBS, {"q": "business"})

    assert len(RESULT_TITLE.findall(response.content.decode())) == 20
    assert len(response.content) < 100_000


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "operations"},
        # Salaries converted beside their own: from the row, with no query per result.
        {"sort": "salary", "salary_min": "1000", "currency": "EUR", "paid_in": "GBP"},
    ],
)
def test_posting_list_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, director, params
):
    """Each result shows its organisation: without select_related that is one query per
    posting (N+1). Facets must stay one GROUP BY each, and snippets one query per page,
    whatever the number of postings."""
    organisations = OrganisationFactory.create_batch(3)
    for n in range(3):
        PostingFactory(role=director, organisation=organisations[n % 3])
    with django_assert_max_num_queries(SEARCH_PAGE_QUERIES):
        few = client.get(JOBS, params)

    for _ in range(30):
        PostingFactory(role=director, organisation=OrganisationFactory())
    with django_assert_max_num_queries(SEARCH_PAGE_QUERIES) as queries:
        many = client.get(JOBS, params)

    assert few.status_code == many.status_code == HTTPStatus.OK
    assert len(RESULT_TITLE.findall(many.content.decode())) == 20
    assert len(queries.captured_queries) <= SEARCH_PAGE_QUERIES


def test_the_database_keeps_the_search_document_with_triggers():
    """The search migration's triggers must all exist: on SQLite, a later migration that
    rebuilds postings_posting or a role table drops them, and must create them again."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            expected = {
                "postings_posting_fts_insert",
                "postings_posting_fts_update",
                "postings_posting_fts_delete",
                "postings_role_search_insert",
                "postings_role_search_update",
                "postings_role_search_delete",
                "postings_alternatetitle_search_insert",
                "postings_alternatetitle_search_update",
                "postings_alternatetitle_search_delete",
            }
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            expected = {
                "postings_posting_index",
                "postings_role_reindex",
                "postings_alternatetitle_reindex_insert",
                "postings_alternatetitle_reindex_update",
                "postings_alternatetitle_reindex_delete",
            }
        assert expected <= {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize(
    "query",
    ["COO", "operations director", '"head baker"', "baker or officer", "operations -baker", "zz"],
)
def test_testing_each_posting_finds_what_the_index_finds(coo, director, baker, query):
    """Estimates test a sample posting by posting (indexed=False); they must count the
    same matches the results list."""
    plain_posting(coo, "Second in command")
    plain_posting(director, "Site lead")
    plain_posting(baker, "Bread and operations")
    PostingFactory(role=baker, title="Zz Top tribute")
    postings = Posting.objects.public()

    indexed = set(search.matching(postings, query).values_list("pk", flat=True))
    tested = set(search.matching(postings, query, indexed=False).values_list("pk", flat=True))

    assert tested == indexed
    assert indexed or query == "zz"


def test_the_search_document_stays_in_the_row_on_postgresql():
    """Testing a document stored out of line costs a TOAST lookup per posting, three times
    the test itself (migration 0004)."""
    if connection.vendor != "postgresql":
        pytest.skip("storage is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute "
            "WHERE attrelid = 'postings_posting'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone() == ("m",)
