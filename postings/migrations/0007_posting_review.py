"""A posting keeps a recruiter's change waiting for review beside its approved (public)
columns, and counts its revisions, so that staff approve the version they saw."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('postings', '0006_role_index_covers_salaries'),
    ]

    operations = [
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
    ]
