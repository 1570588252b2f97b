"""Faults of the backing services, met as they happen in production.

Redis stopped and started again under a real gunicorn (storefront, login
throttling and task messages keep working; kept messages reach the queue once
Redis is back), the shared state version across a Redis restart, the database
refusing connections (503 with ``Retry-After``, then served again without a
restart) or dropping one in the middle of placing an order (nothing of it
remains), and side effects that fail after a commit.
"""

import dataclasses
import os
import time

import peewee
import psycopg2
import pytest
import redis
import requests

import catalog_fixtures as cf
import conftest
from conftest import BASE_DOMAIN
from kernel import config, context, db, invalidation, plans, queue, redis_client
from kernel.models import DeferredTask
from orders_fixtures import add, buyer_with_address, place
from peers import Gunicorn, RedisServer, free_port
from plugins.catalog.models import Product
from plugins.orders.models import CartItem
from plugins.orders.orders.models import Order
from plugins.payments.models import Payment


@pytest.fixture
def own_redis():
    server = RedisServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def on_own_redis(platform, own_redis, monkeypatch):
    """This process's kernel pointed at ``own_redis`` (clients and state version), put back afterwards."""
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, redis_url=own_redis.url))
    redis_client.reset()
    invalidation.reset()
    try:
        yield own_redis
    finally:
        monkeypatch.undo()
        redis_client.reset()
        invalidation.reset()


