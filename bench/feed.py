"""The aggregator feed (/jobs/feed.xml): the worker's rebuild of its file, timed and with its
peak memory, then the request for it beside a static file of the same bytes. Run by
`make bench` (bench/run.py) in a process of its own per database and size:

    DATABASE_URL=... GENERATED_FILES_DIR=... .venv/bin/python -m bench.feed --output out.json

Three builds. The first makes whatever description copies are missing (a database seeded
before they existed); the second, timed, is what every change costs (the feed is within
FEED_CHECK_MINUTES and one such build of the change); the third traces Python's memory for
its peak (tracing slows it, so it is not the timed one). Flat memory: that peak is about the
same at 10,000 postings as at 100,000.

The requests go through the WSGI application as a server would call it, the whole body
read: the feed as an aggregator asks for it (gzip), and the same file served by WhiteNoise,
the site's static file server.
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc
import wsgiref.util
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

REQUESTS = 5
ONE_MILLION = 1_000_000


def peak_kb() -> int:
    """The process's peak resident memory so far, in KB (Linux counts in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def timed_build() -> tuple[Any, float, float]:
    """A build, its manifest, and its wall and CPU seconds (CPU: this process's alone, the
    part a busy machine does not stretch)."""
    from postings import aggregator

    wall, cpu = time.perf_counter(), time.process_time()
    manifest = aggregator.rebuild()
    return manifest, time.perf_counter() - wall, time.process_time() - cpu


def get(application: Callable[..., Iterable[bytes]], path: str) -> tuple[float, int]:
    """Seconds to GET `path` (gzip accepted) through a WSGI application, the body read
    whole; and the body's size."""
    environ: dict[str, Any] = {
        "PATH_INFO": path,
        "REQUEST_METHOD": "GET",
        "HTTP_HOST": "127.0.0.1",  # in DJANGO_ALLOWED_HOSTS, as bench/run.py sets it
        "HTTP_ACCEPT_ENCODING": "gzip",
        "wsgi.file_wrapper": wsgiref.util.FileWrapper,
    }
    wsgiref.util.setup_testing_defaults(environ)
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        statuses.append(status)

    started = time.perf_counter()
    body = application(environ, start_response)
    try:
        size = sum(len(chunk) for chunk in body)
    finally:
        close = getattr(body, "close", None)
        if close:
            close()
    seconds = time.perf_counter() - started
    if not statuses or not statuses[0].startswith("200"):
        raise RuntimeError(f"{path} answered {statuses[:1] or 'nothing'}")
    return seconds, size


def fastest(application: Callable[..., Iterable[bytes]], path: str) -> tuple[float, int]:
    runs = [get(application, path) for _ in range(REQUESTS)]
    return min(seconds for seconds, _ in runs), runs[0][1]


def run() -> dict[str, Any]:
    from django.core.wsgi import get_wsgi_application
    from whitenoise import WhiteNoise  # type: ignore[import-untyped]

    from postings import aggregator
    from postings.tasks import FEED_CHECK_MINUTES

    first, first_seconds, _ = timed_build()
    manifest, seconds, cpu_seconds = timed_build()
    # Before tracing, which takes memory of its own.
    process_peak = peak_kb()
    tracemalloc.start()
    aggregator.rebuild()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    application = get_wsgi_application()
    feed_seconds, feed_bytes = fastest(application, "/jobs/feed.xml")
    # The same file as a static file: WhiteNoise serving the folder it is in.
    static = WhiteNoise(application, root=str(aggregator.directory()), prefix="/feed-files/")
    static_seconds, static_bytes = fastest(static, f"/feed-files/{manifest.file}")

    jobs = max(manifest.jobs, 1)
    return {
        "jobs": manifest.jobs,
        "first_rebuild_ms": round(1000 * first_seconds),
        "rebuild_ms": round(1000 * seconds),
        "rebuild_cpu_ms": round(1000 * cpu_seconds),
        "ms_per_1000_jobs": round(1_000_000 * seconds / jobs, 1),
        "cpu_ms_per_1000_jobs": round(1_000_000 * cpu_seconds / jobs, 1),
        # Linear in the jobs listed: what a build of a million open postings would take.
        "minutes_per_million_jobs": round(ONE_MILLION * seconds / jobs / 60, 1),
        "rebuild_traced_peak_kb": traced_peak // 1024,
        "process_peak_kb": process_peak,
        "xml_bytes": manifest.size,
        "gzip_bytes": manifest.gzip_size,
        "request_ms": round(1000 * feed_seconds, 1),
        "request_bytes": feed_bytes,
        "static_ms": round(1000 * static_seconds, 1),
        "static_bytes": static_bytes,
        "first_jobs": first.jobs,
        "check_minutes": FEED_CHECK_MINUTES,
    }


def summary(result: dict[str, Any]) -> str:
    return (
        f"rebuild: {result['jobs']:,} jobs in {result['rebuild_ms']:,} ms "
        f"({result['ms_per_1000_jobs']} ms per 1,000 jobs, {result['cpu_ms_per_1000_jobs']} ms "
        f"of CPU; ≈ {result['minutes_per_million_jobs']} min per million), traced peak "
        f"{result['rebuild_traced_peak_kb']:,} KB, {result['gzip_bytes']:,} bytes gzip; "
        f"request: {result['request_ms']} ms, the same file static: {result['static_ms']} ms"
    )


def main(argv: list[str] | None = None) -> int:
    from bench import in_process

    return in_process.main((__doc__ or "").split("\n\n")[0], run, summary, argv)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
