"""Shared counters (jobsite/counters.py) stay exact when several processes count at once:
on the default setup (the database cache in its own SQLite file) and on Redis."""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from jobsite import counters

ROOT = Path(__file__).resolve().parent.parent.parent
PROCESSES = 4
EACH = 150

COUNT = f"""
from jobsite import counters
for _ in range({EACH}):
    counters.increment("view:2026-12-06", "a-job")
"""


def test_processes_counting_at_once_on_the_database_cache_lose_no_count(tmp_path):
    """Django's DatabaseCache.incr reads then writes, so two processes may both write n+1;
    the counters' UPDATE … value + 1 may not. They live in the cache's own file, not the
    site's."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("CACHE_URL", "DATABASE_URL", "TASK_QUEUE_URL")
    }
    env.update(
        DJANGO_ENV_FILE=os.devnull,
        DJANGO_DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        PYTHONPATH=str(ROOT),
    )
    for command in (["migrate", "--noinput", "--verbosity", "0"], ["createcachetable"]):
        subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True
        )
    processes = [
        subprocess.Popen(  # noqa: S603 - fixed arguments
            [sys.executable, "manage.py", "shell", "-c", COUNT], cwd=ROOT, env=env
        )
        for _ in range(PROCESSES)
    ]
    assert all(process.wait(timeout=120) == 0 for process in processes)

    with sqlite3.connect(tmp_path / "site.sqlite3-cache") as cache_database:
        rows = cache_database.execute("SELECT name, value FROM jobsite_counter").fetchall()
    with sqlite3.connect(tmp_path / "site.sqlite3") as site_database:
        in_site = site_database.execute("SELECT count(*) FROM jobsite_counter").fetchone()
    assert rows == [("a-job", PROCESSES * EACH)]
    assert in_site == (0,)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_cache(settings, tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - a fixed program
        [server, "--port", str(port), "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    settings.CACHES = {
        "default": {
            "BACKEND": "jobsite.redis_cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_redis_counts_exactly_from_many_threads_and_settles_without_losing_any(redis_cache):
    def count(_):
        for _ in range(EACH):
            counters.increment("view:2026-12-06", "a-job")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(count, range(8)))
    taken = counters.take("view:2026-12-06")
    counters.increment("view:2026-12-06", "a-job")  # between reading and settling
    counters.settle("view:2026-12-06", taken)

    assert taken == {"a-job": 8 * EACH}
    assert counters.take("view:2026-12-06") == {"a-job": 1}


def test_redis_drops_a_finished_groups_emptied_counters(redis_cache):
    counters.increment("view:2026-12-05", "a-job")

    counters.settle("view:2026-12-05", counters.take("view:2026-12-05"), finished=True)

    assert counters.take("view:2026-12-05") == {}
    assert not counters._redis().exists(counters._redis_key("view:2026-12-05"))


@pytest.mark.django_db
def test_the_table_settles_without_losing_a_count_made_meanwhile():
    counters.increment("apply:2026-12-06", "a-job")
    taken = counters.take("apply:2026-12-06")
    counters.increment("apply:2026-12-06", "a-job")

    counters.settle("apply:2026-12-06", taken, finished=True)

    assert counters.take("apply:2026-12-06") == {"a-job": 1}
