"""The cache shared by every process, and Django's Redis cache backend with one client per pool.

SHARED ("pages" in CACHES) must be seen by every web process and worker: a folder under var/ by
default, Redis in production. It holds the page cache (courses/page_cache.py) and each trainee's
progress. Keys carry the database name, so two databases (a test run and `make run`) never read
each other's entries.

A signed-in user's own entries (a trainee's progress) are read in one round trip as soon as the
user is known (accounts/backends.py): an app names them with `user_entry`, `user_entries_fetch`
fetches them all, and `shared_get`, `shared_set` and `shared_delete` see the fetched values
until the request ends.

The backend, RedisCache below:

Django's RedisCacheClient builds a new `redis.Redis` object for every cache operation, and
redis-py fills a table of several hundred response callbacks in each: that costs more than
the round trip to Redis itself. The client is thread-safe (its pool hands out connections),
so one per pool is enough."""

import threading
from collections.abc import Callable

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


# --- a signed-in user's own entries, read with the user -----------------------------------

_user_entry_names: list[Callable[[int], str]] = []
_read = threading.local()  # entries fetched by user_entries_fetch for the current request: {key: value}


def user_entry(name_for: Callable[[int], str]) -> Callable[[int], str]:
    """Register `name_for` (user id -> entry name) as one of the entries read with a user."""
    _user_entry_names.append(name_for)
    return name_for


def user_entries_fetch(user_id: int) -> None:
    """Fetch every entry of user `user_id` in one round trip, for the rest of the request."""
    keys = [shared_key(name_for(user_id)) for name_for in _user_entry_names]
    found = shared_cache().get_many(keys) if keys else {}
    _read.entries = {key: found.get(key) for key in keys}


def shared_get(key: str):
    entries = getattr(_read, "entries", None)
    if entries and key in entries:
        return entries[key]
    return shared_cache().get(key)


def shared_set(key: str, value) -> None:
    _fetched_forget(key)
    shared_cache().set(key, value, shared_timeout())


def shared_delete(key: str) -> None:
    _fetched_forget(key)
    shared_cache().delete(key)


def _fetched_forget(key: str) -> None:
    entries = getattr(_read, "entries", None)
    if entries:
        entries.pop(key, None)


def request_finished(**kwargs) -> None:
    """Connected to request_started and request_finished: entries fetched belong to one request."""
    _read.entries = None


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
