"""A posting's description rendered once when written (HTML and plain text), instead of on
every page through a per-process memo. Nullable columns: on SQLite they are added without
rebuilding the table, which would drop the search triggers (0008's)."""

from django.db import migrations, models

from jobsite.markup import render_markdown, text_of

# The description's limit when this migration was written (POSTING_TEXT_LIMITS).
DESCRIPTION_LIMIT = 20_000
BATCH = 1_000


def render_descriptions(apps, schema_editor) -> None:
    posting_model = apps.get_model("postings", "Posting")
    rows = posting_model.objects.using(schema_editor.connection.alias).order_by("pk")
    batch = []
    for posting in rows.only("description").iterator(chunk_size=BATCH):
        shown = posting.description[:DESCRIPTION_LIMIT]
        posting.description_html = render_markdown(shown)
        posting.description_text = text_of(posting.description_html)
        batch.append(posting)
        if len(batch) == BATCH:
            rows.bulk_update(batch, ["description_html", "description_text"])
            batch = []
    rows.bulk_update(batch, ["description_html", "description_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0010_membership_access"),
    ]

    operations = [
        migrations.AddField(
            model_name="posting",
            name="description_html",
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="posting",
            name="description_text",
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(render_descriptions, migrations.RunPython.noop, elidable=True),
    ]
