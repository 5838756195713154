"""The kinds of sitemap section, for each app to describe its pages: a fixed list of pages,
pages an app lists when asked, or one page per row of a table, in files of at most 50,000
URLs split by primary key. postings/sitemaps.py gathers the apps' sections into the index
and writes the files.

A URL carries a `lastmod` only where its page answers with an exact Last-Modified, and then
the same moment (to the second, as HTTP dates go): a row section names the expression its
page's Last-Modified comes from. The sitemap protocol's schema asks every file for at least
one URL, so the index names only the files that hold one (`filled_files`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from math import ceil
from typing import Any

from django.db import connections
from django.db.models import Max, QuerySet
from django.urls import reverse

URLS_PER_FILE = 50_000

Entry = tuple[str, datetime | None]


def lastmod_text(moment: datetime) -> str:
    """A W3C datetime in UTC to the second, the moment an HTTP Last-Modified names."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class FixedSection:
    """Pages that are always there, by URL name (home, the role directory, the job search).
    Their content changes with every posting, so they name no lastmod."""

    names: tuple[str, ...]
    changefreq: str

    def files(self) -> int:
        return 1

    def filled_files(self) -> list[int]:
        return [1] if self.names else []

    def entries(self, number: int) -> Iterator[Entry]:
        for name in self.names:
            yield reverse(name), None


@dataclass(frozen=True)
class ListedSection:
    """Pages an app works out when asked (the search landing pages): one file, no lastmod."""

    paths: Callable[[], list[str]]
    changefreq: str

    def files(self) -> int:
        return 1

    def filled_files(self) -> list[int]:
        return [1] if self.paths() else []

    def entries(self, number: int) -> Iterator[Entry]:
        for path in self.paths():
            yield path, None


# Columns in one probe query: PostgreSQL allows 1,664, SQLite 2,000.
PROBES_PER_QUERY = 1_000


@dataclass(frozen=True)
class RowSection:
    """Rows with a slug, one URL each under a path prefix; `lastmod`, where given, makes the
    expression of a row's page's Last-Modified."""

    rows: Callable[[], QuerySet]
    url_name: str
    changefreq: str
    lastmod: Callable[[], Any] | None = None

    def files(self) -> int:
        """One file per 50,000 ids up to the highest (one, empty, for an empty table)."""
        highest = self.rows().model.objects.aggregate(highest=Max("pk"))["highest"] or 0
        return max(1, ceil(highest / URLS_PER_FILE))

    def file_rows(self, number: int) -> QuerySet:
        first_id = (number - 1) * URLS_PER_FILE
        return self.rows().filter(pk__gt=first_id, pk__lte=first_id + URLS_PER_FILE)

    def filled_files(self) -> list[int]:
        """The files that hold a row: an EXISTS probe of each file's id range, one query per
        PROBES_PER_QUERY files (one up to 50 million ids)."""
        numbers = range(1, self.files() + 1)
        filled = []
        for start in range(0, len(numbers), PROBES_PER_QUERY):
            batch = numbers[start : start + PROBES_PER_QUERY]
            probes = [self.file_rows(number).order_by().values("pk")[:1] for number in batch]
            compiled = [probe.query.sql_with_params() for probe in probes]
            sql = "SELECT " + ", ".join(f"EXISTS ({part})" for part, _ in compiled)
            params = [param for _, part_params in compiled for param in part_params]
            with connections[probes[0].db].cursor() as cursor:
                cursor.execute(sql, params)
                found = cursor.fetchone()
            filled += [number for number, hit in zip(batch, found, strict=True) if hit]
        return filled

    def entries(self, number: int) -> Iterator[Entry]:
        # One reverse() for the file, not one per row: a slug is its path's last part.
        prefix = reverse(self.url_name, kwargs={"slug": "-"}).removesuffix("-/")
        rows = self.file_rows(number).order_by("pk")
        if self.lastmod is None:
            for slug in rows.values_list("slug", flat=True).iterator(chunk_size=5_000):
                yield f"{prefix}{slug}/", None
            return
        modified = rows.annotate(modified=self.lastmod()).values_list("slug", "modified")
        for slug, moment in modified.iterator(chunk_size=5_000):
            yield f"{prefix}{slug}/", moment
