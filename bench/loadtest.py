"""Load with a database restart: does the site hold, and does it recover by itself?

    make loadtest                        # or: .venv/bin/python bench/loadtest.py --help

What it does, on PostgreSQL with the production settings:

1. makes the database `rel_load` if it is missing, migrates it, loads the roles and seeds a few
   thousand demo postings (`seed_demo`, idempotent: a second run adds nothing);
2. starts gunicorn on 127.0.0.1 with DJANGO_DEBUG off, a throwaway secret, DATABASE_URL and a
   Redis cache (CACHE_URL, db 10 by default, emptied first);
3. sends mixed traffic (search, posting pages, role explainers, feeds) from 32 connections for
   60 seconds, and polls /healthz every 250 ms;
4. part-way, restarts PostgreSQL (stop, a few seconds down, start) with pg_ctlcluster;
5. prints what it saw: requests, errors and 5xx before, during and after the outage, when
   /healthz went 503 and came back, how long recovery took, and whether the gunicorn workers
   are the same processes as at the start.

It passes (exit status 0) when nothing failed outside the outage, /healthz said 503 while the
database was down and 200 again afterwards, and no worker was restarted.

Restarting PostgreSQL disturbs everything else using it for a few seconds: run it alone.
`--no-restart` runs the traffic without the outage.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
HOST = "127.0.0.1"

SEARCH_WORDS = ["operations", "COO", "director", "finance", "remote", "manager", "logistics"]
SEARCH_FILTERS = [
    {},
    {"workplace": "remote"},
    {"employment_type": "full_time"},
    {"country": "GB"},
    {"sort": "newest"},
    {"salary_min": "50000", "currency": "GBP"},
]
# (kind, weight): what a day of real traffic looks like, roughly.
TRAFFIC_MIX = [("search", 35), ("detail", 35), ("explainer", 15), ("feed", 10), ("home", 5)]
FEEDS = ["/jobs/feed/rss/", "/jobs/feed/atom/", "/jobs/feed/rss/?q=operations"]


@dataclass
class Result:
    kind: str
    start: float
    end: float
    status: int | None  # None: no HTTP answer at all
    error: str = ""


@dataclass
class Observations:
    results: list[Result] = field(default_factory=list)
    health: list[tuple[float, int | None]] = field(default_factory=list)
    events: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


# --- Setting up ------------------------------------------------------------------------


def site_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"{args.pg_url}/{args.database}",
            "CACHE_URL": args.cache_url,
            # Not the checkout's .env: only what is set here.
            "DJANGO_ENV_FILE": os.devnull,
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def manage(env: dict[str, str], *arguments: str) -> str:
    completed = subprocess.run(
        [str(PYTHON), "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return completed.stdout


def query(args: argparse.Namespace, database: str, sql: object, *params: object) -> list[tuple]:
    import psycopg  # The site's own driver, from the virtual environment.

    with psycopg.connect(f"{args.pg_url}/{database}", autocommit=True) as connection:
        cursor = connection.execute(sql, params or None)
        return cursor.fetchall() if cursor.description else []


def prepare_database(args: argparse.Namespace, env: dict[str, str]) -> None:
    from psycopg import sql

    if not query(args, "postgres", "SELECT 1 FROM pg_database WHERE datname = %s", args.database):
        print(f"Creating database {args.database}")
        query(args, "postgres", sql.SQL("CREATE DATABASE {}").format(sql.Identifier(args.database)))
    print("Migrating, loading roles, seeding postings (idempotent)…", flush=True)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    manage(env, "load_roles")
    [(have,)] = query(args, args.database, "SELECT count(*) FROM postings_posting")
    if have < args.postings:
        started = time.monotonic()
        manage(env, "seed_demo", "--postings", str(args.postings), "--seed", "1")
        print(f"Seeded {args.postings} postings in {time.monotonic() - started:.0f} s")
    # Production serves static files from the collected manifest.
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")


def sample_urls(args: argparse.Namespace) -> dict[str, list[str]]:
    postings = [
        slug
        for (slug,) in query(
            args,
            args.database,
            "SELECT slug FROM postings_posting WHERE status = 'published' "
            "AND published_at <= now() AND (valid_through IS NULL OR valid_through > now()) "
            "ORDER BY id LIMIT 2000",
        )
    ]
    roles = [
        slug
        for (slug,) in query(
            args, args.database, "SELECT slug FROM roles_role WHERE is_published ORDER BY id"
        )
    ]
    if not postings or not roles:
        sys.exit("The database has no open postings or no published roles: nothing to load.")
    searches = []
    for word in SEARCH_WORDS:
        for extra in SEARCH_FILTERS:
            searches.append("/jobs/?" + urlencode({"q": word, **extra}))
    searches += ["/jobs/?" + urlencode(extra) for extra in SEARCH_FILTERS if extra]
    searches += ["/jobs/?page=3", "/jobs/?role=" + quote(roles[0])]
    return {
        "search": searches,
        "detail": [f"/jobs/{slug}/" for slug in postings],
        "explainer": [f"/roles/{slug}/" for slug in roles],
        "feed": FEEDS,
        "home": ["/"],
    }


def clear_cache(args: argparse.Namespace) -> None:
    """Empty the Redis database the run uses, so that it starts cold and leaves nothing."""
    if args.cache_url.startswith("redis://"):
        subprocess.run(
            ["redis-cli", "-u", args.cache_url, "FLUSHDB"],
            check=False,
            capture_output=True,
        )


def start_gunicorn(args: argparse.Namespace, env: dict[str, str], port: int) -> subprocess.Popen:
    log = open(args.log, "a")  # noqa: SIM115 - open for the server's whole life
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "jobsite.wsgi",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(args.workers),
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited at start (status {server.returncode}); see {args.log}")
        status, _ = get(port, "/healthz", timeout=2)
        if status == 200:
            return server
        time.sleep(0.2)
    stop_gunicorn(server)
    sys.exit(f"gunicorn did not answer /healthz within 30 s; see {args.log}")


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def worker_pids(master: int) -> set[int]:
    """The gunicorn master's child processes, from /proc."""
    children = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces; the parent pid is the 2nd field after it.
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == master:
            children.add(int(entry.name))
    return children


