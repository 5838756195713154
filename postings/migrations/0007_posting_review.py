"""A posting keeps a recruiter's change waiting for review beside its approved (public)
columns, and counts its revisions, so that staff approve the version they saw; a new
posting remembers the form that made it, so that sending that form twice makes one draft.

SQLite adds a NOT NULL column by rebuilding the table, which drops 0002's search triggers on
postings_posting: they are created again after (and, going back, after the columns go).
"""

import importlib

from django.conf import settings
from django.db import migrations, models

# 0002's vendor-specific RunSQL and its trigger statements (a module name that cannot be
# imported by name).
search = importlib.import_module("postings.migrations.0002_search")
POSTING_TRIGGERS = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in search.SQLITE_TRIGGERS if "_posting_" in name),
    *(sql for sql in search.SQLITE_FORWARDS if "CREATE TRIGGER postings_posting_fts_" in sql),
]


class Migration(migrations.Migration):

    dependencies = [
        ('postings', '0006_role_index_covers_salaries'),
        ('roles', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        search.RunSQLOn("sqlite", migrations.RunSQL.noop, POSTING_TRIGGERS),
        migrations.AddField(
            model_name='posting',
            name='creation_token',
            field=models.CharField(blank=True, editable=False, help_text="The new-posting form's one-time token: a form sent twice makes one draft.", max_length=32),
        ),
        migrations.AddField(
            model_name='posting',
            name='pending_changes',
            field=models.JSONField(blank=True, default=dict, editable=False, help_text="A recruiter's change waiting for review: field names mapped to new values."),
        ),
        migrations.AddField(
            model_name='posting',
            name='revision',
            field=models.PositiveIntegerField(default=1, editable=False, help_text='Goes up with every change. An approval names the revision staff saw, and is refused if the posting has changed since.'),
        ),
        migrations.AddConstraint(
            model_name='posting',
            constraint=models.UniqueConstraint(condition=models.Q(('creation_token', ''), _negated=True), fields=('organisation', 'creation_token'), name='postings_posting_one_draft_per_form'),
        ),
        search.RunSQLOn("sqlite", POSTING_TRIGGERS, migrations.RunSQL.noop),
    ]
