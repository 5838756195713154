"""Counters every process of the site shares: incremented on the request path, read back and
emptied by the worker.

A counter is a `name` within a `group` (postings count views as group "view:2026-12-06",
name the posting's slug). `increment` must be atomic across processes, since gunicorn's
workers and machines count at once, and must not write the site's data:

- With Redis as the default cache (production), a group is a Redis hash in the cache's own
  server and an increment is HINCRBY, which Redis applies atomically.
- Otherwise the counters are rows of `jobsite.Counter`, in the database the database cache
  lives in (its own SQLite file beside the data, jobsite/routers.py; on PostgreSQL the site's
  database, as the cache table is). Django's DatabaseCache.incr is a read then a write, two
  statements that two processes can interleave and lose a count, so it is not used: the
  increment is one `UPDATE … SET value = value + 1`, which the database serialises on the
  row, and a first count inserts the row, retrying the UPDATE if another process inserted
  it first (no upsert, which SQLite and PostgreSQL spell differently). The local-memory and
  file caches are for one process in development; they count in the default database.

`take(group)` reads a group; `settle(group, counts)` subtracts what was read once the worker
has stored it: an increment landing between the two is kept for the next round, never lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, router, transaction
from django.db.models import F

from jobsite.models import Counter

# A Redis group not read for this long is dropped (the worker reads them every few minutes).
REDIS_GROUP_SECONDS = 14 * 24 * 60 * 60


def uses_redis() -> bool:
    return isinstance(caches["default"], RedisCache)


def _redis() -> Any:
    # Django's RedisCache keeps its redis-py client behind `_cache`; the counters use the
    # server the cache does, without the cache's pickling (HINCRBY needs plain integers).
    return cache._cache.get_client(write=True)  # type: ignore[attr-defined]


def _redis_key(group: str) -> str:
    return cache.make_key(f"counters:{group}")


def increment(group: str, name: str) -> None:
    """Add one to the counter, atomically whichever process asks."""
    if uses_redis():
        client = _redis()
        key = _redis_key(group)
        with client.pipeline() as pipe:
            pipe.hincrby(key, name, 1)
            pipe.expire(key, REDIS_GROUP_SECONDS)
            pipe.execute()
        return
    rows = Counter.objects.filter(group=group, name=name)
    if rows.update(value=F("value") + 1):
        return
    try:
        with transaction.atomic(using=router.db_for_write(Counter)):
            Counter.objects.create(group=group, name=name, value=1)
    except IntegrityError:
        # Another process created it between our UPDATE and INSERT: add to its row.
        rows.update(value=F("value") + 1)


def take(group: str) -> dict[str, int]:
    """The group's counters that are above zero."""
    if uses_redis():
        found = _redis().hgetall(_redis_key(group))
        counts = {name.decode(): int(value) for name, value in found.items()}
    else:
        counts = dict(Counter.objects.filter(group=group).values_list("name", "value"))
    return {name: value for name, value in counts.items() if value > 0}


def settle(group: str, counts: Mapping[str, int], *, finished: bool = False) -> None:
    """Subtract `counts`, which the caller has stored. With `finished` (a group nothing adds
    to any more, such as a past day) the counters left at zero are dropped."""
    if uses_redis():
        client = _redis()
        key = _redis_key(group)
        with client.pipeline() as pipe:
            for name, value in counts.items():
                pipe.hincrby(key, name, -value)
            pipe.execute()
        if finished:
            emptied = [name for name, value in client.hgetall(key).items() if int(value) <= 0]
            if emptied:
                client.hdel(key, *emptied)
        return
    for name, value in counts.items():
        Counter.objects.filter(group=group, name=name).update(value=F("value") - value)
    if finished:
        Counter.objects.filter(group=group, value__lte=0).delete()