# --- Traffic -----------------------------------------------------------------------------


def get(port: int, path: str, timeout: float) -> tuple[int | None, str]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": "localhost", "Connection": "close"})
        response = connection.getresponse()
        response.read()
        return response.status, ""
    except (OSError, http.client.HTTPException) as error:
        return None, type(error).__name__
    finally:
        connection.close()


def client_loop(
    args: argparse.Namespace,
    urls: dict[str, list[str]],
    seen: Observations,
    stop: threading.Event,
    seed: int,
) -> None:
    rng = random.Random(seed)
    kinds = [kind for kind, _ in TRAFFIC_MIX]
    weights = [weight for _, weight in TRAFFIC_MIX]
    while not stop.is_set():
        kind = rng.choices(kinds, weights)[0]
        path = rng.choice(urls[kind])
        start = time.monotonic()
        status, error = get(args.port, path, timeout=args.timeout)
        with seen.lock:
            seen.results.append(Result(kind, start, time.monotonic(), status, error))


def health_loop(args: argparse.Namespace, seen: Observations, stop: threading.Event) -> None:
    while not stop.is_set():
        started = time.monotonic()
        status, _ = get(args.port, "/healthz", timeout=1)
        with seen.lock:
            seen.health.append((started, status))
        stop.wait(max(0.0, 0.25 - (time.monotonic() - started)))


