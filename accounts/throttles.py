"""Small request throttles, counted in the shared cache (core/caching.py) so that every web process
sees the same counts: password-reset requests per address and per client IP, wrong organization
codes per client IP. (Failed logins are counted by django-axes: accounts/lockout.py.)

A throttle is a fixed window: at most `limit` counted events per `seconds` for one value (an
email, an IP), set in MASAR_THROTTLES. Values are hashed, so no address is written to the cache.
Counting is approximate when the cache is down or under races (a file cache has no atomic
increment); a throttle never turns into an error page: without a cache, nothing is throttled."""

import hashlib
import logging
import time

from django.conf import settings

from core.caching import shared_cache, shared_key

logger = logging.getLogger(__name__)

NAMESPACE = "throttle"  # tests give each test a namespace of its own


def _rule(scope: str) -> tuple[int, int]:
    limit, seconds = settings.MASAR_THROTTLES[scope]
    return int(limit), int(seconds)


def _key(scope: str, value) -> str:
    _limit, seconds = _rule(scope)
    digest = hashlib.sha256(str(value or "").strip().lower().encode()).hexdigest()[:32]
    return shared_key(f"{NAMESPACE}:{scope}:{digest}:{int(time.time() // seconds)}")


def minutes(scope: str) -> int:
    """The window of `scope` in minutes, for messages."""
    return max(1, _rule(scope)[1] // 60)


def blocked(scope: str, value) -> bool:
    """True once `value` has used up its events of `scope` in the current window (counts nothing)."""
    limit, _seconds = _rule(scope)
    try:
        return (shared_cache().get(_key(scope, value)) or 0) >= limit
    except Exception:  # the cache is down: let the request through
        logger.exception("throttle %s: cannot read the count", scope)
        return False


def hit(scope: str, value) -> None:
    """Count one event of `scope` for `value`."""
    _limit, seconds = _rule(scope)
    key = _key(scope, value)
    cache = shared_cache()
    try:
        if cache.add(key, 1, timeout=seconds):
            return
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=seconds)
            return
        # incr keeps the expiry on Redis and in memory, but a file cache rewrites the entry with
        # its default timeout; the window is in the key, so extending the expiry is harmless.
        cache.touch(key, seconds)
    except Exception:
        logger.exception("throttle %s: cannot count", scope)


def allow(scope: str, value) -> bool:
    """Count one event of `scope` for `value`; False (and nothing counted) once over the limit."""
    if blocked(scope, value):
        return False
    hit(scope, value)
    return True
