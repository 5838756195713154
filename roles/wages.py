"""What an occupation earns, from the BLS Occupational Employment and Wage Statistics (OEWS)
files in roles/data/: in the nation, in each state and metropolitan area, and by industry.

The figures describe a whole SOC occupation, not one role: a Chief Operating Officer and a
Chief Executive Officer share 11-1011 Chief Executives. Pages must label them that way, and
say that they leave out the self-employed, stock options and non-production bonuses.

- The nation's figures (`wages_for`) come from a small file read once per process, like a
  template: they change only with the code, and the search page and the comparison show
  them without a query.
- The areas' and industries' (`pay_by_area`, `area_choices`, `top_industries`) are rows in
  the database (`WageArea`, `OccupationWage`), which `load_roles` loads from the files
  (`area_rows`, `industry_rows`) whenever the files change.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS

from roles.models import OccupationWage, WageArea

SOURCE = "U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, May 2025"
SOURCE_URL = "https://www.bls.gov/oes/"

DATA = Path(__file__).resolve().parent / "data"
DATA_FILE = DATA / "bls-oews-may2025-national.csv"
AREAS_FILE = DATA / "bls-oews-may2025-areas.csv.gz"
INDUSTRIES_FILE = DATA / "bls-oews-may2025-industries.csv.gz"

NATION = "0000000"
# What the BLS writes "#" for: at or above the top of the range it publishes.
TOP_ANNUAL = 239_200
TOP_HOURLY = Decimal("115.00")

# The BLS marks a figure it does not publish with "*" (too few responses) or "-" (no
# hourly figure for salaried-only occupations), or leaves the cell empty; "#" is at or above
# the top of its published range, which the nation's table reads as not available too.
_NOT_AVAILABLE = frozenset({"", "*", "**", "#", "-"})
TOP_CODED = "#"

# A SOC code, optionally with the two-digit O*NET suffix ("11-1021" or "11-1021.00").
_SOC_CODE = re.compile(r"(\d{2}-\d{4})(?:\.\d{2})?")
# A NAICS sector, as the OEWS writes its code ("54--55", "31--34", "99-100" for
# government). The file's other industries overlap the sectors (private ownership only,
# the government designations), so a ranking of industries leaves them out.
_SECTOR_CODE = re.compile(r"\d{2}-{1,2}\d{2,3}")
_SECTOR_PREFIX = re.compile(r"^Sectors? [\d, and]+ - ")

ANNUAL_FIGURES = ("annual_p10", "annual_p25", "annual_median", "annual_p75", "annual_p90")
# How many industries the explainer names.
TOP_INDUSTRIES = 5

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
    # The figures that are the top of the published range, not a measure ("annual_p90").
    top_coded: frozenset[str] = field(default_factory=frozenset)

    def percentiles(self) -> list[Figure]:
        """The 10th to 90th percentiles, lowest first, as a page shows them."""
        return [
            Figure(label, getattr(self, name), name in self.top_coded)
            for label, name in zip(PERCENTILE_LABELS, ANNUAL_FIGURES, strict=True)
        ]


PERCENTILE_LABELS = ("10th percentile", "25th percentile", "Median", "75th percentile",
                     "90th percentile")  # fmt: skip


@dataclass(frozen=True)
class Figure:
    """One yearly figure as a page shows it: "$239,200 or more" where it is top-coded."""

    label: str
    amount: int | None
    at_least: bool = False


def soc_code_of(code: str | None) -> str | None:
    """The SOC code in "11-1011" or an O*NET-SOC "11-1011.00"; None for anything else."""
    match = _SOC_CODE.fullmatch(code.strip()) if code else None
    return match.group(1) if match else None


def _figure(value: str, number: Callable[[str], N]) -> N | None:
    """The table's figure as `number` (int or Decimal), or None where it gives none."""
    value = value.strip().replace(",", "")
    if value in _NOT_AVAILABLE:
        return None
    try:
        return number(value)
    except (ValueError, InvalidOperation):
        return None


# -- The nation: a file, no query ------------------------------------------------------------


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


