"""The ceiling of the WSGI server itself: a bare WSGI app that returns one fixed page.

    BENCH_FIXED_PAGE=page.html gunicorn bench.reference_wsgi

The page is read once at start-up (bench/run.py saves the search page there, so the bytes
are the size of a real page); without it, a generated page of about 30 KB.
"""

import os
from pathlib import Path


def load_page() -> bytes:
    path = os.environ.get("BENCH_FIXED_PAGE")
    if path:
        return Path(path).read_bytes()
    row = b"<li><a href='/jobs/'>Operations Manager</a> at an example organisation</li>\n"
    return b"<!doctype html><title>Fixed page</title><ul>\n" + row * 400 + b"</ul>\n"


PAGE = load_page()
HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Content-Length", str(len(PAGE))),
]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [PAGE]
