"""US national wage figures per SOC occupation, read from the BLS OEWS table in roles/data/.

The figures describe a whole occupation, not one role: a Chief Operating Officer and a Chief
Executive Officer share 11-1011 Chief Executives. Pages must label them that way.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import TypeVar

SOURCE = "U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, May 2025"
SOURCE_URL = "https://www.bls.gov/oes/"

DATA_FILE = Path(__file__).resolve().parent / "data" / "bls-oews-may2025-national-management.csv"

# The BLS marks a figure it does not publish with "*" (too few responses), "#" (at or above
# the top of its published range) or "-" (no hourly figure for salaried-only occupations).
_NOT_AVAILABLE = frozenset({"", "*", "**", "#", "-"})

# A SOC code, optionally with the two-digit O*NET suffix ("11-1021" or "11-1021.00").
_SOC_CODE = re.compile(r"(\d{2}-\d{4})(?:\.\d{2})?")

N = TypeVar("N", int, Decimal)


@dataclass(frozen=True)
class OccupationWages:
    soc_code: str
    occupation: str
    employment: int | None
    annual_mean: int | None
    annual_p10: int | None
    annual_p25: int | None
    annual_median: int | None
    annual_p75: int | None
    annual_p90: int | None
    hourly_median: Decimal | None
    currency: str = "USD"


def _figure(value: str, number: Callable[[str], N]) -> N | None:
    """The table's figure as `number` (int or Decimal), or None where it gives none."""
    value = value.strip().replace(",", "")
    if value in _NOT_AVAILABLE:
        return None
    try:
        return number(value)
    except (ValueError, InvalidOperation):
        return None


@cache
def _table() -> dict[str, OccupationWages]:
    with DATA_FILE.open(newline="", encoding="utf-8") as data:
        return {
            row["soc_code"].strip(): OccupationWages(
                soc_code=row["soc_code"].strip(),
                occupation=row["occupation"].strip(),
                employment=_figure(row["employment"], int),
                annual_mean=_figure(row["annual_mean"], int),
                annual_p10=_figure(row["annual_p10"], int),
                annual_p25=_figure(row["annual_p25"], int),
                annual_median=_figure(row["annual_median"], int),
                annual_p75=_figure(row["annual_p75"], int),
                annual_p90=_figure(row["annual_p90"], int),
                hourly_median=_figure(row["hourly_median"], Decimal),
            )
            for row in csv.DictReader(data)
        }


def wages_for(soc_code: str) -> OccupationWages | None:
    """The wage figures of a SOC occupation ("11-1011"; an O*NET suffix ".00" is ignored)."""
    match = _SOC_CODE.fullmatch(soc_code.strip()) if soc_code else None
    if match is None:
        return None
    return _table().get(match.group(1))