def _wait_for(predicate, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def test_a_cache_loaded_before_redis_restarted_is_never_served_after(on_own_redis):
    # given a cache loaded while this process is subscribed to the state version
    clock = invalidation._get_clock()
    cache = invalidation.VersionedCache()
    loads = []
    cache.get("shop", lambda key: loads.append(key) or len(loads))
    _wait_for(lambda: clock.seen is not None)
    assert cache.get("shop", lambda key: loads.append(key) or len(loads)) == 1
    # when Redis stops (its counter is lost with it) and this process does not look meanwhile
    on_own_redis.stop()
    _wait_for(lambda: clock.seen is None)
    # then reads and bumps during the outage raise nothing, and no version repeats
    assert clock.current() != clock.current()
    invalidation.bump()
    # and when Redis is back with its counter at the value the cache was tagged with
    on_own_redis.start()
    _wait_for(lambda: isinstance(clock.current(), tuple))
    # then the cache is loaded again rather than served from before the outage
    assert cache.get("shop", lambda key: loads.append(key) or len(loads)) == 2


def test_a_task_message_redis_cannot_take_waits_in_the_database_until_relayed(on_own_redis):
    storage = queue.DeferringRedisStorage("faults", connection_pool=redis.ConnectionPool.from_url(on_own_redis.url))
    before = DeferredTask.select().count()
    # given Redis down when two messages are sent
    on_own_redis.stop()
    storage.enqueue(b"first")
    storage.enqueue(b"second")
    # then both wait in the database
    assert DeferredTask.select().count() == before + 2
    # and a relay while Redis is still down keeps them
    with pytest.raises(redis.ConnectionError):
        queue.relay_deferred(storage)
    assert DeferredTask.select().count() == before + 2
    # when Redis is back, the relay hands them over in order and forgets them
    on_own_redis.start()
    assert queue.relay_deferred(storage) == before + 2
    assert DeferredTask.select().count() == 0
    assert storage.queue_size() == before + 2
    assert [storage.dequeue() for _ in range(before + 2)][-2:] == [b"first", b"second"]


@pytest.fixture
def gunicorn_on_own_redis(platform, own_redis):
    """A real gunicorn (one worker) on this suite's database, its Redis ``own_redis``, tasks really queued."""
    env = {k: v for k, v in os.environ.items() if k != "QUTECAT_HUEY_IMMEDIATE"}
    env["REDIS_URL"] = own_redis.url
    server = Gunicorn(env=env)
    try:
        yield server.ready().url
    finally:
        server.stop()


def test_redis_down_and_back_under_gunicorn(platform, own_redis, gunicorn_on_own_redis):
    base, host = gunicorn_on_own_redis, {"Host": BASE_DOMAIN}
    login = {"phone": "customer@qutekart.com", "password": "secret"}
    assert requests.get(f"{base}/api/products", headers=host, timeout=10).status_code == 200
    before = DeferredTask.select().count()
    # given Redis stopped under a running web process
    own_redis.stop()
    # then the storefront and login still answer
    assert requests.get(f"{base}/api/products", headers=host, timeout=10).status_code == 200
    assert requests.get(f"{base}/api/master", headers=host, timeout=10).status_code == 200
    ready = requests.get(f"{base}/readyz", timeout=10)
    assert ready.status_code == 200 and ready.json()["data"] == {"database": True, "redis": False}
    assert requests.post(f"{base}/api/login", json=login, headers=host, timeout=10).status_code == 200
    # and login throttling holds, counted in the database meanwhile
    wrong = {**login, "password": "not-the-password"}
    statuses = [requests.post(f"{base}/api/login", json=wrong, headers=host, timeout=10).status_code
                for _ in range(6)]
    assert statuses == [400] * 5 + [429]
    # and a change whose side effect is a task (a code by e-mail) succeeds, its message kept in the database
    sent = requests.post(f"{base}/api/send-otp", json={"phone": "customer@qutekart.com"}, headers=host, timeout=10)
    assert sent.status_code == 200, sent.text
    assert DeferredTask.select().count() == before + 1
    # when Redis is back, the relay puts that message on the queue, where a worker finds the mail task
    own_redis.start()
    storage = queue.DeferringRedisStorage("qutecat", connection_pool=redis.ConnectionPool.from_url(own_redis.url))
    assert queue.relay_deferred(storage) == before + 1
    messages = [queue.huey.deserialize_task(storage.dequeue()) for _ in range(storage.queue_size())]
    assert [task.name for task in messages][-1].endswith("send_mail")
    assert requests.get(f"{base}/api/products", headers=host, timeout=10).status_code == 200


@pytest.mark.skipif(not conftest.ADMIN_DB_URL, reason="refusing connections is a PostgreSQL server setting")
def test_database_refusing_connections_answers_503_then_recovers(api, customer_token):
    assert api.get("/api/orders", token=customer_token).status == 200
    admin = psycopg2.connect(conftest.ADMIN_DB_URL)
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            # given the database stops taking connections and drops the ones it has (a restart, a failover)
            cur.execute(f'ALTER DATABASE "{conftest.TEST_DB_NAME}" ALLOW_CONNECTIONS false')
            cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                        (conftest.TEST_DB_NAME,))
        # then a request is told to come back shortly, in the envelope, rather than answered 500
        refused = api.get("/api/orders", token=customer_token)
        assert refused.status == 503, refused
        assert refused.headers["retry-after"] == "5"
        assert set(refused.json) == {"message"} and isinstance(refused.json["message"], str)
        assert api.get("/readyz").status == 503
        # as the document says every route may
        document = api.get("/api/openapi.json").json
        assert "503" in document["paths"]["/api/orders"]["get"]["responses"]
    finally:
        with admin.cursor() as cur:
            cur.execute(f'ALTER DATABASE "{conftest.TEST_DB_NAME}" ALLOW_CONNECTIONS true')
        admin.close()
    # and once it takes connections again the same process serves, without a restart
    assert api.get("/api/orders", token=customer_token).status == 200


def test_unavailable_tells_a_passing_outage_from_a_wrong_query(tmp_path):
    holder = peewee.SqliteDatabase(str(tmp_path / "locked.db"))
    waiter = peewee.SqliteDatabase(str(tmp_path / "locked.db"), timeout=0)
    holder.execute_sql("CREATE TABLE t (x INTEGER)")
    with holder.atomic("IMMEDIATE"):
        holder.execute_sql("INSERT INTO t VALUES (1)")
        with pytest.raises(peewee.OperationalError) as locked:
            waiter.execute_sql("INSERT INTO t VALUES (2)")
    with pytest.raises(peewee.OperationalError) as missing:
        waiter.execute_sql("SELECT * FROM no_such_table")
    with pytest.raises(psycopg2.OperationalError) as refused:
        psycopg2.connect(host="127.0.0.1", port=free_port(), connect_timeout=2)
    assert db.unavailable(locked.value)
    assert db.unavailable(refused.value)
    assert not db.unavailable(missing.value)
    assert not db.unavailable(ValueError("a bug"))


