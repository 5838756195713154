"""The shell of a measurement run in its own process with the site's settings (bench/feed.py,
bench/sitemap.py): Django set up, `run()` measured, its result written as JSON with
`--output` and summed up on the terminal."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any


def main(
    description: str,
    run: Callable[[], dict[str, Any]],
    summary: Callable[[dict[str, Any]], str],
    argv: list[str] | None = None,
) -> int:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--output", type=Path, help="write the results here as JSON")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobsite.settings")
    import django

    django.setup()
    result = run()
    if args.output:
        args.output.write_text(json.dumps(result, indent=1))
    print(summary(result))
    return 0
