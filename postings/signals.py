"""Cache invalidation, the one use of signals here: any saved or deleted role, part of a
role, organisation or posting makes every cached public page out of date.

One version for every page, rather than finer keys: a role's title shows on its explainer,
the comparisons, the directory, the search facets and every posting of that role, and a
posting on the home page, the search, its role's explainer and its neighbours' pages. Edits
are rare next to reads, so recomputing each page once after an edit costs little, and
nothing can be missed.

Not covered, because no signal is sent: `QuerySet.update()` and `bulk_create()` (the admin's
organisation actions, `load_roles`, `seed_demo`). Pages touched that way are bounded by
PUBLIC_PAGE_CACHE_SECONDS; code that writes that way should call `caching.bump()`.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from postings import caching


def invalidate_public_pages(sender: type, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # loaddata: the rows are not final yet, and the cache is not in use.
    caching.bump()


def connect() -> None:
    from postings.models import Organisation, Posting
    from roles.models import (
        FAQ,
        AlternateTitle,
        CareerStep,
        Qualification,
        ReportingLine,
        Responsibility,
        Role,
    )

    for model in (
        Role,
        AlternateTitle,
        Responsibility,
        Qualification,
        ReportingLine,
        CareerStep,
        FAQ,
        Organisation,
        Posting,
    ):
        uid = f"postings.caching.{model._meta.label_lower}"
        post_save.connect(invalidate_public_pages, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(invalidate_public_pages, sender=model, dispatch_uid=f"{uid}.delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                invalidate_public_pages,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}.{field.name}",
            )
