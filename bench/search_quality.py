"""Search quality: how well the /jobs/ page answers what job seekers type.

Each query of the judgement list (tests/search/judgements.toml) goes through the real page,
as a visitor's request would: Django's whole handler with the test client and every cache off
(as bench/latency.py does), redirects followed, so whatever the page makes of the words
(understanding, correction, a redirect to the filter form) is what is measured. The first
DEPTH results are read from the page's result list in order and graded 0-2 from the database
by the judgement's rules.

Two figures:

- nDCG@10: for each query, the discounted cumulative gain of the first ten results, with gain
  2^grade - 1 and discount log2(position + 1), divided by the ideal one: that of the ten best
  grades any public posting reaches for the query. 1.0 is a first page no ordering of the
  public postings could beat. The figure is the mean over the queries.
- First posting good: the share of queries whose first result reaches the best grade any public
  posting reaches for that query (2 where some posting answers it fully, else 1). A query with
  no results has no good first posting.

A query that no public posting answers at all (every grade 0) says nothing of the search: it is
left out of both figures and listed, so a judgement naming something the data lacks is seen.

    python -m bench.search_quality --prepare      # `make search-quality`
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jobsite.text import fold
from postings.display import country_name

ROOT = Path(__file__).resolve().parent.parent
JUDGEMENTS = ROOT / "tests" / "search" / "judgements.toml"
DEPTH = 10
# The target; tests/search/test_search_quality.py keeps the floors reached so far.
TARGET_NDCG = 0.90
TARGET_FIRST_GOOD = 0.90
# The scratch data of `make search-quality`: a few thousand postings, the same every time.
POSTINGS = 3000
SEED = 1

CONDITIONS = ("roles", "places", "open_to", "workplace", "employment_type", "organisations")
GRADES = {"grade_2": 2, "grade_1": 1}
PLAIN_STATIC_FILES = "django.contrib.staticfiles.storage.StaticFilesStorage"


# -- Judgements and grades ------------------------------------------------------------------


@dataclass(frozen=True)
class Facts:
    """What the grading rules read of a posting."""

    slug: str
    title: str
    role: str
    organisation: str
    city: str
    region: str
    country: str
    workplace: str
    employment_type: str
    remote_countries: str

    @cached_property
    def place_names(self) -> frozenset[str]:
        """The city, region and country's name, folded: what a place in a rule is matched to."""
        return frozenset(
            fold(name) for name in (self.city, self.region, country_name(self.country))
        )

    def describe(self) -> str:
        place = ", ".join(part for part in (self.city, self.country) if part) or "no place"
        return (
            f"{self.title} [{self.role}; {place}; {self.workplace}; {self.employment_type}; "
            f"{self.organisation}]"
        )


@dataclass(frozen=True)
class Rule:
    """Conditions a posting meets all of; each condition is met by any of its values."""

    conditions: Mapping[str, frozenset[str]]

    def met_by(self, facts: Facts) -> bool:
        return all(self.meets(name, values, facts) for name, values in self.conditions.items())

    @staticmethod
    def meets(name: str, values: frozenset[str], facts: Facts) -> bool:
        if name == "roles":
            return facts.role in values
        if name == "organisations":
            return facts.organisation in values
        if name == "workplace":
            return facts.workplace in values
        if name == "employment_type":
            return facts.employment_type in values
        if name == "open_to":
            open_to = facts.remote_countries.split()
            return facts.workplace == "remote" and (not open_to or bool(values & set(open_to)))
        return any(is_place(value, facts) for value in values)


def is_place(name: str, facts: Facts) -> bool:
    """Whether the posting is based in the city, region or country `name` (a country by its
    ISO code or English name), whatever the case and accents."""
    if len(name) == 2 and name.isupper():
        return facts.country == name
    return fold(name) in facts.place_names


@dataclass(frozen=True)
class Judgement:
    q: str
    rules: Mapping[int, tuple[Rule, ...]]
    note: str = ""

    def grade(self, facts: Facts) -> int:
        """The highest grade one of whose rules the posting meets, else 0."""
        for grade in sorted(self.rules, reverse=True):
            if any(rule.met_by(facts) for rule in self.rules[grade]):
                return grade
        return 0


def load_judgements(path: Path = JUDGEMENTS) -> list[Judgement]:
    """The judgement list; a key or value the grading does not know is an error, so a slip in
    the file cannot quietly grade everything 0."""
    from postings.models import EmploymentType, Workplace

    known_values = {
        "workplace": set(Workplace.values),
        "employment_type": set(EmploymentType.values),
    }
    judgements = []
    for number, entry in enumerate(tomllib.loads(path.read_text())["query"], start=1):
        where = f"{path.name}, query {number} ({entry.get('q')!r})"
        unknown = entry.keys() - {"q", "note", *GRADES}
        if unknown or not entry.get("q") or "grade_2" not in entry:
            raise ValueError(f"{where}: needs q and grade_2; unknown keys {sorted(unknown)}")
        rules: dict[int, tuple[Rule, ...]] = {}
        for key, grade in GRADES.items():
            rules[grade] = tuple(
                read_rule(where, table, known_values) for table in entry.get(key, [])
            )
        judgements.append(Judgement(entry["q"], rules, entry.get("note", "")))
    return judgements


