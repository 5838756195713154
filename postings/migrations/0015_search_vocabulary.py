"""The search's vocabulary (postings.SearchTerm): the words misspellings are corrected to
(postings/spelling.py, postings/vocabulary.py). `manage.py rebuild_vocabulary` fills it;
seed_demo runs it.

PostgreSQL: pg_trgm and a GIN trigram index on the words, which finds those similar to a
misspelt one (`%`). A GiST index could walk them nearest first without a threshold, but
measured ten times slower: 62 ms against 4 for a word among 60,000. SQLite reads the
words of about the right length through the index on (length, text) and compares
trigrams in Python.
"""

import importlib

import django.db.models.functions.text
from django.db import migrations, models

RunSQLOn = importlib.import_module("postings.migrations.0002_search").RunSQLOn


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0014_salary_in_reference_currency"),
    ]

    operations = [
        # Not TrigramExtension(): Django runs its reverse on every database, and SQLite has
        # no pg_extension to look in. The extension stays when unapplied: others may use it.
        RunSQLOn(
            "postgresql", "CREATE EXTENSION IF NOT EXISTS pg_trgm", migrations.RunSQL.noop
        ),
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.CharField(help_text="One folded word.", max_length=40, unique=True)),
                (
                    "length",
                    models.GeneratedField(
                        db_persist=True,
                        expression=django.db.models.functions.text.Length("text"),
                        output_field=models.PositiveSmallIntegerField(),
                    ),
                ),
                (
                    "kind",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (1, "Role title"),
                            (2, "Alternate title"),
                            (3, "Abbreviation"),
                            (4, "Place"),
                            (5, "Frequent word"),
                        ]
                    ),
                ),
                (
                    "postings",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="How many open postings used it when the table was last rebuilt.",
                    ),
                ),
            ],
            options={
                "ordering": ["text", "pk"],
                "indexes": [
                    models.Index(fields=["length", "text"], name="postings_searchterm_length")
                ],
            },
        ),
        RunSQLOn(
            "postgresql",
            "CREATE INDEX postings_searchterm_trigrams ON postings_searchterm "
            "USING gin (text gin_trgm_ops)",
            "DROP INDEX postings_searchterm_trigrams",
        ),
    ]
