"""Load the BLS wage files in roles/data/ (every state and metropolitan area, and the nation
by industry) into the wage tables, unless they already hold them.

`load_roles` runs it, so `make run` and `make data` do. The tables hold one version of the
files, named by their digest: a second run reads the digest and writes nothing, and files
that changed replace the tables whole, in one transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from jobsite.caching import bump
from roles import explainers
from roles.models import OccupationWage, WageArea, WageData
from roles.wages import WAGE_COLUMNS, area_rows, data_digest, industry_rows


def load_wages(using: str = DEFAULT_DB_ALIAS) -> int:
    """Load the files unless the tables hold them; the number of wage rows written."""
    digest = data_digest()
    if WageData.objects.using(using).filter(digest=digest).exists():
        return 0
    areas, wages = area_rows()
    wages += industry_rows()
    with transaction.atomic(using=using):
        # No signals on these models (they change only here): both deletes are one
        # statement each, not one per row.
        OccupationWage.objects.using(using).all().delete()
        WageArea.objects.using(using).all().delete()
        WageData.objects.using(using).all().delete()
        WageArea.objects.using(using).bulk_create(areas)
        area_ids = dict(WageArea.objects.using(using).values_list("code", "pk"))
        insert_wages(using, [(area_ids[row["area_code"]], row) for row in wages])
        WageData.objects.using(using).create(digest=digest)
        # The pages show these figures, and the stored explainers the industries.
        bump(using)
        explainers.out_of_date(using)
    return len(wages)


def insert_wages(using: str, rows: list[tuple[int, dict[str, Any]]]) -> None:
    """INSERT the wage rows (area id, WAGE_COLUMNS) in one executemany: some 30,000 rows,
    which bulk_create() would make model instances of and send in hundreds of statements
    (SQLite takes 999 parameters a statement), several times slower."""
    connection = connections[using]
    quote = connection.ops.quote_name
    hourly = OccupationWage._meta.get_field("hourly_median")
    columns = ["area_id", *WAGE_COLUMNS]
    sql = (
        f"INSERT INTO {quote(OccupationWage._meta.db_table)} "  # noqa: S608 - our own names
        f"({', '.join(quote(column) for column in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                (
                    area_id,
                    *(
                        hourly.get_db_prep_save(row[name], connection)
                        if name == hourly.name
                        else row[name]
                        for name in WAGE_COLUMNS
                    ),
                )
                for area_id, row in rows
            ],
        )


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args: Any, database: str, verbosity: int, **options: Any) -> None:
        written = load_wages(database)
        if verbosity == 0:
            return
        if written:
            self.stdout.write(self.style.SUCCESS(f"Loaded {written} wage figures (BLS OEWS)."))
        else:
            self.stdout.write("Wage figures already loaded: nothing to do.")
