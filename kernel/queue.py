"""The huey instance every process shares, and tasks that carry their tenant.

Redis when ``REDIS_URL`` is set; otherwise huey's SQLite storage under var/,
consumed by a thread of the all-in-one process or by ``python server.py worker``.
``QUTECAT_HUEY_IMMEDIATE=1`` runs tasks inline (tests).
"""

import functools
import os
import signal

from huey import RedisHuey, SqliteHuey

from kernel import config, context


def _make():
    settings = config.settings
    immediate = os.environ.get("QUTECAT_HUEY_IMMEDIATE") == "1"
    if settings.redis_url:
        instance = RedisHuey("qutecat", url=settings.redis_url, immediate=immediate)
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


def start_consumer_thread(workers: int = 2):
    """Run a consumer inside this process (the all-in-one mode); returns it for shutdown.

    huey's ``start()`` takes SIGINT, SIGTERM and SIGHUP for a consumer whose
    main loop owns the process; here the web server owns it and no such loop
    runs, so the handlers are put back: Ctrl-C and SIGTERM still stop the process.
    """
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True, check_worker_health=False)
    consumer.start()
    for signum, handler in handlers.items():
        signal.signal(signum, handler)
    return consumer
