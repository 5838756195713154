"""Where remote applicants may live is chosen as regions ("Europe", "Worldwide") or countries
(`Posting.remote_regions`; `remote_countries` holds every country they add up to, with room
for most of the world); and a posting's postal code, which aggregators ask for.

Remote postings "open to anywhere" (no countries named) become "Worldwide".

The columns are added with ALTER TABLE on SQLite, where Django would rebuild
postings_posting (and so drop the search triggers) to add a NOT NULL column; the empty
default they keep there is the model's own. Widening a varchar is a change of the catalogue
alone on PostgreSQL, and nothing on SQLite.
"""

import importlib

import django.core.validators
from django.db import migrations, models

import postings.models

RunSQLOn = importlib.import_module("postings.migrations.0002_search").RunSQLOn

# As of this migration, whatever postings/regions.py says later.
WORLDWIDE = "worldwide"


def add_text_column(name: str, length: int, field: models.Field) -> migrations.SeparateDatabaseAndState:
    return migrations.SeparateDatabaseAndState(
        database_operations=[
            RunSQLOn(
                "sqlite",
                f"ALTER TABLE postings_posting ADD COLUMN {name} varchar({length}) "
                "NOT NULL DEFAULT ''",
                f"ALTER TABLE postings_posting DROP COLUMN {name}",
            ),
            RunSQLOn(
                "postgresql",
                [
                    f"ALTER TABLE postings_posting ADD COLUMN {name} varchar({length}) "
                    "NOT NULL DEFAULT ''",
                    f"ALTER TABLE postings_posting ALTER COLUMN {name} DROP DEFAULT",
                ],
                f"ALTER TABLE postings_posting DROP COLUMN {name}",
            ),
        ],
        state_operations=[migrations.AddField(model_name="posting", name=name, field=field)],
    )


def anywhere_is_worldwide(apps, schema_editor):
    posting_model = apps.get_model("postings", "Posting")
    posting_model.objects.using(schema_editor.connection.alias).filter(
        workplace="remote", remote_countries="", remote_regions=""
    ).update(remote_regions=WORLDWIDE)


def worldwide_is_anywhere(apps, schema_editor):
    posting_model = apps.get_model("postings", "Posting")
    posting_model.objects.using(schema_editor.connection.alias).filter(
        remote_regions=WORLDWIDE
    ).update(remote_regions="", remote_countries="")


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0016_organisation_profile"),
    ]

    operations = [
        add_text_column(
            "postal_code",
            20,
            models.CharField(
                blank=True,
                help_text="The workplace's postal or ZIP code, as the post writes it (e.g. M1 1AE).",
                max_length=20,
            ),
        ),
        add_text_column(
            "remote_regions",
            200,
            models.CharField(
                blank=True,
                help_text="For remote work: the regions applicants may live in, by key, separated by spaces (worldwide, europe, european-union…; postings/regions.py).",
                max_length=200,
                validators=[postings.models.validate_region_list],
            ),
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                RunSQLOn(
                    "postgresql",
                    "ALTER TABLE postings_posting ALTER COLUMN remote_countries TYPE varchar(750)",
                    "ALTER TABLE postings_posting ALTER COLUMN remote_countries TYPE varchar(300)",
                ),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="posting",
                    name="remote_countries",
                    field=models.CharField(
                        blank=True,
                        help_text="For remote work: the countries applicants may live in, as ISO codes separated by spaces (e.g. GB IE): those chosen, and those of the regions. Empty means anywhere.",
                        max_length=750,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^([A-Z]{2}( [A-Z]{2})*)?$",
                                "Use two-letter ISO 3166-1 country codes separated by spaces, e.g. GB IE FR.",
                            )
                        ],
                    ),
                ),
            ],
        ),
        migrations.RunPython(anywhere_is_worldwide, worldwide_is_anywhere),
    ]
