"""`manage.py write_logo_files`: write the files of every organisation's logo that the media
storage lacks, from the images in the database (postings/logos.py).

`restore_data` runs it after loading a backup; run it by hand after pointing the site at
another storage (MEDIA_S3_BUCKET, or a new MEDIA_ROOT). Files already there are left alone.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from postings import logos


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args: Any, database: str, **options: Any) -> None:
        count = logos.write_missing_files(using=database)
        self.stdout.write(f"Checked the files of {count:,} logos.")
