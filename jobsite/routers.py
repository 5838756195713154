"""The default cache's table in a database of its own (settings.py adds the alias "cache"
when the data is on SQLite): every read and write of the cache goes there, and only the
cache table is created there, with the shared counters (jobsite/counters.py), which count
in the cache's database while the cache is the database cache."""

from typing import Any

from django.conf import settings
from django.db.models import Model

CACHE_DATABASE = "cache"
# The app label of the model Django's DatabaseCache gives routers.
CACHE_APP_LABEL = "django_cache"
COUNTER_LABEL = "jobsite.counter"


def counts_in_cache_database() -> bool:
    # Read at each call: the cache backend is a setting tests change.
    return settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")


class CacheRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if f"{model._meta.app_label}.{model._meta.model_name}" == COUNTER_LABEL:
            return CACHE_DATABASE if counts_in_cache_database() else None
        return CACHE_DATABASE if model._meta.app_label == CACHE_APP_LABEL else None

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        return self.db_for_read(model, **hints)

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool:
        if f"{app_label}.{model_name}" == COUNTER_LABEL:
            return True  # in both: where it counts follows the cache backend
        return (db == CACHE_DATABASE) == (app_label == CACHE_APP_LABEL)
