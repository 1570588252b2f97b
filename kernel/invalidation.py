"""One shared version number for tenant, plan and plugin state, seen by every process.

A change bumps the version after its transaction commits; each process keeps
its caches tagged with the version it read and drops them when it moves. With
Redis the bump is an INCR plus a PUBLISH that a listener thread applies within
milliseconds; reads cost nothing. Without Redis, SQLite deployments share a
memory-mapped counter file, and PostgreSQL ones read a one-row table.
"""

import fcntl
import logging
import mmap
import operator
import os
import threading
from functools import partial

import peewee
import redis

from kernel import config, db, redis_client
from kernel.models import StateVersion

KEY = "qutecat:state_version"
log = logging.getLogger("qutecat.invalidation")


def channel_of(client: redis.Redis) -> str:
    """The bump announcements' channel for the client's database.

    Keys live in one Redis database, but pub/sub channels span the whole
    server: naming the database keeps deployments (and test runs) sharing a
    server from flushing, or worse adopting, each other's versions.
    """
    return f"qutecat:state_version:db{client.connection_pool.connection_kwargs.get('db', 0)}"


class _RedisClock:
    """The version as ``(epoch, counter)``: the Redis counter, heard through a subscription.

    Every (re)subscription of this process starts a new epoch, so whatever it
    cached before the subscription broke (Redis restarted, its counter with
    it, bumps lost meanwhile) never matches again. While Redis cannot be
    reached, each read answers a version never seen before: caches reload from
    the database on every request instead of failing it, and Redis is asked
    again once ``kernel.redis_client``'s breaker lets it.
    """

    def __init__(self, url):
        self.client = redis_client.get()
        self.channel = channel_of(self.client)
        # A connection of its own with no read timeout: the listener blocks on it.
        self.listen_client = redis.Redis.from_url(url, protocol=2, health_check_interval=30)
        self.seen = None
        self.epoch = 0
        self.lock = threading.Lock()
        self.listener = None

    def _listen(self, epoch):
        pubsub = self.listen_client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(self.channel)
            # Read after subscribing, so no bump falls between the two.
            self.seen = (epoch, int(self.client.get(KEY) or 0))
            for message in pubsub.listen():
                # Take the announced value as is (not a max): after a Redis restart the
                # counter starts again from 1, and the version only has to differ.
                self.seen = (epoch, int(message["data"]))
        except redis.RedisError:
            log.warning("state version subscription lost; caches reload until it is back")
        finally:
            # Under the lock, so a bump cannot put a version back after it (nothing would
            # then restart the listener, and this process would keep that version for good).
            with self.lock:
                self.seen = None
            pubsub.close()

    def current(self):
        seen = self.seen
        if seen is not None:
            return seen
        if redis_client.reachable() is None:
            return object()
        try:
            epoch = self._start()
            return epoch, int(self.client.get(KEY) or 0)
        except redis.RedisError:
            redis_client.failed()
            return object()

    def _start(self) -> int:
        """Start a listener (a new epoch) unless one runs; return the running epoch."""
        with self.lock:
            if self.listener is None or not self.listener.is_alive():
                self.epoch += 1
                self.listener = threading.Thread(
                    target=self._listen, args=(self.epoch,), name="qutecat-invalidation", daemon=True
                )
                self.listener.start()
            return self.epoch

    def bump(self):
        """Announce a change. A bump that cannot reach Redis is lost; when Redis is down,
        every process's subscription broke with it, and its renewal starts a new epoch."""
        try:
            value = self.client.incr(KEY)
            self.client.publish(self.channel, value)
        except redis.RedisError:
            redis_client.failed()
            log.warning("state version bump lost: Redis unreachable")
            return None
        with self.lock:
            seen = self.seen
            if seen is not None:
                self.seen = (seen[0], value)
        return value


class _SharedMemoryClock:
    """A counter in a memory-mapped file: every local process maps the same page.

    Reading is a memory load (no system call on the request path); a bump is an
    increment under ``flock``. Only processes on one machine share it, which is
    exactly the SQLite deployment.
    """

    def __init__(self, path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        if os.fstat(self.fd).st_size < 8:
            os.ftruncate(self.fd, 8)
        self.map = mmap.mmap(self.fd, 8)
        self.value = memoryview(self.map).cast("q")
        # ``current()`` is read on every request: a C-level partial reads the
        # mapped word without a Python frame.
        self.current = partial(operator.getitem, self.value, 0)

    def bump(self):
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            value = self.value[0] + 1
            self.value[0] = value
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        return value


class _TableClock:
    def current(self):
        row = StateVersion.get_or_none(StateVersion.name == "state")
        return row.value if row else 0

    def bump(self):
        with db.transaction():
            inserted = (
                StateVersion.insert(name="state", value=1)
                .on_conflict(conflict_target=[StateVersion.name], update={StateVersion.value: StateVersion.value + 1})
                .execute()
            )
        return inserted


_clock = None


def _get_clock():
    global _clock
    if _clock is None:
        client = redis_client.get()
        if client is not None:
            _clock = _RedisClock(config.settings.redis_url)
        elif isinstance(db.database.obj, peewee.SqliteDatabase):
            _clock = _SharedMemoryClock(config.settings.var_dir / "state.version")
        else:
            _clock = _TableClock()
    return _clock


def current():
    """Return the shared state version (an opaque, comparable-for-equality value)."""
    return _get_clock().current()


def bump() -> None:
    """Announce a change to every process, once the current transaction has committed."""
    db.on_commit(lambda: _get_clock().bump())


def reset() -> None:
    """Forget the clock (after the configuration changed, or in a forked child)."""
    global _clock
    _clock = None


os.register_at_fork(after_in_child=reset)


class VersionedCache:
    """A dict that empties itself whenever the shared state version moves."""

    def __init__(self, max_entries: int = 50_000):
        self.max_entries = max_entries
        self.version = object()
        self.data = {}

    def get(self, key, loader):
        version = (_clock or _get_clock()).current()
        if version != self.version:
            self.data = {}
            self.version = version
        try:
            return self.data[key]
        except KeyError:
            value = loader(key)
            if len(self.data) >= self.max_entries:
                self.data = {}
            self.data[key] = value
            return value

    def clear(self):
        self.version = object()
        self.data = {}
