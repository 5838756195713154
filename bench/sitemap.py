"""The sitemap uncached, in the server: the time and peak memory of the index, the first and
the last postings file, each through Django's handler (all middleware) with the page cache
off. Run by `make bench` (bench/run.py) in a process of its own per database and size:

    DATABASE_URL=... .venv/bin/python -m bench.sitemap --output out.json
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

REPETITIONS = 3


def measure(path: str, repetitions: int = REPETITIONS) -> dict[str, Any]:
    """The best of a few renders (the first warms the database's cache), and the peak of
    memory Python allocated during one."""
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")  # in DJANGO_ALLOWED_HOSTS, as bench/run.py sets it
    seconds = []
    for _ in range(repetitions):
        started = time.perf_counter()
        response = client.get(path)
        seconds.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    tracemalloc.start()
    client.get(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "path": path,
        "ms": round(1000 * min(seconds), 1),
        "peak_kb": round(peak / 1024),
        "bytes": len(response.content),
        "urls": response.content.count(b"<loc>"),
    }


def run() -> dict[str, Any]:
    from postings import sitemaps

    files = sitemaps.SECTIONS["postings"].files()
    rows = [measure("/sitemap.xml"), measure("/sitemap-postings.xml")]
    if files > 1:
        rows.append(measure(f"/sitemap-postings.xml?p={files}"))
    return {"files": files, "rows": rows}


def summary(result: dict[str, Any]) -> str:
    return "\n".join(
        f"{row['path']}: {row['ms']} ms, peak {row['peak_kb']} KB, {row['urls']} URLs"
        for row in result["rows"]
    )


def main(argv: list[str] | None = None) -> int:
    from bench import in_process

    return in_process.main(__doc__.split("\n\n")[0], run, summary, argv)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
