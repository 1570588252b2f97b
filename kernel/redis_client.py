"""The process's Redis client, when ``REDIS_URL`` is set (None otherwise), and its outage breaker.

Redis holds what the platform can rebuild or do without for a while: cache
versions, rate-limit windows, the task queue's messages. When it cannot be
reached, callers fall back (to the database, to no cache) and report the
failure here, so for ``RETRY_SECONDS`` they skip Redis instead of each paying a
connection attempt (five seconds, when its host does not answer at all).
"""

import functools
import time

import redis

from kernel import config

RETRY_SECONDS = 1.0
_down_until = 0.0


@functools.cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, protocol=2, health_check_interval=30, socket_timeout=5)


def get() -> redis.Redis | None:
    """Return the shared client for ``REDIS_URL``, or None when Redis is not configured."""
    url = config.settings.redis_url
    return _client(url) if url else None


def reachable() -> redis.Redis | None:
    """The shared client, or None when Redis is not configured or failed less than ``RETRY_SECONDS`` ago."""
    if time.monotonic() < _down_until:
        return None
    return get()


def failed() -> None:
    """Record that Redis could not be reached just now."""
    global _down_until
    _down_until = time.monotonic() + RETRY_SECONDS


def reset() -> None:
    """Forget clients (after a fork or a configuration change)."""
    global _down_until
    _down_until = 0.0
    _client.cache_clear()
