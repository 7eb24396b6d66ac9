"""The cache shared by every process, and Django's Redis cache backend with one client per pool.

SHARED ("pages" in CACHES) must be seen by every web process and worker: a folder under var/ by
default, Redis in production. It holds the page cache (courses/page_cache.py) and the signed-in
users (accounts/backends.py). Keys carry the database name, so two databases (a test run and
`make run`) never read each other's entries.

The backend:

Django's RedisCacheClient builds a new `redis.Redis` object for every cache operation, and
redis-py fills a table of several hundred response callbacks in each: that costs more than
the round trip to Redis itself. The client is thread-safe (its pool hands out connections),
so one per pool is enough."""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

SHARED = "pages"


def shared_cache():
    return caches[SHARED]


def shared_key(name: str) -> str:
    from django.db import connection

    return f"masar:{connection.settings_dict['NAME']}:{name}"


def shared_timeout() -> int:
    """Seconds an entry lives at most (PAGE_CACHE_SECONDS)."""
    return getattr(settings, "MASAR_PAGE_CACHE_SECONDS", 600)


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
