"""Lighthouse scores of the pages people land on, against a local production-like server.

Seeds the roles and demo postings into a SQLite file of its own, collects the static files,
serves the site with gunicorn (debug off, whitenoise, hashed static files) on 127.0.0.1, runs
Lighthouse three times per page with Debian's Chromium and prints the median of each category.
Exits 1 when a median is below --minimum (95). `make audit` runs it; it is not part of
`make test` (about a minute, and its performance score needs a quiet machine).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from chromium import CHROMIUM_ARGS  # audit/chromium.py, beside this script

BASE_DIR = Path(__file__).resolve().parent.parent
LIGHTHOUSE = Path(__file__).resolve().parent / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# The one page that asks search engines not to index it; its SEO score reflects that.
NOINDEX_PAGE = "search for a keyword"
# One string for Lighthouse, which splits it on spaces outside double quotes.
CHROME_FLAGS = " ".join(
    [
        "--headless=new",
        *('{}="{}"'.format(*arg.split("=", 1)) if " " in arg else arg for arg in CHROMIUM_ARGS),
    ]
)
# Every page is audited in both colour schemes: Chromium's dark mode makes pages match
# `prefers-color-scheme: dark`, so Lighthouse checks the dark colours' contrast too.
SCHEMES = {"light": CHROME_FLAGS, "dark": f"{CHROME_FLAGS} --force-dark-mode"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("AUDIT_PORT", "8100")))
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page")
    parser.add_argument("--postings", type=int, default=300, help="demo postings to seed")
    parser.add_argument("--minimum", type=int, default=95, help="lowest acceptable median")
    return parser.parse_args()


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True
    )


@contextmanager
def server(env: dict[str, str], port: int):
    """gunicorn on 127.0.0.1:port for the duration of the block."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(  # noqa: S603 - fixed command
        [str(gunicorn), "jobsite.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our local server
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def first_posting_path(base_url: str) -> str:
    """The newest public posting's address, as the search page links it."""
    with urllib.request.urlopen(base_url + "/jobs/?sort=newest", timeout=10) as response:  # noqa: S310
        html = response.read().decode()
    match = re.search(r'class="result__title"><a href="(/jobs/[^"/]+/)"', html)
    if match is None:
        raise SystemExit("No public posting on /jobs/: did seeding fail?")
    return match.group(1)


def lighthouse(url: str, workdir: Path, chrome_flags: str = CHROME_FLAGS) -> dict:
    """One Lighthouse run's report. Each run gets its own TMPDIR: Chromium leaves folders."""
    tmp = Path(tempfile.mkdtemp(dir=workdir))
    env = {**os.environ, "CHROME_PATH": shutil.which("chromium") or "", "TMPDIR": str(tmp)}
    result = subprocess.run(  # noqa: S603 - fixed command
        [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={chrome_flags}",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=True,
    )
    shutil.rmtree(tmp, ignore_errors=True)
    return json.loads(result.stdout)


def flagged(report: dict) -> list[str]:
    """Audits that lost points outside performance's metrics, to say what to fix."""
    weighted = {
        ref["id"]
        for name in CATEGORIES
        if name != "performance"
        for ref in report["categories"][name]["auditRefs"]
        if ref["weight"] > 0
    }
    return sorted(
        f"{audit_id}: {report['audits'][audit_id]['title']}"
        for audit_id in weighted
        if report["audits"][audit_id]["score"] is not None
        and report["audits"][audit_id]["score"] < 1
    )


def main() -> int:
    args = parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is missing: run `make audit`, which installs it.")
    if shutil.which("chromium") is None:
        raise SystemExit("Chromium is missing: `scripts/ensure-browser` installs it.")

    with tempfile.TemporaryDirectory(prefix="jobsite-audit-") as folder:
        workdir = Path(folder)
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{workdir / 'audit.sqlite3'}",
            "DJANGO_DEBUG": "0",
            "DJANGO_HTTPS": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CACHE_URL": "locmemcache://audit",
        }
        print("Seeding roles and demo postings into a fresh SQLite file…", flush=True)
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "load_roles")
        manage(env, "seed_demo", "--postings", str(args.postings), "--seed", "1")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")

        with server(env, args.port) as base_url:
            pages = {
                "home": "/",
                "explainer": "/roles/chief-operating-officer/",
                "search": "/jobs/",
                "search for a keyword": "/jobs/?q=operations",
                "posting detail": first_posting_path(base_url),
                "for employers": "/recruiters/",
            }
            medians: dict[str, dict[str, int]] = {}
            notes: dict[str, list[str]] = {}
            for page, path in pages.items():
                for scheme, flags in SCHEMES.items():
                    name = page if scheme == "light" else f"{page} ({scheme})"
                    scores: dict[str, list[float]] = {category: [] for category in CATEGORIES}
                    for run in range(args.runs):
                        print(
                            f"Lighthouse {name} ({path}), run {run + 1} of {args.runs}…", flush=True
                        )
                        report = lighthouse(base_url + path, workdir, flags)
                        for category in CATEGORIES:
                            scores[category].append(report["categories"][category]["score"] or 0)
                        notes[name] = flagged(report)
                    medians[name] = {
                        category: round(100 * statistics.median(values))
                        for category, values in scores.items()
                    }

    print()
    print(f"Median of {args.runs} Lighthouse runs (mobile, simulated throttling):")
    print()
    print(f"| page | {' | '.join(CATEGORIES)} |")
    print(f"| --- | {' | '.join('---:' for _ in CATEGORIES)} |")
    for name, row in medians.items():
        print(f"| {name} | {' | '.join(str(row[category]) for category in CATEGORIES)} |")
    for name, items in notes.items():
        if items:
            print(f"\n{name}, audits that lost points:")
            for item in items:
                print(f"  - {item}")
    print(
        f"\n{NOINDEX_PAGE}: SEO loses is-crawlable on purpose. Keyword results are countless and"
        " thin, so they say `noindex, follow`; the search page itself is indexed."
    )
    low = [
        f"{name} {category} {score}"
        for name, row in medians.items()
        for category, score in row.items()
        if score < args.minimum
        and (name.removesuffix(" (dark)"), category) != (NOINDEX_PAGE, "seo")
    ]
    if low:
        print(f"\nBelow {args.minimum}: {', '.join(low)}")
        return 1
    print(f"\nEvery median is at least {args.minimum}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
