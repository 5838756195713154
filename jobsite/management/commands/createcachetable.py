"""Django's createcachetable, in every database when none is named: on SQLite the default
cache's table lives in a database of its own (the alias "cache", jobsite/routers.py), which
Django's command, limited to "default" unless told, would leave without its table. That
database also gets the shared counters' table (jobsite/counters.py), by this app's
migrations, which `migrate` alone applies to "default" only."""

from typing import Any

from django.core.management import call_command
from django.core.management.commands import createcachetable
from django.db import DEFAULT_DB_ALIAS, connections


class Command(createcachetable.Command):
    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.set_defaults(database=None)

    def handle(self, *tablenames: Any, **options: Any) -> None:
        for alias in [options["database"]] if options["database"] else list(connections):
            super().handle(*tablenames, **{**options, "database": alias})
            if alias != DEFAULT_DB_ALIAS:
                call_command("migrate", "jobsite", database=alias, verbosity=0, interactive=False)