def restart_postgres(args: argparse.Namespace, seen: Observations, stop: threading.Event) -> None:
    if stop.wait(args.outage_at):
        return
    seen.events["stop_requested"] = time.monotonic()
    try:
        pg_ctlcluster(args, "stop", "-m", "fast")
        seen.events["stopped"] = time.monotonic()
        time.sleep(args.outage_seconds)
    finally:
        # Whatever happened, PostgreSQL must not stay down.
        seen.events["start_requested"] = time.monotonic()
        pg_ctlcluster(args, "start")
        seen.events["started"] = time.monotonic()


def pg_ctlcluster(args: argparse.Namespace, action: str, *options: str) -> None:
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", *args.pg_cluster.split(), action]
    completed = subprocess.run([*command, *options], check=False, capture_output=True, text=True)
    # Starting a cluster that is already running is no failure.
    if completed.returncode != 0 and "already running" not in completed.stderr:
        print(f"{' '.join(command)} failed: {completed.stderr.strip()}", file=sys.stderr)


def detect_cluster(args: argparse.Namespace) -> str:
    """ "15 main": the cluster that listens on the port of the PostgreSQL URL."""
    port = args.pg_url.rsplit(":", 1)[-1].split("/")[0]
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], check=True, capture_output=True, text=True
    ).stdout
    for line in listing.splitlines():
        version, name, cluster_port, *_ = line.split()
        if cluster_port == port:
            return f"{version} {name}"
    sys.exit(f"No PostgreSQL cluster listens on port {port}: give --pg-cluster.")


# --- Reporting ---------------------------------------------------------------------------


def summarise(args: argparse.Namespace, seen: Observations, t0: float) -> bool:
    events = seen.events
    health = sorted(seen.health)
    outage_start = events.get("stop_requested")
    went_down = came_back = None
    if outage_start is not None:
        went_down = next((t for t, status in health if t >= outage_start and status != 200), None)
        if went_down is not None:
            came_back = next((t for t, status in health if t > went_down and status == 200), None)
    # The outage window: from the stop until /healthz answered 200 again (or, if it never
    # noticed, until PostgreSQL was back).
    window_end = came_back or events.get("started")

    def phase(result: Result) -> str:
        if outage_start is None or window_end is None:
            return "before"
        if result.end < outage_start:
            return "before"
        if result.start > window_end:
            return "after"
        return "during"

    table: dict[str, Counter] = {name: Counter() for name in ("before", "during", "after")}
    by_kind: Counter = Counter()
    for result in seen.results:
        row = table[phase(result)]
        row["requests"] += 1
        by_kind[result.kind] += 1
        if result.status is None:
            row["errors"] += 1
            row[f"error: {result.error}"] += 1
        elif result.status >= 500:
            row["5xx"] += 1
            row[f"status {result.status}"] += 1
        elif result.status >= 400:
            row["4xx"] += 1
        else:
            row["ok"] += 1

    def at(moment: float | None) -> str:
        return "—" if moment is None else f"t={moment - t0:6.2f} s"

    total = len(seen.results)
    duration = args.duration
    print()
    print(f"Load test: {args.connections} connections, {duration} s, {args.workers} workers")
    print(f"Requests: {total} ({total / duration:.0f}/s); by kind: {dict(by_kind)}")
    print()
    print(f"{'phase':<8} {'requests':>9} {'ok':>7} {'4xx':>5} {'5xx':>5} {'errors':>7}  detail")
    for name, row in table.items():
        detail = ", ".join(
            f"{key} ×{count}"
            for key, count in sorted(row.items())
            if key.startswith(("error:", "status"))
        )
        print(
            f"{name:<8} {row['requests']:>9} {row['ok']:>7} {row['4xx']:>5} {row['5xx']:>5} "
            f"{row['errors']:>7}  {detail}"
        )
    print()
    passed = True
    if outage_start is not None:
        print(f"PostgreSQL stop requested   {at(events.get('stop_requested'))}")
        print(f"PostgreSQL stopped          {at(events.get('stopped'))}")
        print(f"PostgreSQL start requested  {at(events.get('start_requested'))}")
        print(f"PostgreSQL accepting again  {at(events.get('started'))}")
        print(f"/healthz first non-200      {at(went_down)}")
        print(f"/healthz 200 again          {at(came_back)}")
        until = came_back or float("inf")
        down_statuses = Counter(
            status for t, status in health if went_down is not None and went_down <= t < until
        )
        print(f"/healthz answers while down {dict(down_statuses)}")
        # From the moment PostgreSQL was asked to start: pg_ctlcluster returns only after
        # its own readiness wait, often later than the server first accepts connections.
        start = events.get("start_requested")
        recovery = came_back - start if came_back and start else None
        print(
            "Recovery: /healthz 200 again "
            + ("never" if recovery is None else f"{recovery:.2f} s")
            + " after PostgreSQL's start was requested"
        )
        if went_down is None or down_statuses.get(503, 0) == 0:
            print("FAIL: /healthz never answered 503 while the database was down")
            passed = False
        if came_back is None:
            print("FAIL: /healthz did not come back to 200")
            passed = False
        elif recovery is not None and recovery > args.recovery_limit:
            print(f"FAIL: recovery took longer than {args.recovery_limit} s")
            passed = False
        last_failure = max(
            (r.end for r in seen.results if r.status is None or r.status >= 500), default=None
        )
        print(f"Last failed request ended   {at(last_failure)}")
    for name in ("before", "after"):
        row = table[name]
        if row["errors"] or row["5xx"]:
            print(f"FAIL: {row['errors']} errors and {row['5xx']} 5xx {name} the outage")
            passed = False
    if outage_start is None and (table["before"]["errors"] or table["before"]["5xx"]):
        passed = False
    return passed


