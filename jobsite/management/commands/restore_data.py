"""Load a backup made by backup_data into a migrated database. It must hold no data yet,
unless --replace is given: then its data is deleted first. One transaction: a failed restore
changes nothing. (The format: jobsite.backup.)"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jobsite import backup


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The backup: a .json or .json.gz file.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the database's users, roles, organisations and postings first.",
        )
        parser.add_argument("--database", default="default", help="Which database (default).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            backup.restore(path, replace=options["replace"], using=options["database"])
        except (FileNotFoundError, backup.DatabaseNotEmpty) as error:
            raise CommandError(str(error)) from error
        counts = {
            label: model._base_manager.using(options["database"]).count()
            for label, model in zip(backup.BACKUP_MODELS, backup.backup_models(), strict=True)
        }
        self.stdout.write(
            f"Restored {sum(counts.values())} rows from {path}: "
            + ", ".join(f"{count} {label}" for label, count in counts.items() if count)
            + "."
        )
