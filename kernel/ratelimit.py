"""Fixed-window counters shared by every process (Redis, else the database).

While Redis is configured but unreachable the counters move to the database,
so login throttling keeps holding through an outage (a window that spans the
switch restarts its count once).
"""

import time

import redis
from peewee import Case

from kernel import db, redis_client
from kernel.models import RateCounter


def _window(window: int) -> tuple[int, int]:
    now = int(time.time())
    start = now - now % window
    return start, start + window - now


def hits(key: str, window: int) -> tuple[int, int]:
    """Return how many hits ``key`` has in the current window and the seconds it has left."""
    start, left = _window(window)
    client = redis_client.reachable()
    if client is not None:
        try:
            return int(client.get(f"qutecat:rl:{key}:{start}") or 0), left
        except redis.RedisError:
            redis_client.failed()
    row = RateCounter.get_or_none(RateCounter.key == key)
    if row is None or row.window_start != start:
        return 0, left
    return row.count, left


def hit(key: str, window: int) -> int:
    """Count one hit for ``key`` in the current window and return the new count."""
    start, _ = _window(window)
    client = redis_client.reachable()
    if client is not None:
        name = f"qutecat:rl:{key}:{start}"
        pipe = client.pipeline()
        pipe.incr(name)
        pipe.expire(name, window + 1)
        try:
            return int(pipe.execute()[0])
        except redis.RedisError:
            redis_client.failed()
    with db.transaction():
        (
            RateCounter.insert(key=key, window_start=start, count=1)
            .on_conflict(
                conflict_target=[RateCounter.key],
                update={
                    RateCounter.count: Case(None, [(RateCounter.window_start == start, RateCounter.count + 1)], 1),
                    RateCounter.window_start: start,
                },
            )
            .execute()
        )
        return RateCounter.get(RateCounter.key == key).count


def clear(key: str, window: int) -> None:
    start, _ = _window(window)
    client = redis_client.reachable()
    if client is not None:
        try:
            client.delete(f"qutecat:rl:{key}:{start}")
            return
        except redis.RedisError:
            redis_client.failed()
    RateCounter.delete().where(RateCounter.key == key).execute()
