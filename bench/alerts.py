"""Search alerts: one day's run (alerts/runs.py) for many alerts, delivered by 2 task workers
to an SMTP server in this process (aiosmtpd, which counts and drops what it receives).

On a seeded database it adds `BENCH_NEW_POSTINGS` postings published in the last day (copies
of seeded ones, so the roles, places and words are the seed's), about `BENCH_ALERT_SEARCHES`
distinct searches (the judgement list's queries, then combinations of one to three facets
that match about 20 of the new postings), and `BENCH_ALERTS` confirmed alerts shared among them,
all due. It queues the hourly task, as the worker's scheduler would, starts
`manage.py run_huey` with 2 process workers, and waits until no alert is due. The workers'
log lines give the searches, messages and queries; everything it added is deleted at the
end. Run by `make bench` (bench/run.py) on each database at its largest size, or alone:

    DATABASE_URL=... .venv/bin/python -m bench.alerts --output out.json
"""

from __future__ import annotations

import copy
import logging
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench import in_process

ROOT = Path(__file__).resolve().parent.parent
ALERTS = int(os.environ.get("BENCH_ALERTS", "100000"))
SEARCHES = int(os.environ.get("BENCH_ALERT_SEARCHES", "2000"))
NEW_POSTINGS = int(os.environ.get("BENCH_NEW_POSTINGS", "10000"))
WORKERS = 2
# Processes, not the default threads: the run renders mail, which one interpreter's threads
# would take turns at.
WORKER_TYPE = ("--worker-type", "process", "--no-periodic")
# A search of two facets is kept if it matches about this many of the new postings.
AIM = 20
DOMAIN = "alerts.bench.example"
SLUG = "bench-alert-"
TIMEOUT = 30 * 60
RUN_LINE = re.compile(
    r"Alert run \S+: (?P<searches>\d+) searches, (?P<alerts>\d+) alerts, (?P<found>\d+) new "
    r"postings found, (?P<messages>\d+) messages listing (?P<listed>\d+) postings, "
    r"(?P<refused>\d+) refused, (?P<queries>\d+) queries"
)


class Sink:
    """An SMTP server's DATA handler that only counts."""

    def __init__(self) -> None:
        self.messages = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages += 1
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean() -> None:
    from alerts.models import Alert
    from postings.models import Posting

    Alert.objects.filter(email__endswith=f"@{DOMAIN}").delete()
    Posting.objects.filter(slug__startswith=SLUG).delete()


def new_postings(rng: random.Random) -> list[Any]:
    """Copies of seeded public postings, published in the last day."""
    from django.utils import timezone

    from postings.models import Posting

    ids = list(Posting.objects.public().values_list("pk", flat=True))
    chosen = rng.choices(ids, k=NEW_POSTINGS)
    originals = Posting.objects.in_bulk(set(chosen))
    now = timezone.now()
    copies = []
    for number, pk in enumerate(chosen):
        posting = copy.copy(originals[pk])
        posting.pk = None
        posting.slug = f"{SLUG}{number}"
        posting.published_at = now - timedelta(seconds=rng.uniform(60, 86_000))
        posting.valid_through = now + timedelta(days=30)
        posting.created_at = posting.updated_at = posting.published_at
        copies.append(posting)
    for start in range(0, len(copies), 500):
        Posting.objects.bulk_create(copies[start : start + 500])
    return copies


def searches(postings: list[Any], rng: random.Random) -> list[str]:
    """The judgement list's queries, then searches of one to three facets that match about
    AIM of the new postings (counted here from their fields), as canonical alert searches."""
    from django.http import QueryDict

    from alerts.searches import AlertSearch
    from roles.models import Role

    slugs = dict(Role.objects.values_list("pk", "slug"))
    judged = tomllib.loads((ROOT / "tests/search/judgements.toml").read_text())["query"]
    typed = [QueryDict(mutable=True) for _ in judged]
    for data, query in zip(typed, judged, strict=True):
        data["q"] = query["q"]
    facets = {
        "role": lambda p: slugs.get(p.role_id),
        "workplace": lambda p: p.workplace,
        "country": lambda p: p.country,
        "location": lambda p: p.city,
        "employment_type": lambda p: p.employment_type,
    }
    # Two facets give a few hundred searches of about AIM postings in a day; three, the rest
    # of the 2,000 people follow ("operations managers in Germany, hybrid").
    combinations = [
        ("role", "workplace"),
        ("role", "country"),
        ("role", "employment_type"),
        ("location", "workplace"),
        ("country", "workplace"),
        ("role", "location"),
        ("country", "employment_type"),
        ("role", "country", "workplace"),
        ("role", "country", "employment_type"),
        ("role", "workplace", "employment_type"),
        ("role", "location", "workplace"),
        ("role", "location", "employment_type"),
        ("location", "employment_type"),
        ("location", "workplace", "employment_type"),
        ("country", "workplace", "employment_type"),
    ]
    counted: Counter[tuple[tuple[str, str], ...]] = Counter()
    for posting in postings:
        for name in facets:
            counted[((name, facets[name](posting)),)] += 1
        for names in combinations:
            counted[tuple((name, facets[name](posting)) for name in names)] += 1
    candidates = [
        combination
        for combination, count in counted.items()
        if AIM / 2 <= count <= AIM * 1.5 and all(value for _, value in combination)
    ]
    rng.shuffle(candidates)
    for combination in candidates:
        typed.append(QueryDict(mutable=True))
        for name, value in combination:
            typed[-1][name] = value
    found: list[str] = []
    seen = set()
    for data in typed:
        query = AlertSearch.from_request(data).query
        if query not in seen:
            seen.add(query)
            found.append(query)
        if len(found) == SEARCHES:
            break
    return found


