"""The catalog's version: what every cached public page and its ETag are keyed by.

Any write to a table of this app (a course, a batch, its seat ledger, content, an article)
calls `catalog_changed()`, which gives the catalog a new version in the shared cache, so the
very next request renders the pages afresh: freshness comes from the writes, not from a
timeout. It is called twice for each write: at once, and again when the transaction commits,
so a page another request renders between the two, from the data as it was before the
commit, is never served after it.

The version lives in the default cache, as the pages do: with several processes that cache
must be shared (REDIS_URL), as it must be for the rate limits (docs/operations.md).
"""

import time

from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

VERSION_KEY = "catalog:version"


def catalog_changed() -> None:
    new_version()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        callback is new_version for _, callback, _ in connection.run_on_commit
    ):
        transaction.on_commit(new_version)


def new_version() -> None:
    try:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    except RedisError:  # a lost cache holds no page to invalidate
        pass


def catalog_version() -> int:
    """The current version: nanoseconds since the epoch of the last change seen (or of the
    first read after the cache lost it, which makes every cached page stale, as it should)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return int(version)


def catalog_changed_receiver(sender, **kwargs) -> None:
    """post_save, post_delete and m2m_changed of every model of this app (CoursesConfig)."""
    catalog_changed()
