"""Search latency in the server: the /jobs/ page for a fixed mix of queries, timed in-process.

Each request goes through Django's full handler (middleware, view, template) with the test
client and every cache off, so the time is what one gunicorn worker spends on a page nobody
has asked for yet, less the WSGI server and the network. After a warm-up, each query is
repeated and reported as p50/p95/p99. Then the SQL of one request is captured and explained:
`EXPLAIN (ANALYZE, BUFFERS)` on PostgreSQL, `EXPLAIN QUERY PLAN` (with the statement timed)
on SQLite; the plans go to files and a one-line summary to the results. A few more requests
are timed by part (`split`): SQL, the ORM, the templates and the rest, for the report's
account of a missed target.

Run by bench/run.py in a process of its own, configured from the environment like the site:

    DATABASE_URL=... python -m bench.latency --plans plans/ --output latency.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

# The fixed mix: (key, what it is, query parameters). Chosen against seed_demo's data:
# "operations" matches most postings (the heaviest keyword), "COO" matches only through the
# role's abbreviation, and the no-hits words appear in no posting. Then what people type
# beyond titles (issue 14): a role with a place, a misspelt word, shorthand, and a role's
# full title, which the page answers with the role's card above the results.
QUERY_MIX: list[tuple[str, str, dict[str, str]]] = [
    ("keyword", "Keyword alone", {"q": "operations"}),
    (
        "keyword_filters",
        "Keyword with two filters",
        {"q": "operations", "workplace": "remote", "country": "GB"},
    ),
    ("filters", "Filters alone", {"employment_type": "full_time", "workplace": "hybrid"}),
    ("abbreviation", "Abbreviation", {"q": "COO"}),
    ("no_hits", "No hits", {"q": "xylophone quasar"}),
    ("deep_page", "Deep page", {"page": "200"}),
    ("place", "Role and place", {"q": "COO London"}),
    ("typo", "Typo", {"q": "opperations director"}),
    ("shorthand", "Shorthand", {"q": "vp ops"}),
    ("role_answer", "Role answer", {"q": "chief operating officer"}),
]

EXPLAINER_SLUG = "chief-operating-officer"
# The list: every open posting, newest first, nothing searched.
LIST_PATH = "/jobs/"
# The page's whole work on every request: no page cache, and a cache that keeps nothing.
NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
HOST = "127.0.0.1"


def search_path(params: dict[str, str]) -> str:
    return "/jobs/?" + urlencode(params)


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile: the smallest sample with at least p% of them at or below."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def mix_percentile(sample_lists: list[list[float]], p: float) -> float:
    """The nearest-rank percentile of several queries' samples taken together, each query
    weighing the same however many samples its time budget allowed: the p95 "over the whole
    mix" of a visitor who asks each query of the mix alike. With equal numbers of samples it
    is the percentile of all of them."""
    measured = [samples for samples in sample_lists if samples]
    weighted = sorted((sample, 1 / len(samples)) for samples in measured for sample in samples)
    needed = p / 100 * len(measured)
    reached = 0.0
    for sample, weight in weighted:
        reached += weight
        # A little slack: sums of fractions such as 1/3 fall short of the whole by rounding.
        if reached >= needed - 1e-9:
            return sample
    raise ValueError("no samples")


@dataclass
class Statement:
    sql: str
    kind: str
    milliseconds: float
    indexes: list[str]
    full_scans: list[str]


@dataclass
class Measurement:
    key: str
    label: str
    path: str
    samples_ms: list[float]
    bytes: int
    statements: list[Statement] = field(default_factory=list)
    explained: bool = False
    plan_file: str = ""
    # Time in the database during one request, as the site sees it (not EXPLAIN's).
    sql_ms: float = 0.0
    # A request's time by part (`Split`), the mean of a few requests.
    split_ms: dict[str, float] = field(default_factory=dict)

    @property
    def p50(self) -> float:
        return percentile(self.samples_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples_ms, 95)

    @property
    def p99(self) -> float:
        return percentile(self.samples_ms, 99)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(p50=self.p50, p95=self.p95, p99=self.p99, queries=len(self.statements))
        data["plan_summary"] = self.plan_summary() if self.explained else ""
        return data

    def plan_summary(self) -> str:
        """Queries, time in SQL, the slowest statement, the indexes and full scans."""
        if not self.statements:
            return "no SQL"
        total = sum(statement.milliseconds for statement in self.statements)
        slowest = max(self.statements, key=lambda statement: statement.milliseconds)
        indexes = sorted({name for statement in self.statements for name in statement.indexes})
        scans = sorted({name for statement in self.statements for name in statement.full_scans})
        return (
            f"{len(self.statements)} queries, {total:.1f} ms in SQL; slowest {slowest.kind} "
            f"{slowest.milliseconds:.1f} ms; indexes: {', '.join(indexes) or 'none'}; "
            f"full scans: {', '.join(scans) or 'none'}"
        )


def statement_kind(sql: str) -> str:
    """A name for a statement of the search page, from the shape of its SQL."""
    lowered = sql.lower()
    if "ts_headline" in lowered or "snippet(" in lowered:
        return "snippets"
    if "group by" in lowered or "grouping sets" in lowered:
        return "facets"
    if "count(" in lowered:
        return "count"
    match = re.search(r'\bfrom\s+"?(\w+)"?', lowered)
    table = match.group(1) if match else "?"
    return "list" if table == "postings_posting" else table


def measure(client, key: str, label: str, path: str, repetitions: int, warmup: int, budget: float):
    """Time `repetitions` requests for `path` after `warmup` untimed ones; stop early (after
    at least a few) when the time budget in seconds is spent."""
    size = 0
    for _ in range(warmup):
        size = len(fetch(client, path))
    samples: list[float] = []
    deadline = time.perf_counter() + budget
    while len(samples) < repetitions:
        started = time.perf_counter()
        size = len(fetch(client, path))
        samples.append((time.perf_counter() - started) * 1000)
        if time.perf_counter() > deadline and len(samples) >= min(repetitions, 5):
            break
    return Measurement(key, label, path, samples, size)


def fetch(client, path: str) -> bytes:
    """The page at `path`, after any redirect (a search the page understands may send the
    visitor to its filter form): the time of a request is that of the whole chain."""
    response = client.get(path, follow=True)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}, not 200")
    return response.content


def capture(client, path: str) -> tuple[list[tuple[str, Any]], float]:
    """The SQL statements and parameters of one request for `path`, and the milliseconds
    they took."""
    from django.db import connection

    statements: list[tuple[str, Any]] = []
    spent = [0.0]

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += (time.perf_counter() - started) * 1000

    with connection.execute_wrapper(record):
        fetch(client, path)
    return statements, spent[0]


# The parts of a request's time: the database, the ORM (compiling querysets into SQL and
# turning rows into objects), the templates, and the rest (the view's and the middleware's
# own Python, building querysets included).
PARTS = ("sql", "orm", "template", "other")


class Split:
    """A request's time by part, each moment counted once, in the innermost part running
    (SQL a template's loop runs is SQL, not template)."""

    def __init__(self) -> None:
        self.ms = dict.fromkeys(PARTS, 0.0)
        self._running = ["other"]
        self._since = time.perf_counter()

    def _switch(self, part: str | None) -> None:
        now = time.perf_counter()
        self.ms[self._running[-1]] += (now - self._since) * 1000
        self._since = now
        if part is None:
            self._running.pop()
        else:
            self._running.append(part)

    def around(self, part: str, function: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self._switch(part)
            try:
                return function(*args, **kwargs)
            finally:
                self._switch(None)

        return timed

    def stop(self) -> None:
        self._switch(None)


def split(client, path: str, runs: int = 10) -> dict[str, float]:
    """The mean milliseconds of a request for `path` in each of PARTS, over `runs` requests."""
    from unittest import mock

    from django.db import connection
    from django.db.models.query import QuerySet
    from django.template.base import Template

    totals = dict.fromkeys(PARTS, 0.0)
    for _ in range(runs):
        parts = Split()

        def sql(execute, sql, params, many, context, parts=parts):
            return parts.around("sql", execute)(sql, params, many, context)

        patches = [
            mock.patch.object(QuerySet, name, parts.around("orm", getattr(QuerySet, name)))
            for name in ("_fetch_all", "count", "exists", "aggregate")
        ]
        patches.append(
            mock.patch.object(Template, "render", parts.around("template", Template.render))
        )
        for patch in patches:
            patch.start()
        try:
            with connection.execute_wrapper(sql):
                fetch(client, path)
        finally:
            parts.stop()
            for patch in patches:
                patch.stop()
        for part, ms in parts.ms.items():
            totals[part] += ms
    return {part: round(ms / runs, 3) for part, ms in totals.items()}


PG_INDEX = re.compile(r"(?:Index Scan|Index Only Scan) using (\S+)|Bitmap Index Scan on (\S+)")
PG_SEQ_SCAN = re.compile(r"Seq Scan on (\S+)")
PG_EXECUTION = re.compile(r"Execution Time: ([\d.]+) ms")
SQLITE_INDEX = re.compile(r"USING (?:COVERING )?INDEX (\S+)|USING (INTEGER PRIMARY KEY)")
SQLITE_SCAN = re.compile(r"^SCAN (\w+)$")


def explain(statements: list[tuple[str, Any]]) -> tuple[list[Statement], str]:
    """Explain each SELECT: the parsed statements and the plans as text."""
    from django.db import connection

    parsed: list[Statement] = []
    text: list[str] = []
    for number, (sql, params) in enumerate(statements, start=1):
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                indexes = [a or b for a, b in PG_INDEX.findall(plan)]
                scans = PG_SEQ_SCAN.findall(plan)
                found = PG_EXECUTION.search(plan)
                milliseconds = float(found.group(1)) if found else 0.0
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
                details = [row[3] for row in cursor.fetchall()]
                plan = "\n".join(details)
                indexes = [a or b for detail in details for a, b in SQLITE_INDEX.findall(detail)]
                scans = [m.group(1) for d in details if (m := SQLITE_SCAN.match(d.strip()))]
                started = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                milliseconds = (time.perf_counter() - started) * 1000
        kind = statement_kind(sql)
        parsed.append(Statement(sql, kind, milliseconds, sorted(set(indexes)), sorted(set(scans))))
        text.append(
            f"-- Statement {number} ({kind}), {milliseconds:.2f} ms\n{sql}\n-- params: "
            f"{params!r}\n{plan}\n"
        )
    return parsed, "\n".join(text)


def page_paths() -> list[tuple[str, str, str]]:
    """The other pages the load test requests, for their in-server time: home, the list, an
    explainer and the newest public posting."""
    from postings.models import Posting
    from roles.models import Role

    roles = Role.objects.published()
    role = roles.filter(slug=EXPLAINER_SLUG).first() or roles.order_by("slug").first()
    posting = Posting.objects.public().newest_first().first()
    pages = [("home", "Home", "/"), ("list", "List", LIST_PATH)]
    if role:
        pages.append(("explainer", "Role explainer", role.get_absolute_url()))
    if posting:
        pages.append(("detail", "Posting detail", posting.get_absolute_url()))
    return pages


def run(
    *,
    repetitions: int = 100,
    warmup: int = 5,
    budget: float = 30.0,
    plans_dir: Path | None = None,
    plan_prefix: str = "",
    with_pages: bool = True,
) -> dict[str, Any]:
    """Measure the query mix (and the other pages, unless told not to) with every cache
    off; explain the searches' SQL."""
    from django.test import override_settings

    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=0, CACHES=NO_CACHE):
        return measure_all(repetitions, warmup, budget, plans_dir, plan_prefix, with_pages)


def measure_all(
    repetitions: int,
    warmup: int,
    budget: float,
    plans_dir: Path | None,
    plan_prefix: str,
    with_pages: bool,
) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    client = Client(HTTP_HOST=HOST, raise_request_exception=True)
    # The whole mix first, `warmup` times: the database's buffers then hold what every query
    # reads, not only the one about to be timed (right after another database's runs, the
    # first query timed would pay for reading them back).
    for _ in range(warmup):
        for _key, _label, params in QUERY_MIX:
            fetch(client, search_path(params))
    searches = []
    for key, label, params in QUERY_MIX:
        measurement = measure(client, key, label, search_path(params), repetitions, warmup, budget)
        statements, measurement.sql_ms = capture(client, measurement.path)
        measurement.split_ms = split(client, measurement.path)
        if not statements:
            raise RuntimeError(f"{measurement.path} ran no SQL: was it served from a cache?")
        measurement.statements, plans = explain(statements)
        measurement.explained = True
        if plans_dir is not None:
            plans_dir.mkdir(parents=True, exist_ok=True)
            plan_file = plans_dir / f"{plan_prefix}{key}.txt"
            plan_file.write_text(f"-- GET {measurement.path}\n\n{plans}")
            measurement.plan_file = plan_file.name
        searches.append(measurement)
    pages = []
    for key, label, path in page_paths() if with_pages else []:
        measurement = measure(client, key, label, path, max(3, repetitions // 5), warmup, budget)
        statements, measurement.sql_ms = capture(client, path)
        measurement.split_ms = split(client, path)
        measurement.statements = [
            Statement(sql, statement_kind(sql), 0.0, [], []) for sql, _ in statements
        ]
        pages.append(measurement)
    return {
        "vendor": connection.vendor,
        "searches": [measurement.as_dict() for measurement in searches],
        "pages": [measurement.as_dict() for measurement in pages],
    }


def table(result: dict[str, Any]) -> str:
    """The measurements as a Markdown table."""
    lines = [
        "| query | path | p50 ms | p95 ms | p99 ms | runs | queries | KB | plan |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in result["searches"] + result["pages"]:
        lines.append(
            f"| {row['label']} | `{row['path']}` | {row['p50']:.1f} | {row['p95']:.1f} | "
            f"{row['p99']:.1f} | {len(row['samples_ms'])} | {row['queries']} | "
            f"{row['bytes'] / 1024:.0f} | {row['plan_summary']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repetitions", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--budget", type=float, default=30.0, help="seconds per query at most")
    parser.add_argument("--plans", type=Path, help="folder for the query plans")
    parser.add_argument("--plan-prefix", default="")
    parser.add_argument("--output", type=Path, help="write the results here as JSON")
    parser.add_argument("--no-pages", action="store_true", help="time the searches only")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobsite.settings")
    import django

    django.setup()
    result = run(
        repetitions=args.repetitions,
        warmup=args.warmup,
        budget=args.budget,
        plans_dir=args.plans,
        plan_prefix=args.plan_prefix,
        with_pages=not args.no_pages,
    )
    if args.output:
        args.output.write_text(json.dumps(result, indent=1))
    print(table(result))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
