"""A search result is a card: logo, title with the words searched for marked, employer with
its verified state, place and workplace, salary as a chip, posted date."""

from decimal import Decimal

import pytest

from postings.models import SalaryPeriod
from postings.search import title_marker
from tests.factories import OrganisationFactory, PostingFactory
from tests.helpers import JOBS

pytestmark = pytest.mark.django_db


def result_cards(html: str) -> list[str]:
    return html.split('<li class="result">')[1:]


def test_a_result_card_shows_employer_verified_state_place_salary_chip_and_date(client):
    posting = PostingFactory(
        title="Operations Director",
        organisation=OrganisationFactory(name="Northwind", is_verified=True),
        city="Leeds",
        region="",
        country="GB",
        salary_min=Decimal("60000"),
        salary_max=Decimal("80000"),
        salary_currency="GBP",
        salary_period=SalaryPeriod.YEAR,
    )

    (card,) = result_cards(client.get(JOBS).content.decode())

    assert 'aria-hidden="true">N</span>' in card  # no logo uploaded: the initial stands in
    assert '<a href="/companies/northwind/">Northwind</a>' in card
    assert '<span class="badge badge--verified">Verified employer</span>' in card
    assert "<li>Leeds, United Kingdom</li>" in card
    assert "<li>On-site</li>" in card
    salary = '<span class="visually-hidden">Salary: </span>£60,000–£80,000 per year'
    assert f'<li class="chip">{salary}</li>' in card
    assert f'<time datetime="{posting.published_at:%Y-%m-%d}">' in card


def test_the_words_searched_for_are_marked_in_the_titles(client):
    PostingFactory(title="Director of Operations, Northern Region")

    html = client.get(JOBS, {"q": "operations director"}).content.decode()

    assert "<mark>Director</mark> of <mark>Operations</mark>, Northern Region</a>" in html


def test_a_hostile_title_is_escaped_whatever_is_searched_for(client):
    PostingFactory(title='<script>alert("x")</script> Director &amp; <b>COO</b>')

    # Words inside the markup ("script", "amp") are words only where the database's parser
    # says so (PostgreSQL's reads them as a tag and an entity): the marking of those is
    # title_marker's, tested below, whatever the database found.
    html = client.get(JOBS, {"q": "director"}).content.decode()

    assert "<script>alert" not in html
    assert "<b>COO</b>" not in html
    assert "&lt;/script&gt; <mark>Director</mark> &amp;amp; &lt;b&gt;COO&lt;/b&gt;" in html


@pytest.mark.parametrize(
    ("query", "title", "marked"),
    [
        ("coo", "COO (Interim)", "<mark>COO</mark> (Interim)"),
        ("operation -retail", "Retail Operations", "Retail <mark>Operations</mark>"),
        ("lead.* (x", "Lead.* (x) leader", "<mark>Lead</mark>.* (x) <mark>leader</mark>"),
        ("mark", "<mark>x</mark>", "&lt;<mark>mark</mark>&gt;x&lt;/<mark>mark</mark>&gt;"),
        ("or a", "Director or Head", None),
        ("", "Anything", None),
    ],
)
def test_title_marker_marks_whole_words_a_query_begins_and_nothing_else(query, title, marked):
    mark = title_marker(query)

    assert (mark(title) if mark else None) == marked
