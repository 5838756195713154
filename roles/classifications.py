"""The occupation classifications a role's codes come from: SOC 2018 (the BLS list of the
occupations it publishes) and ISCO-08 (as ESCO publishes it), read from roles/data/.

Both files ship with the code and never change while it runs, so each is read once per
process (like the wage table); they hold no database rows.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SOC_FILE = DATA / "bls-oews-2025-soc-occupations.csv"
ISCO_FILE = DATA / "esco-isco08-groups.csv"

# The SOC file's level of a detailed occupation (0 is a major group).
SOC_DETAILED = 3
ISCO_UNIT_GROUP_DIGITS = 4

ISCO_CODE_SET = {
    "@type": "CategoryCodeSet",
    "name": "ISCO-08",
    "url": "https://www.ilo.org/public/english/bureau/stat/isco/isco08/",
}


@cache
def _soc() -> dict[str, tuple[str, int]]:
    with SOC_FILE.open(newline="", encoding="utf-8") as data:
        return {
            row["soc_code"].strip(): (row["occupation"].strip(), int(row["display_level"]))
            for row in csv.DictReader(data)
        }


@cache
def _isco() -> dict[str, str]:
    with ISCO_FILE.open(newline="", encoding="utf-8") as data:
        return {row["code"].strip(): row["label"].strip() for row in csv.DictReader(data)}


def soc_detailed_title(code: str) -> str | None:
    """BLS's title of a detailed SOC 2018 occupation ("11-1021"), None for any other code."""
    found = _soc().get(code.strip())
    return found[0] if found and found[1] == SOC_DETAILED else None


def isco_unit_group(code: str) -> str | None:
    """ESCO's label of an ISCO-08 unit group ("1219"), None for any other code (a 1-, 2- or
    3-digit group included)."""
    code = code.strip()
    if len(code) != ISCO_UNIT_GROUP_DIGITS:
        return None
    return _isco().get(code)


def bls_occupation_url(soc_code: str) -> str:
    """The BLS page of an occupation's wage estimates: 11-1021 → …/oes111021.htm."""
    return f"https://www.bls.gov/oes/current/oes{soc_code.replace('-', '')}.htm"
