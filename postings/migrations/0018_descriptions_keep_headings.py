"""Descriptions keep their headings: Markdown's `#` and `##` are rendered as h3 and h4
(jobsite/markup.py), where the sanitiser used to drop the h1 and h2 they were. The stored
renderings of the descriptions that may hold a heading are made again; the others are
unchanged."""

from django.db import migrations
from django.db.models import Q

from jobsite.markup import render_markdown, text_of

# The description's limit when this migration was written (POSTING_TEXT_LIMITS).
DESCRIPTION_LIMIT = 20_000
BATCH = 1_000
# An ATX heading ("# Title") or a setext one (a title underlined with "===" or "---").
MAY_HOLD_A_HEADING = (
    Q(description__contains="#") | Q(description__contains="\n==") | Q(description__contains="\n--")
)


def render_again(apps, schema_editor) -> None:
    alias = schema_editor.connection.alias
    posting_model = apps.get_model("postings", "Posting")
    rendered_model = apps.get_model("postings", "RenderedDescription")
    rows = (
        posting_model.objects.using(alias)
        .filter(MAY_HOLD_A_HEADING, rendered__isnull=False)
        .order_by("pk")
        .only("description")
    )
    batch = []
    for posting in rows.iterator(chunk_size=BATCH):
        html = render_markdown(posting.description[:DESCRIPTION_LIMIT])
        batch.append(rendered_model(posting_id=posting.pk, html=html, text=text_of(html)))
        if len(batch) == BATCH:
            rendered_model.objects.using(alias).bulk_update(batch, ["html", "text"])
            batch = []
    rendered_model.objects.using(alias).bulk_update(batch, ["html", "text"])


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0017_remote_regions_postal_code"),
    ]

    operations = [
        migrations.RunPython(render_again, migrations.RunPython.noop, elidable=True),
    ]
