"""`manage.py rebuild_vocabulary`: recount the words the search corrects misspellings to.

Writes keep the vocabulary current as postings and roles change (postings/vocabulary.py);
what time changes without a write, postings expiring, waits for this. Run it after a
deployment that migrates and once a day; `make data` runs it through seed_demo.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from postings import vocabulary


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args: Any, database: str, **options: Any) -> None:
        words = vocabulary.rebuild(database)
        self.stdout.write(f"The search knows {words:,} words.")
