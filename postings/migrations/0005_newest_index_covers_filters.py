"""postings_published_newest carries the filters' columns after its order.

The first page of a search sorted newest first is found by walking this index until enough
postings pass the filters; for "operations, remote, open to GB" that is thousands of them.
With the columns in the index, SQLite tests them there instead of reading each posting's
row: 62 ms to 21 ms at 100,000 postings. Only DROP and CREATE INDEX: no table is rebuilt, so
the triggers of 0002 stay.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0004_search_sample"),
        ("roles", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="posting",
            name="postings_published_newest",
        ),
        migrations.AddIndex(
            model_name="posting",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=[
                    "-published_at",
                    "-id",
                    "valid_through",
                    "organisation",
                    "role",
                    "employment_type",
                    "workplace",
                    "country",
                    "remote_countries",
                ],
                name="postings_published_newest",
            ),
        ),
    ]