def make_alerts(queries: list[str], rng: random.Random) -> int:
    from django.utils import timezone

    from alerts.models import Alert, Frequency

    yesterday = timezone.now() - timedelta(days=1, minutes=1)
    numbers = {query: number for number, query in enumerate(queries)}
    alerts = []
    for number in range(ALERTS):
        # Every search has alerts; the rest go to searches at random.
        query = queries[number] if number < len(queries) else rng.choice(queries)
        weekly = number % 10 == 0
        alerts.append(
            Alert(
                email=f"{number}@{DOMAIN}",
                query=query,
                description=f"Bench search {numbers[query]}",
                frequency=Frequency.WEEKLY if weekly else Frequency.DAILY,
                confirmed_at=yesterday - timedelta(days=6 if weekly else 0),
                last_run_at=yesterday - timedelta(days=6 if weekly else 0),
            )
        )
    Alert.objects.bulk_create(alerts, batch_size=500)
    return len(alerts)


def run() -> dict[str, Any]:
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.utils import timezone

    from alerts.models import Alert
    from alerts.tasks import queue_alert_runs

    rng = random.Random(1)
    clean()
    started = time.perf_counter()
    postings = new_postings(rng)
    queries = searches(postings, rng)
    made = make_alerts(queries, rng)
    setup_seconds = time.perf_counter() - started

    # The server's own lines, five a message, would cost the sink more than the messages.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=int(os.environ["BENCH_SMTP_PORT"]))
    controller.start()
    log = Path(os.environ["BENCH_WORKER_LOG"])
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_huey", "--workers", str(WORKERS), *WORKER_TYPE],
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        started = time.perf_counter()
        queue_alert_runs()
        while Alert.objects.due(timezone.now()).filter(email__endswith=f"@{DOMAIN}").exists():
            if time.perf_counter() - started > TIMEOUT or worker.poll() is not None:
                raise RuntimeError(f"the alerts' run did not finish; see {log}")
            time.sleep(0.5)
        seconds = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        controller.stop()
    totals: Counter[str] = Counter()
    for match in RUN_LINE.finditer(log.read_text()):
        totals.update({name: int(value) for name, value in match.groupdict().items()})
    clean()
    # The query that finds the due searches, besides the tasks' own.
    queries_made = totals["queries"] + 1
    return {
        "database": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "alerts": made,
        "searches": len(queries),
        "new_postings": NEW_POSTINGS,
        "setup_seconds": round(setup_seconds, 1),
        "run_seconds": round(seconds, 1),
        "searches_run": totals["searches"],
        "alerts_run": totals["alerts"],
        "found_per_search": round(totals["found"] / max(totals["searches"], 1), 1),
        "messages": totals["messages"],
        "received": sink.messages,
        "refused": totals["refused"],
        "postings_listed": totals["listed"],
        "queries": queries_made,
        "queries_per_1000_alerts": round(1000 * queries_made / max(made, 1), 1),
        "queries_per_search": round(queries_made / max(len(queries), 1), 2),
        # The target: at most 3 a search and 1 a hundred alerts.
        "query_budget": 3 * len(queries) + -(-made // 100),
    }


def summary(result: dict[str, Any]) -> str:
    return (
        f"alerts: {result['alerts']:,} over {result['searches']:,} searches, "
        f"{result['new_postings']:,} new postings ({result['found_per_search']} a search): "
        f"{result['messages']:,} messages ({result['received']:,} received) in "
        f"{result['run_seconds']:,} s; {result['queries']:,} queries "
        f"({result['queries_per_1000_alerts']} per 1,000 alerts, budget "
        f"{result['query_budget']:,})"
    )


if __name__ == "__main__":
    # The workers and this process share the queue, the mail server and the database.
    work = Path(tempfile.mkdtemp(prefix="bench-alerts-"))
    port = free_port()
    os.environ.update(
        TASK_QUEUE_URL=f"sqlite:///{work / 'tasks.sqlite3'}",
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
        BENCH_SMTP_PORT=str(port),
        BENCH_WORKER_LOG=os.environ.get("BENCH_WORKER_LOG", str(work / "workers.log")),
    )
    sys.exit(
        in_process.main("Search alerts: one day's run, 2 workers, a local SMTP sink", run, summary)
    )
