"""The default cache's table in a database of its own (settings.py adds the alias "cache"
when the data is on SQLite): every read and write of the cache goes there, and only the
cache table is created there."""

from typing import Any

from django.db import models

CACHE_DATABASE = "cache"
# The app label of the model Django's DatabaseCache gives routers.
CACHE_APP_LABEL = "django_cache"


class CacheRouter:
    def db_for_read(self, model: type[models.Model], **hints: Any) -> str | None:
        return CACHE_DATABASE if model._meta.app_label == CACHE_APP_LABEL else None

    def db_for_write(self, model: type[models.Model], **hints: Any) -> str | None:
        return self.db_for_read(model, **hints)

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return (db == CACHE_DATABASE) == (app_label == CACHE_APP_LABEL)
