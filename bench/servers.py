"""Which gunicorn serves the site best on this machine: versions, worker classes and worker
counts, measured on the bare WSGI app and the trivial Django view (bench/reference_wsgi.py,
bench/django_reference.py), so that the server's own cost is what differs.

    make bench-servers            # or: .venv/bin/python bench/servers.py --help

Each other version is installed with pip into bench/out/gunicorn/<version> (no dependencies:
gunicorn's one, packaging, is the project's too) and put first on the path; the installed one
is the project's pin. Every combination serves the same fixed page and gets the same wrk run
as `make bench` (-t2 -c8). First each version and worker class at the bench's 2 workers on
both apps, then, for the best of them on the trivial view, 1 to 4 workers. The table goes to
bench/SERVERS.md; the README says what the site runs with and why.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402 - the bench's helpers, from the checkout

PORT = 8210
APPS = {
    "bare": ("bench.reference_wsgi", "/"),
    "trivial": ("bench.django_reference", "/bench/fixed/"),
}
# Older releases than the pin, for comparison: the last of each line still on PyPI.
DEFAULT_VERSIONS = "installed,23.0.0,21.2.0"
RESULTS = ROOT / "bench" / "SERVERS.md"


def installed_version() -> str:
    from importlib.metadata import version

    return version("gunicorn")


def version_path(version: str) -> str:
    """The folder to put first on the path for `version` ("" for the installed one)."""
    if version in ("installed", installed_version()):
        return ""
    target = run.OUT / "gunicorn" / version
    if not (target / "gunicorn").is_dir():
        run.log(f"installing gunicorn {version} into {target.relative_to(ROOT)}")
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
             str(target), f"gunicorn=={version}"],
            check=True,
        )  # fmt: skip
    return str(target)


@contextlib.contextmanager
def serving(app: str, version: str, worker_class: str, workers: int, env: dict[str, str]):
    """gunicorn `version` serving `app`, as the bench starts it (run.gunicorn)."""
    module, ready = APPS[app]
    extra = version_path(version)
    env = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [extra, str(ROOT)]))}
    options = ["--worker-class", worker_class]
    if worker_class == "gthread":
        options += ["--threads", "2"]
    name = f"servers-{app}-{version}-{worker_class}-{workers}"
    with run.gunicorn(module, PORT, env, ready, name, workers=workers, options=options) as base:
        yield base, ready


def measure(app, version, worker_class, workers, env, duration) -> dict[str, Any]:
    with serving(app, version, worker_class, workers, env) as (base, path):
        result = run.load(base, path, duration)
    label = installed_version() if version == "installed" else version
    row = {"app": app, "version": label, "class": worker_class, "workers": workers, **result}
    run.log(
        f"{app} gunicorn {label} {worker_class} ×{workers}: "
        f"{result['requests_per_second']:,.0f} req/s"
    )
    return row


def table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| app | gunicorn | worker class | workers | req/s | p50 ms | p99 ms |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row['app']} | {row['version']} | {row['class']} | {row['workers']} "
            f"| {row['requests_per_second']:,.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", default=DEFAULT_VERSIONS, help="comma-separated")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    args = parser.parse_args(argv)
    run.ensure_wrk()
    started = time.perf_counter()
    secret = "bench-servers-" + os.urandom(16).hex()
    # The trivial view behind the site's settings: SQLite, a local cache, nothing shared
    # needed, the fixed page a generated one of about 30 KB.
    env = run.site_env(f"sqlite:///{run.OUT / 'servers.sqlite3'}", "locmemcache://servers", secret)
    versions = [version.strip() for version in args.versions.split(",") if version.strip()]
    rows = [
        measure(app, version, worker_class, run.WORKERS, env, args.duration)
        for version in versions
        for worker_class in ("sync", "gthread")
        for app in APPS
    ]
    trivial = [row for row in rows if row["app"] == "trivial"]
    best = max(trivial, key=lambda row: row["requests_per_second"])
    version = "installed" if best["version"] == installed_version() else best["version"]
    counts = [
        measure("trivial", version, best["class"], workers, env, args.duration)
        for workers in (1, 3, 4)
    ]
    rows += counts
    finished = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    minutes = (time.perf_counter() - started) / 60
    text = (
        "# gunicorn on this machine\n\n"
        f"Written by `make bench-servers` (bench/servers.py) on {finished}, in {minutes:.1f} "
        f"minutes, on {os.cpu_count()} cores: `wrk -t2 -c8 -d{args.duration}s` against the "
        "bare WSGI app and the trivial Django view, both returning the same page. The best "
        f"on the trivial view at {run.WORKERS} workers: gunicorn {best['version']}, "
        f"{best['class']}; then its worker counts.\n\n" + table(rows) + "\n"
    )
    RESULTS.write_text(text)
    print(table(rows))
    run.log(f"Wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
