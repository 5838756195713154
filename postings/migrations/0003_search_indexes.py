"""Indexes for search and the pages that count open postings (postings/filters.py, views).

postings_published_facets holds every column the search counts read, so they read the index
alone; postings_role_newest serves a role's newest postings and, with its INCLUDE columns
(PostgreSQL only; SQLite ignores them), counts them from the index; postings_published_salary
is the salary order, with postings without a salary last as -1 (SQLite cannot index NULLS
LAST). Only CREATE INDEX: on SQLite no table is rebuilt, so 0002's triggers stay.
"""

import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0002_search"),
        ("roles", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="posting",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=[
                    "published_at",
                    "valid_through",
                    "organisation",
                    "role",
                    "employment_type",
                    "workplace",
                    "country",
                    "remote_countries",
                ],
                name="postings_published_facets",
            ),
        ),
        migrations.AddIndex(
            model_name="posting",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["role", "-published_at", "-id"],
                include=["valid_through", "organisation"],
                name="postings_role_newest",
            ),
        ),
        migrations.AddIndex(
            model_name="posting",
            index=models.Index(
                models.OrderBy(
                    django.db.models.functions.comparison.Coalesce(
                        "salary_max_annual", "salary_min_annual", models.Value(-1)
                    ),
                    descending=True,
                ),
                models.OrderBy(models.F("published_at"), descending=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("status", "published")),
                name="postings_published_salary",
            ),
        ),
    ]