def wages_for(soc_code: str | None) -> OccupationWages | None:
    """The nation's wage figures of a SOC occupation ("11-1011"; an O*NET suffix ".00" is
    ignored)."""
    code = soc_code_of(soc_code)
    return _table().get(code) if code else None


# -- Areas: one query per page ------------------------------------------------------------


@dataclass(frozen=True)
class AreaChoice:
    code: str
    name: str


@dataclass
class AreaPay:
    """The pay section's choice of area, and what the occupation earns in the one chosen.

    `asked` is the area code the page was asked for ("" for the nation). `area` is that area
    when the BLS publishes for it (`wages` None when it publishes no figures of the
    occupation there), None for the nation and for a code it does not know."""

    asked: str
    states: list[AreaChoice]
    metros: list[AreaChoice]
    area: AreaChoice | None = None
    wages: OccupationWages | None = None

    @property
    def choices(self) -> int:
        return len(self.states) + len(self.metros)

    def offer(self, choice: AreaChoice, kind: str) -> None:
        """List `choice` among the states or the metropolitan areas, by its `WageArea.Kind`."""
        (self.states if kind == WageArea.Kind.STATE else self.metros).append(choice)


@dataclass(frozen=True)
class FigurePair:
    """One row of the area's figures beside the nation's."""

    label: str
    area: Figure
    nation: Figure

    @property
    def cells(self) -> tuple[Figure, Figure]:
        return (self.area, self.nation)


def side_by_side(area: OccupationWages, nation: OccupationWages) -> list[FigurePair]:
    """The percentiles and the mean of an area beside the nation's, lowest first."""
    pairs = [
        FigurePair(mine.label, mine, theirs)
        for mine, theirs in zip(area.percentiles(), nation.percentiles(), strict=True)
    ]
    mean = [
        Figure("Mean", wages.annual_mean, "annual_mean" in wages.top_coded)
        for wages in (area, nation)
    ]
    return [*pairs, FigurePair("Mean", *mean)]


# The columns of a wage row the area query reads, through `with_wages_of`'s relation.
_WAGE_COLUMNS = (
    "occupation",
    "employment",
    "annual_mean",
    *ANNUAL_FIGURES,
    "hourly_median",
    "top_coded",
)


def pay_by_area(soc_code: str, asked: str) -> AreaPay:
    """The states and metropolitan areas where the occupation has a published median (the
    area choice), and its wages in the area `asked` (a BLS area code; "" for none). One
    query, whatever `asked` is."""
    rows = (
        WageArea.objects.exclude(kind=WageArea.Kind.NATION)
        .with_wages_of(soc_code)
        .order_by("name", "code")
        .values("code", "name", "kind", *(f"occupation_wages__{name}" for name in _WAGE_COLUMNS))
    )
    pay = AreaPay(asked=asked, states=[], metros=[])
    for row in rows:
        choice = AreaChoice(row["code"], row["name"])
        figures = {name: row[f"occupation_wages__{name}"] for name in _WAGE_COLUMNS}
        if figures["annual_median"] is not None:
            pay.offer(choice, row["kind"])
        if row["code"] == asked:
            pay.area = choice
            if any(figures[name] is not None for name in ("annual_mean", *ANNUAL_FIGURES)):
                pay.wages = OccupationWages(
                    soc_code=soc_code,
                    **{name: value for name, value in figures.items() if name != "top_coded"},
                    top_coded=frozenset(figures["top_coded"].split()),
                )
    return pay


def area_choices(soc_codes: Iterable[str], using: str = DEFAULT_DB_ALIAS) -> dict[str, AreaPay]:
    """For each SOC code, the area choice `pay_by_area(code, "")` gives, no area asked: one
    query for them all, which reads only the areas with a published median."""
    found = {code: AreaPay(asked="", states=[], metros=[]) for code in soc_codes}
    rows = (
        OccupationWage.objects.using(using)
        .filter(
            soc_code__in=list(found),
            industry_code=OccupationWage.ALL_INDUSTRIES,
            annual_median__isnull=False,
        )
        .exclude(area__kind=WageArea.Kind.NATION)
        .order_by("area__name", "area__code")
        .values_list("soc_code", "area__code", "area__name", "area__kind")
    )
    for code, area, name, kind in rows:
        found[code].offer(AreaChoice(area, name), kind)
    return found