def read_rule(where: str, table: Mapping[str, Any], known_values: Mapping[str, set[str]]) -> Rule:
    unknown = table.keys() - set(CONDITIONS)
    if unknown or not table:
        raise ValueError(f"{where}: a rule needs conditions among {CONDITIONS}, not {unknown}")
    conditions = {}
    for name, values in table.items():
        if not isinstance(values, list) or not values:
            raise ValueError(f"{where}: {name} must list one value or more")
        strange = set(values) - known_values.get(name, set(values))
        if strange:
            raise ValueError(f"{where}: {name} has no {sorted(strange)}")
        conditions[name] = frozenset(values)
    return Rule(conditions)


# -- The metric -------------------------------------------------------------------------


def dcg(grades: Iterable[int]) -> float:
    """Discounted cumulative gain: gain 2^grade - 1 at position i (from 1) over log2(i + 1)."""
    return sum((2**grade - 1) / math.log2(position + 1) for position, grade in enumerate(grades, 1))


def ndcg(ranked: Sequence[int], every_grade: Iterable[int], depth: int = DEPTH) -> float | None:
    """nDCG@depth of the ranked grades against the best `depth` of every grade; None when no
    grade is above 0 (nothing to find, nothing to measure)."""
    ideal = dcg(sorted(every_grade, reverse=True)[:depth])
    if ideal == 0:
        return None
    return dcg(ranked[:depth]) / ideal


# -- Reading the page -----------------------------------------------------------------------


class ResultLinks(HTMLParser):
    """The posting each result of the page's result list links to, in order: the first link
    to a posting in each item of `ol.result-list` (what the page shows beside the results,
    such as a role's card, is not a result)."""

    def __init__(self) -> None:
        super().__init__()
        self.slugs: list[str] = []
        self.depth = 0  # lists open inside the result list, itself included
        self.item_done = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "ol" and (self.depth or "result-list" in classes):
            self.depth += 1
        elif self.depth == 1 and tag == "li":
            self.item_done = False
        elif self.depth and tag == "a" and not self.item_done:
            slug = posting_slug(dict(attrs).get("href") or "")
            if slug:
                self.slugs.append(slug)
                self.item_done = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "ol" and self.depth:
            self.depth -= 1


def posting_slug(href: str) -> str:
    """The slug of the posting a link leads to, or ""."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(urlsplit(href).path)
    except Resolver404:
        return ""
    return match.kwargs.get("slug", "") if match.view_name == "postings:posting_detail" else ""


def result_slugs(html: str) -> list[str]:
    parser = ResultLinks()
    parser.feed(html)
    return parser.slugs


def fetch_results(client: Any, path: str) -> tuple[str, int, list[str]]:
    """Where the page ended up after redirects, its status, and the postings it lists."""
    response = client.get(path, follow=True)
    request = response.request
    query = request.get("QUERY_STRING", "")
    final = request["PATH_INFO"] + (f"?{query}" if query else "")
    slugs = result_slugs(response.content.decode()) if response.status_code == 200 else []
    return final, response.status_code, slugs


# -- Evaluating -------------------------------------------------------------------------


@dataclass
class Outcome:
    judgement: Judgement
    requested: str
    path: str
    status: int
    results: list[Facts | None]
    grades: list[int]
    best: int
    ndcg: float | None

    @property
    def first_good(self) -> bool:
        return bool(self.grades) and self.best > 0 and self.grades[0] == self.best


@dataclass
class Report:
    outcomes: list[Outcome]
    vendor: str
    public: int
    measured: list[Outcome] = field(init=False)

    def __post_init__(self) -> None:
        self.measured = [outcome for outcome in self.outcomes if outcome.ndcg is not None]

    @property
    def unanswerable(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.ndcg is None]

    @property
    def mean_ndcg(self) -> float:
        scores = [outcome.ndcg for outcome in self.measured if outcome.ndcg is not None]
        return sum(scores) / len(scores) if scores else 0.0

    @property
    def first_good_share(self) -> float:
        good = sum(outcome.first_good for outcome in self.measured)
        return good / len(self.measured) if self.measured else 0.0

    def worst(self, count: int) -> list[Outcome]:
        """The lowest scores; among equals, those with results first: what came first says
        more than nothing at all, and the queries without results are listed apart."""
        return sorted(
            self.measured,
            key=lambda outcome: (outcome.ndcg, outcome.first_good, not outcome.results),
        )[:count]


def public_facts() -> dict[str, Facts]:
    from postings.models import Posting

    rows = Posting.objects.public().values_list(
        "slug",
        "title",
        "role__slug",
        "organisation__slug",
        "city",
        "region",
        "country",
        "workplace",
        "employment_type",
        "remote_countries",
    )
    return {row[0]: Facts(*(value or "" for value in row)) for row in rows}


def evaluate(judgements: list[Judgement] | None = None) -> Report:
    """Every judged query through the /jobs/ page with every cache off, graded."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client, override_settings

    from bench.latency import HOST, NO_CACHE, search_path

    judgements = load_judgements() if judgements is None else judgements
    facts = public_facts()
    client = Client(HTTP_HOST=HOST)
    outcomes = []
    # Plain static files: the page's links to them matter here, not collected, hashed copies.
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC_FILES}}
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0, CACHES=NO_CACHE, STORAGES=storages):
        for judgement in judgements:
            requested = search_path({"q": judgement.q})
            path, status, slugs = fetch_results(client, requested)
            results = [facts.get(slug) for slug in slugs[:DEPTH]]
            grades = [judgement.grade(result) if result else 0 for result in results]
            every_grade = [judgement.grade(posting) for posting in facts.values()]
            best = max(every_grade, default=0)
            score = ndcg(grades, every_grade)
            outcomes.append(
                Outcome(judgement, requested, path, status, results, grades, best, score)
            )
    return Report(outcomes, connection.vendor, len(facts))


