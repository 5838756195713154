"""The kinds of sitemap section, for each app to describe its pages: a fixed list of pages,
or one page per row of a table, in files of at most 50,000 URLs split by primary key.
postings/sitemaps.py gathers the apps' sections into the index and writes the files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from math import ceil

from django.db.models import Max, QuerySet
from django.urls import reverse

URLS_PER_FILE = 50_000


@dataclass(frozen=True)
class FixedSection:
    """Pages that are always there, by URL name (home, the role directory, the job search)."""

    names: tuple[str, ...]
    changefreq: str

    def files(self) -> int:
        return 1

    def entries(self, number: int) -> Iterator[tuple[str, datetime | None]]:
        for name in self.names:
            yield reverse(name), None


@dataclass(frozen=True)
class RowSection:
    """Rows with a slug and an `updated_at`, one URL each under a path prefix."""

    rows: Callable[[], QuerySet]
    url_name: str
    changefreq: str

    def files(self) -> int:
        """One file per 50,000 ids up to the highest (one, empty, for an empty table)."""
        highest = self.rows().model.objects.aggregate(highest=Max("pk"))["highest"] or 0
        return max(1, ceil(highest / URLS_PER_FILE))

    def entries(self, number: int) -> Iterator[tuple[str, datetime | None]]:
        # One reverse() for the file, not one per row: a slug is its path's last part.
        prefix = reverse(self.url_name, kwargs={"slug": "-"}).removesuffix("-/")
        first_id = (number - 1) * URLS_PER_FILE
        rows = (
            self.rows()
            .filter(pk__gt=first_id, pk__lte=first_id + URLS_PER_FILE)
            .order_by("pk")
            .values_list("slug", "updated_at")
            .iterator(chunk_size=5_000)
        )
        for slug, updated_at in rows:
            yield f"{prefix}{slug}/", updated_at