# --- Main --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="rel_load")
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--postings", type=int, default=3000)
    parser.add_argument("--port", type=int, default=8400)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=60, help="Seconds of traffic.")
    parser.add_argument("--timeout", type=float, default=30.0, help="Per request, seconds.")
    parser.add_argument("--outage-at", type=float, default=20.0, help="Seconds into the run.")
    parser.add_argument("--outage-seconds", type=float, default=3.0)
    parser.add_argument("--recovery-limit", type=float, default=5.0)
    parser.add_argument("--pg-cluster", default="", help='e.g. "15 main"; found by port.')
    parser.add_argument("--no-restart", action="store_true", help="Traffic only.")
    parser.add_argument("--log", default="/dev/null", help="Where gunicorn's log goes.")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.no_restart and not args.pg_cluster:
        args.pg_cluster = detect_cluster(args)
    env = site_env(args)
    prepare_database(args, env)
    urls = sample_urls(args)
    clear_cache(args)
    server = start_gunicorn(args, env, args.port)
    try:
        workers_before = worker_pids(server.pid)
        seen = Observations()
        stop = threading.Event()
        threads = [
            threading.Thread(target=client_loop, args=(args, urls, seen, stop, n), daemon=True)
            for n in range(args.connections)
        ]
        threads.append(threading.Thread(target=health_loop, args=(args, seen, stop), daemon=True))
        restarter = None
        if not args.no_restart:
            restarter = threading.Thread(target=restart_postgres, args=(args, seen, stop))
            threads.append(restarter)
        t0 = time.monotonic()
        print(f"Traffic for {args.duration} s at {args.connections} connections…", flush=True)
        for thread in threads:
            thread.start()
        time.sleep(args.duration)
        stop.set()
        for thread in threads:
            thread.join(timeout=args.timeout + 5)
        passed = summarise(args, seen, t0)
        workers_after = worker_pids(server.pid)
        alive = server.poll() is None
        same = workers_before == workers_after
        print(
            f"gunicorn workers: {sorted(workers_before)} at the start, {sorted(workers_after)} "
            f"at the end: {'the same processes' if same else 'CHANGED'}; "
            f"master {'still running' if alive else 'EXITED'}"
        )
        passed = passed and same and alive
    finally:
        stop_gunicorn(server)
        clear_cache(args)
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