def summary(report: Report, worst: int = 10) -> str:
    """The figures against the target, and the worst queries with what came first."""
    measured = len(report.measured)
    good = sum(outcome.first_good for outcome in report.measured)
    lines = [
        f"Search quality: {len(report.outcomes)} judged queries through /jobs/ "
        f"({report.vendor}, {report.public:,} public postings)",
        "",
        f"nDCG@{DEPTH} (mean):      {report.mean_ndcg:.3f}   target >= {TARGET_NDCG:.2f}",
        f"First posting good:   {report.first_good_share:.0%} ({good} of {measured})   "
        f"target >= {TARGET_FIRST_GOOD:.0%}",
        "  (good: the first result reaches the best grade any public posting reaches)",
    ]
    empty = [f'"{outcome.judgement.q}"' for outcome in report.measured if not outcome.results]
    lines.append(f"No results at all: {len(empty)} of {measured} queries")
    lines += wrapped(empty)
    if report.unanswerable:
        names = ", ".join(f'"{outcome.judgement.q}"' for outcome in report.unanswerable)
        lines.append(f"Left out, no public posting answers them: {names}")
    lines += ["", f"The {worst} worst queries (nDCG@{DEPTH}, grades of the first ten, first):"]
    for outcome in report.worst(worst):
        lines.append(
            f'  {outcome.ndcg:.3f}  "{outcome.judgement.q}"  '
            f"[{' '.join(map(str, outcome.grades)) or 'no results'}]  best {outcome.best}"
        )
        if outcome.path != outcome.requested or outcome.status != 200:
            lines.append(f"         went to {outcome.path} ({outcome.status})")
        first = outcome.results[0] if outcome.results else None
        if first:
            lines.append(f"         first: {first.describe()}")
    return "\n".join(lines)


def wrapped(items: list[str], width: int = 92) -> list[str]:
    """Items joined by commas into indented lines, never breaking an item."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + len(item) + 2 <= width:
            lines[-1] += f", {item}"
        else:
            if lines:
                lines[-1] += ","
            lines.append(f"  {item}")
    return lines


# -- Running it -------------------------------------------------------------------------


def prepare(postings: int = POSTINGS, seed: int = SEED) -> None:
    """Migrate the database and, when it holds no postings, load the roles and seed the demo
    postings: a scratch database is made once and reused."""
    from django.core.management import call_command
    from django.test import override_settings

    from bench.latency import NO_CACHE
    from postings.models import Posting

    # The site's default cache is a table a new database does not have yet.
    with override_settings(CACHES=NO_CACHE):
        call_command("migrate", interactive=False, verbosity=0)
        if not Posting.objects.exists():
            print(f"Seeding {postings:,} demo postings (seed {seed})...", file=sys.stderr)
            call_command("load_roles", stdout=StringIO())
            call_command("seed_demo", postings=postings, seed=seed, stdout=StringIO())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--prepare", action="store_true", help="migrate, and seed the database if it is empty"
    )
    parser.add_argument("--postings", type=int, default=POSTINGS, help="postings to seed")
    parser.add_argument("--seed", type=int, default=SEED, help="seed_demo's seed")
    parser.add_argument("--worst", type=int, default=10, help="how many worst queries to show")
    parser.add_argument("--judgements", type=Path, default=JUDGEMENTS)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobsite.settings")
    import django

    django.setup()
    if args.prepare:
        prepare(args.postings, args.seed)
    print(summary(evaluate(load_judgements(args.judgements)), worst=args.worst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
