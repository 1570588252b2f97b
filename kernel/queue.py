"""The huey instance every process shares, and tasks that carry their tenant.

Redis when ``REDIS_URL`` is set; otherwise huey's SQLite storage under var/,
consumed by a thread of the all-in-one process or by ``python server.py worker``.
``QUTECAT_HUEY_IMMEDIATE=1`` runs tasks inline (tests).

Tasks are sent after the change they follow has committed, so a message Redis
cannot take then must not be lost: it is kept in the database
(``DeferredTask``) and a periodic task hands it to Redis once it is back.
"""

import functools
import logging
import os
import signal

import redis
from huey import RedisHuey, SqliteHuey, crontab
from huey.storage import RedisStorage

from kernel import config, context, db, redis_client
from kernel.models import DeferredTask

log = logging.getLogger("qutecat.queue")
# Messages handed back to Redis per transaction of the relay.
RELAY_BATCH = 200
# How long an in-process consumer's stop waits for the tasks it is running.
SHUTDOWN_SECONDS = 10


class DeferringRedisStorage(RedisStorage):
    """huey's Redis storage whose ``enqueue`` keeps the message in the database while Redis is unreachable."""

    def enqueue(self, data, priority=None):
        if redis_client.reachable() is not None:
            try:
                self.enqueue_now(data, priority)
                return
            except redis.RedisError:
                redis_client.failed()
        DeferredTask.create(payload=data, priority=priority)
        log.warning("Redis unreachable: task message kept in the database until it is back")

    def enqueue_now(self, data, priority=None):
        """Hand the message to Redis, or raise."""
        super().enqueue(data, priority)


class _RedisHuey(RedisHuey):
    storage_class = DeferringRedisStorage


def _make():
    settings = config.settings
    immediate = os.environ.get("QUTECAT_HUEY_IMMEDIATE") == "1"
    if settings.redis_url:
        # A connect timeout, so a Redis host that does not answer costs seconds, not the OS's minutes.
        pool = redis.ConnectionPool.from_url(settings.redis_url, socket_connect_timeout=5)
        instance = _RedisHuey("qutecat", connection_pool=pool, immediate=immediate)
    else:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        instance = SqliteHuey("qutecat", filename=str(settings.var_dir / "huey.db"), immediate=immediate)
    return instance


huey = _make()


def tenant_task(**task_options):
    """Declare a task that re-enters the tenant (and user) it was enqueued for.

    Call it as ``task(tenant_id=..., user_id=..., **kwargs)``; retries and
    re-deliveries run in the same tenant, so the task stays idempotent per tenant.
    """

    def decorate(fn):
        @huey.task(**task_options)
        @functools.wraps(fn)
        def run(*args, tenant_id=None, user_id=None, **kwargs):
            with context.use(tenant=tenant_id, user=user_id):
                return fn(*args, **kwargs)

        return run

    return decorate


def relay_deferred(storage: DeferringRedisStorage) -> int:
    """Hand the messages kept while Redis was down to it, oldest first; returns how many.

    Each batch leaves the table in the transaction that handed it over, so a
    relay that fails half way (Redis gone again) keeps the rest, and two
    consumers relaying at once skip each other's rows on PostgreSQL. A message
    handed over just before such a failure may be sent twice; tasks are
    idempotent.
    """
    relayed = 0
    while True:
        with db.transaction():
            query = DeferredTask.select().order_by(DeferredTask.id).limit(RELAY_BATCH)
            if db.is_postgres():
                query = query.for_update("FOR UPDATE SKIP LOCKED")
            rows = list(query)
            for row in rows:
                storage.enqueue_now(bytes(row.payload), row.priority)
            if rows:
                DeferredTask.delete().where(DeferredTask.id.in_([row.id for row in rows])).execute()
        relayed += len(rows)
        if len(rows) < RELAY_BATCH:
            return relayed


@huey.periodic_task(crontab(minute="*"))
def relay_deferred_tasks() -> None:
    """Every minute, on a consumer: send what Redis could not take when it was down."""
    if isinstance(huey.storage, DeferringRedisStorage):
        relayed = relay_deferred(huey.storage)
        if relayed:
            log.info("relayed %d task messages kept while Redis was down", relayed)


def start_consumer_thread(workers: int = 2):
    """Run a consumer inside this process (the all-in-one mode); returns it for shutdown.

    huey's ``start()`` takes SIGINT, SIGTERM and SIGHUP for a consumer whose
    main loop owns the process; here the web server owns it and no such loop
    runs, so the handlers are put back: Ctrl-C and SIGTERM still stop the process.
    """
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True, check_worker_health=False,
                                    shutdown_timeout=SHUTDOWN_SECONDS)
    consumer.start()
    for signum, handler in handlers.items():
        signal.signal(signum, handler)
    return consumer
