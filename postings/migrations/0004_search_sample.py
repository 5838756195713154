"""Cheap estimates for broad searches (postings/filters.py).

postings_published_sample orders published postings by a pseudo-random bucket of their id,
with the facets' columns, so a uniform sample of a few thousand postings is read from the
index alone.

On PostgreSQL the search document is kept in the row (storage MAIN) rather than out of line
in the TOAST table, which the longer texts use instead: checking a document against a query
then reads one page instead of a TOAST index and its pages, three times faster per posting
on 100,000 postings. That is what checking a sample, or the newest matches for relevance,
costs. Setting each document again through the trigger of 0002 moves the existing ones.
"""

import importlib

from django.conf import settings
from django.db import migrations, models


# The vendor-specific RunSQL of 0002 (a module name that cannot be imported by name).
RunSQLOn = importlib.import_module("postings.migrations.0002_search").RunSQLOn


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0003_search_indexes"),
        ("roles", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="posting",
            index=models.Index(
                models.Func(
                    models.F("id"),
                    template="((%(expressions)s * 40503) & 65535)",
                    output_field=models.IntegerField(),
                ),
                models.F("published_at"),
                models.F("valid_through"),
                models.F("organisation"),
                models.F("role"),
                models.F("employment_type"),
                models.F("workplace"),
                models.F("country"),
                models.F("remote_countries"),
                condition=models.Q(("status", "published")),
                name="postings_published_sample",
            ),
        ),
        RunSQLOn(
            "postgresql",
            [
                "ALTER TABLE postings_posting ALTER COLUMN search_vector SET STORAGE MAIN",
                # The trigger builds the document again, and stores it the new way.
                "UPDATE postings_posting SET search_vector = NULL",
            ],
            reverse_sql=[
                "ALTER TABLE postings_posting ALTER COLUMN search_vector SET STORAGE EXTENDED"
            ],
        ),
    ]
