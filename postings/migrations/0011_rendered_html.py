"""A posting's description rendered once when written (HTML and plain text), instead of on
every page through a per-process memo. In a table of its own beside the posting: in the
posting's row it made the rows that keyword counts read on SQLite wider, and them slower."""

import django.db.models.deletion
from django.db import migrations, models

from jobsite.markup import render_markdown, text_of

# The description's limit when this migration was written (POSTING_TEXT_LIMITS).
DESCRIPTION_LIMIT = 20_000
BATCH = 1_000


def render_descriptions(apps, schema_editor) -> None:
    alias = schema_editor.connection.alias
    posting_model = apps.get_model("postings", "Posting")
    rendered_model = apps.get_model("postings", "RenderedDescription")
    rows = posting_model.objects.using(alias).order_by("pk").only("description")
    batch = []
    for posting in rows.iterator(chunk_size=BATCH):
        html = render_markdown(posting.description[:DESCRIPTION_LIMIT])
        batch.append(rendered_model(posting_id=posting.pk, html=html, text=text_of(html)))
        if len(batch) == BATCH:
            rendered_model.objects.using(alias).bulk_create(batch)
            batch = []
    rendered_model.objects.using(alias).bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0010_membership_access"),
    ]

    operations = [
        migrations.CreateModel(
            name="RenderedDescription",
            fields=[
                (
                    "posting",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="rendered",
                        serialize=False,
                        to="postings.posting",
                    ),
                ),
                (
                    "html",
                    models.TextField(help_text="Sanitised HTML, cut at the description's limit."),
                ),
                (
                    "text",
                    models.TextField(help_text="The same as plain text, for feeds and meta tags."),
                ),
            ],
            options={"ordering": ["posting"]},
        ),
        migrations.RunPython(render_descriptions, migrations.RunPython.noop, elidable=True),
    ]
