"""The process's Redis client, when ``REDIS_URL`` is set (None otherwise)."""

import functools

import redis

from kernel import config


@functools.cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, protocol=2, health_check_interval=30, socket_timeout=5)


def get() -> redis.Redis | None:
    """Return the shared client for ``REDIS_URL``, or None when Redis is not configured."""
    url = config.settings.redis_url
    return _client(url) if url else None


def reset() -> None:
    """Forget clients (after a fork or a configuration change)."""
    _client.cache_clear()
