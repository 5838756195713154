"""A role's overview and an FAQ's answer rendered once when written (`overview_html`,
`answer_html`) instead of on every explainer. Nullable: a null column is rendered when it is
read (a row written in SQL)."""

from django.db import migrations, models

from jobsite.markup import render_markdown


def render_texts(apps, schema_editor) -> None:
    alias = schema_editor.connection.alias
    roles = apps.get_model("roles", "Role").objects.using(alias)
    role_rows = list(roles.only("overview"))
    for role in role_rows:
        role.overview_html = render_markdown(role.overview)
    roles.bulk_update(role_rows, ["overview_html"], batch_size=500)
    faqs = apps.get_model("roles", "FAQ").objects.using(alias)
    faq_rows = list(faqs.only("answer"))
    for faq in faq_rows:
        faq.answer_html = render_markdown(faq.answer)
    faqs.bulk_update(faq_rows, ["answer_html"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="faq",
            name="answer_html",
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="role",
            name="overview_html",
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(render_texts, migrations.RunPython.noop, elidable=True),
    ]