def test_a_failing_side_effect_after_commit_neither_fails_the_change_nor_stops_the_others(platform):
    ran = []

    def broken():
        raise redis.ConnectionError("broker down")

    with db.transaction():
        db.on_commit(broken)
        db.on_commit(lambda: ran.append("second"))
    assert ran == ["second"]


@pytest.mark.skipif(not conftest.ADMIN_DB_URL, reason="a server-side session kill needs PostgreSQL")
def test_a_connection_lost_half_way_through_placing_writes_nothing(api, root_token, monkeypatch):
    shop_id = cf.shop(api, root_token, "starter")[0]
    product = cf.product(shop_id, category=cf.category(), quantity=5)
    user, token, address_id = buyer_with_address()
    add(api, token, product.id, quantity=2)
    take = plans.take

    def killed_first(*args, **kwargs):
        # the server ends this session after the order, its lines and its payment were written, before the stock
        admin = psycopg2.connect(conftest.ADMIN_DB_URL)
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(%s)", (db.database.obj.connection().get_backend_pid(),))
        admin.close()
        return take(*args, **kwargs)

    monkeypatch.setattr(plans, "take", killed_first)
    # when the customer places the cart and the database connection dies half way
    answered = place(api, token, address_id, [shop_id])
    monkeypatch.undo()
    # then the app is told to retry, and no part of the placement remains
    assert answered.status == 503, answered
    assert answered.headers["retry-after"] == "5"
    with context.use(user=user.id):
        assert Order.across_tenants().where(Order.user == user.id).count() == 0
        assert Payment.select().where(Payment.user == user.id).count() == 0
        assert CartItem.across_tenants().where(CartItem.user == user.id).count() == 1
    with context.use(tenant=shop_id):
        assert Product.get_by_id(product.id).quantity == 5
    # and the retry, on a fresh connection, places it once
    assert place(api, token, address_id, [shop_id]).status == 200
    with context.use(user=user.id):
        assert Order.across_tenants().where(Order.user == user.id).count() == 1


@pytest.mark.skipif(not conftest.ADMIN_DB_URL, reason="session limits are PostgreSQL's")
def test_a_checkout_waiting_on_a_lock_held_elsewhere_gives_up_with_503(api, root_token, monkeypatch):
    shop_id = cf.shop(api, root_token, "starter")[0]
    product = cf.product(shop_id, category=cf.category(), quantity=5)
    user, token, address_id = buyer_with_address()
    add(api, token, product.id)
    # given the application's lock wait cut to 300 ms (10 s in production), on fresh connections
    monkeypatch.setitem(db.SESSION_LIMITS, "lock_timeout", "300ms")
    db.database.obj.close_all()
    holder = psycopg2.connect(os.environ["DATABASE_URL"])
    try:
        with holder.cursor() as cur:
            # and an operator's session holding the product's row
            cur.execute("SELECT 1 FROM product WHERE id = %s FOR UPDATE", (product.id,))
            # when the customer places the order
            started = time.monotonic()
            answered = place(api, token, address_id, [shop_id])
            waited = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
        monkeypatch.undo()
        db.database.obj.close_all()
    # then the placement gives up soon with a 503, and nothing of it remains
    assert answered.status == 503, answered
    assert waited < 5
    with context.use(user=user.id):
        assert Order.across_tenants().where(Order.user == user.id).count() == 0
        assert CartItem.across_tenants().where(CartItem.user == user.id).count() == 1
    with context.use(tenant=shop_id):
        assert Product.get_by_id(product.id).quantity == 5
