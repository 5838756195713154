"""The aggregator feed (/jobs/feed.xml): the worker's rebuild of its file, with the time and
the process's peak of memory, then the request as a client makes it (gzip) through Django's
handler. Run by `make bench` (bench/run.py) in a process of its own per database and size:

    DATABASE_URL=... GENERATED_FILES_DIR=... .venv/bin/python -m bench.feed --output out.json
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path
from typing import Any

REQUESTS = 5


def peak_kb() -> int:
    """The process's peak resident memory so far, in KB (Linux counts in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run() -> dict[str, Any]:
    from django.test import Client

    from postings import aggregator

    before = peak_kb()
    started = time.perf_counter()
    manifest = aggregator.rebuild()
    rebuild_ms = 1000 * (time.perf_counter() - started)
    rebuild_peak = peak_kb() - before

    client = Client(HTTP_HOST="127.0.0.1")  # in DJANGO_ALLOWED_HOSTS, as bench/run.py sets it
    seconds = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get("/jobs/feed.xml", headers={"accept-encoding": "gzip"})
        size = sum(len(chunk) for chunk in response.streaming_content)
        seconds.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"/jobs/feed.xml answered {response.status_code}")
    return {
        "jobs": manifest.jobs,
        "rebuild_ms": round(rebuild_ms),
        "rebuild_peak_kb": rebuild_peak,
        "xml_bytes": manifest.size,
        "gzip_bytes": manifest.gzip_size,
        "request_ms": round(1000 * min(seconds), 1),
        "request_bytes": size,
    }


def summary(result: dict[str, Any]) -> str:
    return (
        f"rebuild: {result['jobs']:,} jobs in {result['rebuild_ms']:,} ms, peak +"
        f"{result['rebuild_peak_kb']:,} KB, {result['gzip_bytes']:,} bytes gzip; "
        f"request: {result['request_ms']} ms"
    )


def main(argv: list[str] | None = None) -> int:
    from bench import in_process

    return in_process.main(__doc__.split("\n\n")[0], run, summary, argv)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
