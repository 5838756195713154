"""The paths of many rows at the cost of one reverse(): a page of twenty results links each
posting, its employer and its save button, and reverse() walks the URLconf every time.

`row_path(name, value)` is `reverse(name, kwargs={kwarg: value})` for a pattern that takes
one argument, a slug or an id: the path is reversed once, with a placeholder, and the value
put in its place. `fixed_path(name)` is `reverse(name)` for a pattern without arguments.
What is kept is derived from the URLconf, which every process has the same; it is keyed by
the script prefix and URLconf in force, so a test that swaps either gets its own.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Digits: what a slug and an id converter both accept, and no path holds otherwise.
PLACEHOLDER = "8675309123456789"


def row_path(name: str, value: str | int, kwarg: str = "slug") -> str:
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    before, after = halves(name, kwarg, get_script_prefix(), urlconf)
    return f"{before}{quote(str(value), safe='')}{after}"


@lru_cache(maxsize=64)
def halves(name: str, kwarg: str, script_prefix: str, urlconf: str) -> tuple[str, str]:
    path = reverse(name, kwargs={kwarg: PLACEHOLDER}, urlconf=urlconf)
    before, found, after = path.partition(PLACEHOLDER)
    if not found or PLACEHOLDER in after:
        raise ValueError(f"{name} has no single {kwarg} to put a value in")
    return before, after


def fixed_path(name: str) -> str:
    """`reverse(name)` for a pattern that takes no argument, once per process."""
    return fixed(name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=64)
def fixed(name: str, script_prefix: str, urlconf: str) -> str:
    return reverse(name, urlconf=urlconf)
