"""What the benchmarks rely on in the application: the bench-only view, and the Redis cache client."""

import uuid

import pytest
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

from core.caching import RedisCache

pytestmark = pytest.mark.django_db


def test_the_bare_view_is_not_mounted_outside_benchmarks(client):
    response = client.get("/bench/bare", follow=True)  # to /en/bench/bare/: no such page
    assert response.status_code == 404


def test_redis_cache_reuses_one_client(settings):
    """Django's client builds a redis.Redis per operation, which costs more than the round trip."""
    cache = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    assert type(cache._cache).__mro__[1] is DjangoRedisCacheClient
    assert cache._cache.get_client(write=True) is cache._cache.get_client(write=True)
    cache.set("answer", {"value": 42}, 30)
    assert cache.get_many(["answer", "missing"]) == {"answer": {"value": 42}}
    cache.delete("answer")
    assert cache.get("answer") is None
