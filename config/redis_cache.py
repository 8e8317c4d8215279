"""Django's Redis cache backend, with one redis-py client per connection pool.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` for every cache call, and
redis-py fills a table of some 170 response callbacks for each one: on a page served from the
cache that was a fifth of the request's time (docs/performance.md). A client over a pool is
safe to share between threads (redis-py's documentation), so each pool keeps one.
"""

from typing import Any

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's own private helpers, which django-stubs does not declare.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            # Pools are kept for the backend's life, so id() names one for as long.
            new_client = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            client = self._clients.setdefault(id(pool), new_client)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
