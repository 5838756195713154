"""Write users, roles, organisations, postings and their history to FILE (.json, or .json.gz
compressed) as one JSON document. `restore_data FILE` loads it back. (The format:
jobsite.backup.)"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jobsite import backup


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Where to write the backup: a .json or .json.gz path.")
        parser.add_argument("--database", default="default", help="Which database (default).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            count = backup.dump(path, using=options["database"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Wrote {count} rows to {path}.")
