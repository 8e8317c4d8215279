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

import contextlib
import secrets
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
    # Unreachable, the cache serves no page either; a copy it kept from before expires
    # with BATCHWISE_PAGE_CACHE_SECONDS.
    with contextlib.suppress(RedisError):
        cache.set(VERSION_KEY, _version_now(), timeout=None)


def _version_now() -> str:
    """When, in nanoseconds, and a random part: two writes in one tick still differ."""
    return f"{time.time_ns()}.{secrets.token_hex(4)}"


def changed_at(version: str) -> float:
    """The version's time, in seconds since the epoch (its Last-Modified)."""
    return int(version.split(".", 1)[0]) / 1e9


def catalog_version() -> str:
    """The current version: the time of the last change seen (or of the first read after the
    cache lost it, which makes every cached page stale, as it should) and a random part."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _version_now(), timeout=None)
        version = cache.get(VERSION_KEY)
    return str(version)


def catalog_changed_receiver(sender, **kwargs) -> None:
    """post_save, post_delete and m2m_changed of every model of this app (CoursesConfig)."""
    catalog_changed()