# -- Industries: rendered into the stored explainer --------------------------------------


@dataclass(frozen=True)
class IndustryPay:
    industry: str
    annual_median: int
    employment: int | None
    at_least: bool = False


def sector_name(industry: str) -> str:
    """ "Sector 54 - Professional, Scientific, and Technical Services" → the name alone."""
    return _SECTOR_PREFIX.sub("", industry)


def top_industries(
    soc_codes: Iterable[str], using: str = DEFAULT_DB_ALIAS
) -> dict[str, list[IndustryPay]]:
    """For each SOC code, the industry sectors where its national median is highest (at
    most TOP_INDUSTRIES, highest first): one query for them all."""
    found: dict[str, list[IndustryPay]] = {code: [] for code in soc_codes}
    rows = (
        OccupationWage.objects.using(using)
        .filter(area__code=NATION, soc_code__in=list(found))
        .exclude(industry_code=OccupationWage.ALL_INDUSTRIES)
        .filter(annual_median__isnull=False)
        .order_by("soc_code", "-annual_median", "industry_code")
        .values_list("soc_code", "industry", "annual_median", "employment", "top_coded")
    )
    for code, industry, median, employment, top_coded in rows:
        if median is not None and len(found[code]) < TOP_INDUSTRIES:
            found[code].append(
                IndustryPay(sector_name(industry), median, employment, "annual_median" in top_coded)
            )
    return found


# -- Loading the files into the tables (load_roles) -----------------------------------------


def data_digest() -> str:
    """A digest of the area and industry files: the tables hold them when it is stored."""
    digest = hashlib.sha256()
    for path in (AREAS_FILE, INDUSTRIES_FILE):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _read(path: Path) -> Iterator[dict[str, str]]:
    with gzip.open(path, "rt", newline="", encoding="utf-8") as data:
        yield from csv.DictReader(data)


def _wage_values(row: dict[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {"employment": _figure(row["employment"], int)}
    top_coded = []
    for name in ("annual_mean", *ANNUAL_FIGURES):
        if row[name].strip() == TOP_CODED:
            values[name] = TOP_ANNUAL
            top_coded.append(name)
        else:
            values[name] = _figure(row[name], int)
    if row["hourly_median"].strip() == TOP_CODED:
        values["hourly_median"] = TOP_HOURLY
        top_coded.append("hourly_median")
    else:
        values["hourly_median"] = _figure(row["hourly_median"], Decimal)
    values["top_coded"] = " ".join(top_coded)
    return values


# A wage row's columns as area_rows() and industry_rows() give them, beside its area's code.
WAGE_COLUMNS = (
    "industry_code",
    "industry",
    "soc_code",
    "occupation",
    "employment",
    "annual_mean",
    *ANNUAL_FIGURES,
    "hourly_median",
    "top_coded",
)


def _wage_row(row: dict[str, str]) -> dict[str, Any]:
    return {
        "area_code": row["area_code"],
        **{name: row[name] for name in ("industry_code", "industry", "soc_code", "occupation")},
        **_wage_values(row),
    }


def area_rows() -> tuple[list[WageArea], list[dict[str, Any]]]:
    """The areas file: every area (unsaved), and the occupations' all-industry wages in
    each, as OccupationWage's WAGE_COLUMNS and the `area_code`."""
    areas: dict[str, WageArea] = {}
    wages = []
    for row in _read(AREAS_FILE):
        code = row["area_code"]
        if code not in areas:
            areas[code] = WageArea(
                code=code,
                name=row["area_name"],
                kind=row["area_type"],
                state_code=row["state_code"],
            )
        wages.append(_wage_row(row))
    return list(areas.values()), wages


def industry_rows() -> list[dict[str, Any]]:
    """The industries file's NAICS sectors, in the nation, as `area_rows` gives wages."""
    return [
        _wage_row(row)
        for row in _read(INDUSTRIES_FILE)
        if _SECTOR_CODE.fullmatch(row["industry_code"])
    ]
