"""Benchmark checkout on PostgreSQL under concurrency; print a table and write bench/checkout_results.json.

N client threads hammer one product of one shop over real HTTP. Each client is
its own customer (bearer token, default address) and loops over one
*checkout*: ``POST /api/cart/store`` (one unit of the product into its empty
cart) then ``POST /api/v1/place-order`` (cash on delivery, that shop), both
through gunicorn (the repository's ``gunicorn.conf.py`` worker class, workers
and threads) serving ``server:app``, the full platform: host to storefront,
token, permissions, schemas, the cart, the placing transaction with its plan
allowance, stock take, order, payment and ``order_placed`` hooks, and the
after-commit task enqueue (to Redis).

Against it, a bare Falcon app under the very same gunicorn settings whose one
route does only the stock decrement: ``UPDATE product SET quantity = quantity - 1
WHERE id = %s AND quantity >= 1`` on the same product row, through a psycopg2
connection pool (one connection per gunicorn thread), as the same
row-level-security role with the shop set for the statement (one round trip,
as the platform sends its autocommit statements). The same client threads
drive it, one request per "checkout".

Reported per N: checkouts/s and p50/p99 latency of each side (a platform
checkout's latency is its two requests together; each request's own p50/p99 is
given too), the ratio ``throughput_platform / throughput_bare`` (target >= 0.5);
the CPU each side spends per checkout in its gunicorn workers, its PostgreSQL
backends and the client threads (from /proc), and what the database's backends
were doing (``pg_stat_activity`` sampled every 50 ms: running, waiting on a row
lock, idle inside a transaction while the application works); and the checks
that no request failed (non-200s and connection errors are counted) and that
the product's stock went down by exactly the units of the orders placed plus
the bare decrements (no oversell). The sides run alternately, round by round,
and the median ratio is kept. ``--profile`` (automatic when the ratio misses)
profiles an in-process checkout with pyinstrument and counts each request's
SQL statements and round trips.

It creates a throw-away database ``qutecat_bench_<random>`` next to the one
``DATABASE_URL`` names (default: the local PostgreSQL) and drops it at the
end; Redis (``REDIS_URL``, default ``redis://127.0.0.1:6379/6``) holds the
platform's shared state and the huey queue, and is flushed at both ends. No
huey consumer runs during the timed windows (the tasks a checkout enqueues,
the invoice PDF and the mails, wait in Redis, as they would for worker
processes on other machines); their number is reported.
"""

import argparse
import http.client
import io
import json
import os
import runpy
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
BASE_DOMAIN = "qutecat.bench"
TARGET = 0.5
STOCK = 100_000_000
BARE_PATH = "/bench/stock-take"


# -- the bare contender (imported by gunicorn as ``checkout:bare_app()``) ---------------------------------


def bare_app():
    """A Falcon app whose one route takes one unit of a product's stock, and nothing else.

    Configured from the environment gunicorn passes: ``BENCH_BARE_DSN`` (the
    database), ``BENCH_BARE_ROLE`` (the row-level-security role),
    ``BENCH_BARE_THREADS`` (pool size, one connection per gunicorn thread).
    """
    import falcon
    from psycopg2.pool import ThreadedConnectionPool

    role = os.environ["BENCH_BARE_ROLE"]
    threads = int(os.environ["BENCH_BARE_THREADS"])

    class Pool(ThreadedConnectionPool):
        def _connect(self, key=None):
            conn = super()._connect(key)
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(f"SET ROLE {role}")
            return conn

    pools = {}
    lock = threading.Lock()

    def pool():
        # Created in the worker on first use (after the fork), as the platform's pool is. minconn = maxconn:
        # psycopg2's pool closes every connection given back beyond minconn, which would reconnect per request.
        if os.getpid() not in pools:
            with lock:
                if os.getpid() not in pools:
                    pools[os.getpid()] = Pool(threads, threads, os.environ["BENCH_BARE_DSN"])
        return pools[os.getpid()]

    class StockTake:
        def on_post(self, req, resp):
            body = req.get_media()
            shop_id, product_id = int(body["shop_id"]), int(body["product_id"])
            conn = pool().getconn()
            try:
                with conn.cursor() as cur:
                    # The shop for the statement and the UPDATE in one simple query: one implicit transaction,
                    # one round trip, the same row-level-security check the platform's statements pass.
                    cur.execute(
                        "SELECT set_config('app.tenant_id', %s, true), set_config('app.user_id', '', true); "
                        "UPDATE product SET quantity = quantity - 1 WHERE id = %s AND quantity >= 1",
                        (str(shop_id), product_id),
                    )
                    taken = cur.rowcount
            finally:
                pool().putconn(conn)
            if taken != 1:
                resp.status = falcon.HTTP_409
                resp.media = {"message": "Sorry! this product is sold out."}
                return
            resp.media = {"message": "Taken", "data": {"product_id": product_id}}

    app = falcon.App()
    app.add_route(BARE_PATH, StockTake())
    return app


# -- set-up -----------------------------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def create_database(admin_url: str) -> tuple[str, str]:
    import psycopg2

    name = f"qutecat_bench_{secrets.token_hex(4)}"
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return name, urlunparse(urlparse(admin_url)._replace(path=f"/{name}"))


def drop_database(admin_url: str, name: str) -> None:
    import psycopg2

    from kernel import db

    try:
        db.database.obj.close_all()
    except Exception:  # noqa: BLE001  (the pool may never have opened)
        pass
    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


def start_platform():
    from kernel import migrations, seeding
    from kernel.boot import boot

    platform = boot()
    migrations.migrate(platform.host, echo=lambda _m: None)
    seeding.run(platform.host, phases=("essential",), echo=lambda _m: None)
    return platform


def create_shop_and_product() -> tuple[int, int]:
    """An Enterprise shop (cash on delivery, no monthly order limit) with one product of ``STOCK`` units."""
    from kernel import context, db
    from plugins.catalog.models import Category, Product, ShopProfile
    from plugins.tenants import services

    with db.transaction():
        shop = services.create_shop("Bench Shop", "benchshop", "enterprise", {
            "name": "Bench Owner", "email": "owner@bench.test", "phone": "01711111111", "password": "secret123",
        })
    with db.transaction():
        category = Category.create(name="Bench category", slug="bench-category")
    with context.use(tenant=shop.id), db.transaction():
        ShopProfile.create(delivery_charge=500, prefix="BE")
        product = Product.create(name="Bench product", slug="bench-product", code="BENCH-1", category=category,
                                 price=1500, quantity=STOCK)
    return shop.id, product.id


def create_customers(count: int) -> list[tuple[str, int]]:
    """``count`` customers, each with a bearer token and a default address: ``[(token, address_id)]``."""
    from kernel import context, db, permissions, tokens
    from kernel.models import User
    from plugins.orders.addresses import services as addresses

    customers = []
    for n in range(count):
        with db.transaction():
            user = User.create(name=f"Bench buyer {n}", email=f"buyer{n}@bench.test", password_hash="!")
            permissions.assign_role(user, "customer")
        token, _ = tokens.issue(user, name="bench")
        with context.use(user=user.id), db.transaction():
            address = addresses.create(user.id, {
                "name": f"Buyer {n}", "phone": "01700000000", "area": "Gulshan", "flat_no": "4B",
                "post_code": "1212", "address_line": "Road 1", "address_line2": "", "address_type": "Home",
                "latitude": None, "longitude": None, "is_default": True,
            })
        customers.append((token, address["id"]))
    return customers


def owner_scalar(sql: str, params=()) -> int:
    from kernel import db

    with db.as_owner():
        return db.database.obj.execute_sql(sql, params).fetchone()[0]


def postgres_settings() -> dict:
    from kernel import db

    with db.as_owner():
        return dict(db.database.obj.execute_sql(
            "SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
            "('server_version', 'shared_buffers', 'synchronous_commit', 'fsync', 'max_connections', "
            "'wal_level', 'jit')").fetchall())


# -- the two gunicorn servers -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_settings(workers: int | None, threads: int | None) -> dict:
    """The repository's gunicorn settings (worker class, workers, threads, timeout), CLI overrides applied."""
    repo = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    return {"worker_class": repo["worker_class"], "workers": workers or repo["workers"],
            "threads": threads or repo["threads"], "timeout": repo["timeout"]}


class Server:
    """One gunicorn master serving ``app``, with a bench config file (no access log: neither side writes one)."""

    def __init__(self, name: str, app: str, settings: dict, env: dict, scratch: Path):
        self.name, self.port = name, free_port()
        config = scratch / f"gunicorn_{name}.py"
        config.write_text(
            f"bind = '127.0.0.1:{self.port}'\n"
            f"worker_class = {settings['worker_class']!r}\nworkers = {settings['workers']}\n"
            f"threads = {settings['threads']}\ntimeout = {settings['timeout']}\n"
            "accesslog = None\nerrorlog = '-'\nloglevel = 'warning'\n"
        )
        self.log_path = scratch / f"gunicorn_{name}.log"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(config), "--pythonpath", f"{ROOT},{HERE}", app],
            cwd=str(scratch), env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def wait_ready(self, probe, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} gunicorn exited: {self.log_path.read_text()[-3000:]}")
            try:
                probe(self.port)
                return
            except (OSError, http.client.HTTPException):
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} gunicorn did not answer in {timeout} s")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.proc.pid)], capture_output=True, text=True)
        return [int(pid) for pid in out.stdout.split()]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def cpu_seconds(pids) -> float:
    """User + system CPU seconds of these processes so far (from /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


# -- the clients --------------------------------------------------------------------------------------------


class Client:
    """One keep-alive HTTP connection speaking JSON to one server, as one customer."""

    def __init__(self, port: int, token: str | None = None):
        self.port, self.conn = port, None
        self.headers = {"Host": BASE_DOMAIN, "Accept": "application/json", "Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                self.conn.request("POST", path, body, self.headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
                # The server closed an idle keep-alive connection before this request: reconnect once.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def platform_checkout(port: int, shop_id: int, product_id: int, token: str, address_id: int):
    """A function doing one checkout: cart store then place-order; returns ``[(request, status, seconds)]``."""
    client = Client(port, token)
    store = json.dumps({"product_id": product_id, "quantity": 1, "size": None, "color": None, "unit": None,
                        "is_buy_now": None}).encode()
    place = json.dumps({"address_id": address_id, "coupon_code": "", "note": "", "payment_method": "cash",
                        "shop_ids": [shop_id], "is_buy_now": None}).encode()

    def checkout():
        start = time.perf_counter()
        status, body = client.post("/api/cart/store", store)
        middle = time.perf_counter()
        steps = [("store", status, middle - start, body)]
        if status == 200:
            status, body = client.post("/api/v1/place-order", place)
            steps.append(("place", status, time.perf_counter() - middle, body))
        return steps

    return checkout, client


def bare_checkout(port: int, shop_id: int, product_id: int):
    client = Client(port)
    body = json.dumps({"shop_id": shop_id, "product_id": product_id}).encode()

    def checkout():
        start = time.perf_counter()
        status, answer = client.post(BARE_PATH, body)
        return [("take", status, time.perf_counter() - start, answer)]

    return checkout, client


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


class BumpCounter:
    """Counts the shared-state-version announcements (``kernel.invalidation``) heard during the run.

    Nothing in a checkout announces one, so each is a cache flush in every platform
    process; the channel is the benchmark's Redis database's own, so it should stay 0.
    """

    def __init__(self, url: str):
        import redis

        from kernel.invalidation import channel_of

        self.count = 0
        # Kept for the listener's life: a collected client disconnects its pool, the subscription's socket too.
        self.client = redis.Redis.from_url(url)
        self.pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(**{channel_of(self.client): self._heard})
        self.thread = self.pubsub.run_in_thread(sleep_time=0.2, daemon=True)

    def _heard(self, _message):
        self.count += 1

    def stop(self):
        self.thread.stop()
        self.thread.join(5)
        self.pubsub.close()


class Sampler:
    """Samples what the benchmark database's backends are doing (``pg_stat_activity``) every ``interval`` s,
    and remembers their pids so their CPU can be read from /proc."""

    def __init__(self, url: str, interval: float = 0.05):
        import psycopg2

        self.conn = psycopg2.connect(url)
        self.conn.autocommit = True
        self.interval, self.counts, self.samples, self.pids = interval, {}, 0, set()
        self.stop_event = threading.Event()

    def backends(self) -> list[tuple]:
        with self.conn.cursor() as cur:
            cur.execute("SELECT pid, state, wait_event_type, wait_event FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = "
                        "'client backend'")
            return cur.fetchall()

    def run(self):
        while not self.stop_event.wait(self.interval):
            rows = self.backends()
            self.samples += 1
            for pid, state, wait_type, wait in rows:
                self.pids.add(pid)
                if state in (None, "idle"):
                    continue
                key = state if state != "active" else (f"waiting {wait_type}:{wait}" if wait_type else "active")
                self.counts[key] = self.counts.get(key, 0) + 1

    def start(self):
        self.pids.update(pid for pid, *_ in self.backends())
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def stop(self) -> dict:
        self.stop_event.set()
        self.thread.join()
        self.pids.update(pid for pid, *_ in self.backends())
        self.conn.close()
        return {key: round(count / max(1, self.samples), 2)
                for key, count in sorted(self.counts.items(), key=lambda kv: -kv[1])}


def drive(checkouts: list, seconds: float, server_pids: list[int], database_url: str) -> dict:
    """Run every checkout function in its own thread, in a closed loop, for ``seconds``; gather the figures.

    A checkout counts when all its requests answered 200; its latency is the
    sum of its requests'. Checkouts that start before the deadline finish.
    """
    per_thread = [{"latencies": [], "steps": {}, "failed": {}, "errors": 0, "sample": None} for _ in checkouts]
    start_gate = threading.Barrier(len(checkouts) + 1)
    deadline = [0.0]

    def loop(index):
        fn, out = checkouts[index], per_thread[index]
        start_gate.wait()
        while time.perf_counter() < deadline[0]:
            try:
                steps = fn()
            except (OSError, http.client.HTTPException):
                out["errors"] += 1
                continue
            ok = True
            for name, status, elapsed, body in steps:
                out["steps"].setdefault(name, []).append(elapsed)
                if status != 200:
                    ok = False
                    key = f"{name} {status}"
                    out["failed"][key] = out["failed"].get(key, 0) + 1
                    out["sample"] = out["sample"] or body[:300].decode(errors="replace")
            if ok:
                out["latencies"].append(sum(step[2] for step in steps))

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(len(checkouts))]
    for thread in threads:
        thread.start()
    sampler = Sampler(database_url)
    sampler.start()
    backend_pids = set(sampler.pids)
    cpu_before, load_before = cpu_seconds(server_pids), os.getloadavg()[0]
    pg_before = {pid: cpu_seconds([pid]) for pid in backend_pids}
    client_before = time.process_time()
    deadline[0] = time.perf_counter() + seconds
    started = time.perf_counter()
    start_gate.wait()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cpu = cpu_seconds(server_pids) - cpu_before
    client_cpu = time.process_time() - client_before
    activity = sampler.stop()
    # Backends that opened during the window started from zero CPU.
    pg_now = {pid: cpu_seconds([pid]) for pid in sampler.pids if Path(f"/proc/{pid}").exists()}
    pg_cpu = sum(now - pg_before.get(pid, 0.0) for pid, now in pg_now.items())
    latencies = [v for out in per_thread for v in out["latencies"]]
    steps, failed = {}, {}
    for out in per_thread:
        for name, values in out["steps"].items():
            steps.setdefault(name, []).extend(values)
        for key, count in out["failed"].items():
            failed[key] = failed.get(key, 0) + count
    return {
        "seconds": round(wall, 3),
        "checkouts": len(latencies),
        "throughput": len(latencies) / wall,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "requests": {name: {"count": len(values), "p50_ms": round(percentile(values, 0.5) * 1000, 2),
                            "p99_ms": round(percentile(values, 0.99) * 1000, 2)} for name, values in steps.items()},
        "non_200": failed,
        "connection_errors": sum(out["errors"] for out in per_thread),
        "failure_sample": next((out["sample"] for out in per_thread if out["sample"]), None),
        "server_cpu_s_per_checkout": round(cpu / max(1, len(latencies)), 6),
        "postgres_cpu_s_per_checkout": round(pg_cpu / max(1, len(latencies)), 6),
        "client_cpu_s_per_checkout": round(client_cpu / max(1, len(latencies)), 6),
        "cpu_busy_share": round((cpu + pg_cpu + client_cpu) / wall / (os.cpu_count() or 1), 3),
        "backends": activity,
        "load_1min_at_start": round(load_before, 2),
    }


# -- profile --------------------------------------------------------------------------------------------


def profile_checkout(platform, shop_id: int, product_id: int, customer: tuple[str, int], calls: int) -> dict:
    """Where one in-process checkout's time goes (pyinstrument), and the SQL each request sends."""
    import logging
    from wsgiref.util import setup_testing_defaults

    token, address_id = customer

    def wsgi_post(path: str, body: dict):
        raw = json.dumps(body).encode()
        environ = {"PATH_INFO": path, "HTTP_HOST": BASE_DOMAIN, "SERVER_NAME": BASE_DOMAIN,
                   "REQUEST_METHOD": "POST", "HTTP_ACCEPT": "application/json", "CONTENT_TYPE": "application/json",
                   "CONTENT_LENGTH": str(len(raw)), "HTTP_AUTHORIZATION": f"Bearer {token}"}
        setup_testing_defaults(environ)
        environ["wsgi.input"] = io.BytesIO(raw)
        result = {}

        def start_response(status, headers, exc_info=None):
            result["status"] = status

        out = b"".join(platform.app(environ, start_response))
        assert result["status"].startswith("200"), (path, result["status"], out[:300])

    def store():
        wsgi_post("/api/cart/store", {"product_id": product_id, "quantity": 1, "size": None, "color": None,
                                      "unit": None, "is_buy_now": None})

    def place():
        wsgi_post("/api/v1/place-order", {"address_id": address_id, "coupon_code": "", "note": "",
                                          "payment_method": "cash", "shop_ids": [shop_id], "is_buy_now": None})

    class Capture(logging.Handler):
        def __init__(self):
            super().__init__(logging.DEBUG)
            self.sql = []

        def emit(self, record):
            if isinstance(record.msg, tuple) and len(record.msg) == 2:
                self.sql.append(record.msg[0])

    statements, trips = {}, {}
    for _ in range(5):
        store()
        place()
    # Round trips and the time spent waiting for them: every cursor.execute, including the
    # set_config() that re-sends the tenant and user after a context switch inside a transaction.
    from kernel import db

    dbclass = type(db.database.obj)
    plain_cursor = dbclass.cursor
    tally = {"n": 0, "s": 0.0}

    class CountingCursor:
        def __init__(self, cursor):
            self._cursor = cursor

        def execute(self, *a, **k):
            started = time.perf_counter()
            try:
                return self._cursor.execute(*a, **k)
            finally:
                tally["n"] += 1
                tally["s"] += time.perf_counter() - started

        def __getattr__(self, name):
            return getattr(self._cursor, name)

        def __iter__(self):
            return iter(self._cursor)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return self._cursor.__exit__(*exc)

    def measured(fn, rounds: int = 50) -> dict:
        """Mean round trips, wall ms and ms waiting on PostgreSQL of ``fn``; the cart cycles through both."""
        trips_total, waited, wall = 0, 0.0, 0.0
        for _ in range(rounds):
            if fn is place:
                store()
            tally.update(n=0, s=0.0)
            started = time.perf_counter()
            fn()
            wall += time.perf_counter() - started
            trips_total, waited = trips_total + tally["n"], waited + tally["s"]
            if fn is store:
                place()
        return {"round_trips": round(trips_total / rounds, 1), "ms": round(wall / rounds * 1000, 2),
                "waiting_on_postgres_ms": round(waited / rounds * 1000, 2)}

    dbclass.cursor = lambda self, *a, **k: CountingCursor(plain_cursor(self, *a, **k))
    try:
        trips = {"store": measured(store), "place": measured(place)}
    finally:
        dbclass.cursor = plain_cursor
    logger = logging.getLogger("peewee")
    for name, fn in (("store", store), ("place", place)):
        capture, level, propagate = Capture(), logger.level, logger.propagate
        logger.addHandler(capture)
        logger.setLevel(logging.DEBUG)
        logger.propagate = False
        try:
            fn()
        finally:
            logger.removeHandler(capture)
            logger.setLevel(level)
            logger.propagate = propagate
        statements[name] = capture.sql
    # Compiled statements run as prepared ones ("EXECUTE qc_..."): show what each name stands for.
    bodies = dict(db.database.obj.execute_sql("SELECT name, statement FROM pg_prepared_statements").fetchall())
    for name, sql in statements.items():
        statements[name] = [_readable(text, bodies) for text in sql]

    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    started = time.perf_counter()
    for _ in range(calls):
        store()
        place()
    elapsed = time.perf_counter() - started
    profiler.stop()
    return {
        "calls": calls,
        "in_process_ms_per_checkout": round(elapsed / calls * 1000, 3),
        "statements": {name: len(sql) for name, sql in statements.items()},
        "round_trips": trips,
        "sql": statements,
        "text": profiler.output_text(unicode=True, color=False, show_all=False,
                                     processor_options={"filter_threshold": 0.015}),
    }


def _readable(text: str, bodies: dict) -> str:
    """A logged statement with ``EXECUTE name(...)`` replaced by the statement prepared under that name."""
    for part in text.split("; "):
        if part.startswith("EXECUTE "):
            name = part[len("EXECUTE "):].split("(", 1)[0]
            if name in bodies:
                # The server keeps the whole query string that prepared it (set_config and EXECUTE included).
                body = bodies[name].split(f"PREPARE {name} AS ", 1)[-1].split("; EXECUTE ", 1)[0]
                text = text.replace(part, f"[prepared {name}] {body}")
    return text


# -- main -------------------------------------------------------------------------------------------------


def median(values):
    return statistics.median(values) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="8,32", help="comma-separated numbers of concurrent clients")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per number of clients")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of one timed window")
    parser.add_argument("--warmup", type=float, default=3.0, help="untimed seconds per side before the rounds")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--threads", type=int, help="gunicorn threads per worker (default: gunicorn.conf.py's)")
    parser.add_argument("--profile", action="store_true", help="profile an in-process checkout (pyinstrument)")
    parser.add_argument("--profile-calls", type=int, default=200, help="checkouts profiled")
    parser.add_argument("--private-redis", action="store_true",
                        help="run a throw-away redis-server instead of REDIS_URL (see 'Redis' in bench/README.md)")
    parser.add_argument("--keep-database", action="store_true", help="do not drop the database (to inspect it)")
    parser.add_argument("--out", default=str(HERE / "checkout_results.json"))
    args = parser.parse_args()
    counts = [int(n) for n in args.clients.split(",")]

    admin_url = os.environ.get("DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/6"
    scratch = Path(tempfile.mkdtemp(prefix="qutecat-bench-checkout-"))
    private_redis = None
    if args.private_redis:
        port = free_port()
        private_redis = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        redis_url = f"redis://127.0.0.1:{port}/0"
    name, url = create_database(admin_url)
    env = {
        **os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "BASE_DOMAIN": BASE_DOMAIN,
        "APP_ENV": "production", "SECRET_KEY": secrets.token_hex(32), "QUTECAT_VAR_DIR": str(scratch / "var"),
    }
    for unset in ("QUTECAT_HUEY_IMMEDIATE", "QUTECAT_TRACE_HOOKS", "SMTP_URL", "WEB_CONCURRENCY",
                  "GUNICORN_THREADS"):
        env.pop(unset, None)
    os.environ.clear()
    os.environ.update(env)
    sys.path[:0] = [str(ROOT)]

    import falcon
    import redis

    results_ok = [False]
    queue = redis.Redis.from_url(redis_url)
    servers, bumps = [], None
    log(f"database {name}, redis {redis_url}")
    try:
        for attempt in range(50):  # a private redis-server may still be starting
            try:
                queue.flushdb()
                break
            except redis.ConnectionError:
                if attempt == 49:
                    raise
                time.sleep(0.1)
        bumps = BumpCounter(redis_url)
        from kernel import db

        platform = start_platform()
        shop_id, product_id = create_shop_and_product()
        customers = create_customers(max(counts))
        db.database.obj.close_all()
        settings = gunicorn_settings(args.workers, args.threads)
        log(f"shop {shop_id}, product {product_id} with {STOCK:,} units, {len(customers)} customers; "
            f"gunicorn {settings}")

        platform_server = Server("platform", "server:app", settings, env, scratch)
        bare_server = Server("bare", "checkout:bare_app()", settings, {
            **env, "BENCH_BARE_DSN": url, "BENCH_BARE_ROLE": db.APP_ROLE,
            "BENCH_BARE_THREADS": str(settings["threads"]),
        }, scratch)
        servers = [platform_server, bare_server]

        def probe_platform(port):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/api/master", headers={"Host": BASE_DOMAIN})
            conn.getresponse().read()
            conn.close()

        def probe_bare(port):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/", headers={"Host": BASE_DOMAIN})
            conn.getresponse().read()
            conn.close()

        platform_server.wait_ready(probe_platform)
        bare_server.wait_ready(probe_bare)

        def contenders(n):
            return {
                "platform": [platform_checkout(platform_server.port, shop_id, product_id, *customers[i])
                             for i in range(n)],
                "bare": [bare_checkout(bare_server.port, shop_id, product_id) for _ in range(n)],
            }

        def stock_left() -> int:
            return owner_scalar("SELECT quantity FROM product WHERE id = %s", (product_id,))

        def orders_placed() -> tuple[int, int]:
            """The shop's orders and the units they hold (the product is its only one)."""
            from kernel import db

            with db.as_owner():
                return tuple(db.database.obj.execute_sql(
                    'SELECT count(*), coalesce(sum(quantity), 0) FROM "order" WHERE tenant_id = %s',
                    (shop_id,)).fetchone())

        results = {
            "database": "PostgreSQL", "redis": redis_url, "python": sys.version.split()[0],
            "falcon": falcon.__version__, "cpus": os.cpu_count(), "postgres_settings": postgres_settings(),
            "gunicorn": {**settings, "accesslog": None}, "seconds_per_window": args.seconds,
            "rounds": args.rounds, "target": TARGET, "stock_at_start": STOCK,
            "load_1min_at_start": round(os.getloadavg()[0], 2),
            "checkout": "platform: POST /api/cart/store (1 unit) + POST /api/v1/place-order (cash, that shop); "
                        "bare: POST " + BARE_PATH + " (one conditional UPDATE of the product's quantity)",
            "by_clients": {},
        }
        checks = {"all_200": True, "no_connection_errors": True, "stock_matches_orders": True, "no_oversell": True}
        bare_takes = 0
        for n in counts:
            sides = contenders(n)
            pids = {"platform": platform_server.worker_pids(), "bare": bare_server.worker_pids()}
            log(f"{n} clients: warm-up")
            warmups = {}
            for side in ("platform", "bare"):
                warm = drive([fn for fn, _ in sides[side]], args.warmup, pids[side], url)
                if side == "bare":
                    bare_takes += warm["checkouts"]
                checks["all_200"] &= not warm["non_200"]
                checks["no_connection_errors"] &= not warm["connection_errors"]
                warmups[side] = {k: warm[k] for k in ("checkouts", "non_200", "connection_errors", "failure_sample")}
            windows = {"platform": [], "bare": []}
            for r in range(args.rounds):
                order = ("bare", "platform") if r % 2 == 0 else ("platform", "bare")
                for side in order:
                    stock0, (orders0, units0) = stock_left(), orders_placed()
                    bumps_before = bumps.count
                    window = drive([fn for fn, _ in sides[side]], args.seconds, pids[side], url)
                    window["state_version_bumps"] = bumps.count - bumps_before
                    stock1, (orders1, units1) = stock_left(), orders_placed()
                    window["stock_taken"] = stock0 - stock1
                    window["orders_placed"] = orders1 - orders0
                    if side == "bare":
                        # One unit per answered take, and no order written.
                        window["stock_matches"] = stock0 - stock1 == window["checkouts"] and orders1 == orders0
                    else:
                        # One order per successful checkout, and exactly the units the orders hold. (A refused
                        # placement leaves its line in the cart, so the next checkout of that client orders 2.)
                        window["stock_matches"] = (stock0 - stock1 == units1 - units0
                                                   and orders1 - orders0 == window["checkouts"])
                    checks["stock_matches_orders"] &= window["stock_matches"]
                    checks["all_200"] &= not window["non_200"]
                    checks["no_connection_errors"] &= not window["connection_errors"]
                    checks["no_oversell"] &= stock1 >= 0
                    windows[side].append(window)
                    if side == "bare":
                        bare_takes += window["checkouts"]
                    log(f"  round {r + 1} {side:<8} {window['throughput']:8.1f} checkouts/s  "
                        f"p50 {window['p50_ms']:7.2f} ms  p99 {window['p99_ms']:7.2f} ms  "
                        f"non-200 {window['non_200'] or 0}  stock -{window['stock_taken']}  "
                        f"load {window['load_1min_at_start']}  outside bumps {window['state_version_bumps']}")
            for _, client in sides["platform"] + sides["bare"]:
                client.close()
            ratios = [p["throughput"] / b["throughput"] for p, b in zip(windows["platform"], windows["bare"])]
            summary = {
                side: {
                    "throughput": round(median([w["throughput"] for w in ws]), 1),
                    "p50_ms": round(median([w["p50_ms"] for w in ws]), 2),
                    "p99_ms": round(median([w["p99_ms"] for w in ws]), 2),
                    **{f"{part}_cpu_ms_per_checkout": round(median([w[f"{part}_cpu_s_per_checkout"] for w in ws])
                                                            * 1000, 3) for part in ("server", "postgres", "client")},
                    "cpu_busy_share": round(median([w["cpu_busy_share"] for w in ws]), 3),
                    "backends": {key: round(sum(w["backends"].get(key, 0) for w in ws) / len(ws), 2)
                                 for key in sorted({k for w in ws for k in w["backends"]})},
                    "requests": {name: {k: round(median([w["requests"][name][k] for w in ws]), 2)
                                        for k in ("p50_ms", "p99_ms")} for name in ws[0]["requests"]},
                    "checkouts": sum(w["checkouts"] for w in ws),
                    "state_version_bumps": sum(w["state_version_bumps"] for w in ws),
                }
                for side, ws in windows.items()
            }
            results["by_clients"][str(n)] = {
                **summary, "ratios": [round(x, 3) for x in ratios], "ratio": round(median(ratios), 3),
                "warm_up": warmups,
                "windows": {side: [{k: (round(v, 3) if isinstance(v, float) else v) for k, v in w.items()}
                                   for w in ws] for side, ws in windows.items()},
            }
        # The whole run: the product lost exactly one unit per order and per bare take, never more.
        left, (placed_total, units_total) = stock_left(), orders_placed()
        bare_total = bare_takes
        results["totals"] = {"orders_placed": placed_total, "units_ordered": units_total, "bare_takes": bare_total,
                             "stock_left": left, "stock_taken": STOCK - left,
                             "payments": owner_scalar("SELECT count(*) FROM payment"),
                             "cart_lines_left": owner_scalar("SELECT count(*) FROM cart_item"),
                             "tasks_enqueued": sum(queue.llen(k) for k in queue.scan_iter("huey.redis.*"))}
        checks["stock_matches_orders"] &= STOCK - left == units_total + bare_total
        checks["ratio_ok"] = all(e["ratio"] >= TARGET for e in results["by_clients"].values())
        # The bump count means something only if its listener was there to hear them.
        checks["bump_listener_alive"] = bumps.thread.is_alive()
        results["checks"] = checks
        results_ok[0] = checks["all_200"] and checks["no_connection_errors"]
        results["load_1min_at_end"] = round(os.getloadavg()[0], 2)
        heard = sum(e[side]["state_version_bumps"] for e in results["by_clients"].values() for side in ("platform", "bare"))
        timed = sum(len(e["windows"][side]) for e in results["by_clients"].values() for side in ("platform", "bare"))
        results["state_version_bumps_heard"] = {"count": heard, "per_second": round(heard / (timed * args.seconds), 3)}

        for server in servers:
            server.stop()
        servers = []
        if args.profile or not checks["ratio_ok"]:
            log("profiling an in-process checkout")
            profile = profile_checkout(platform, shop_id, product_id, customers[0], args.profile_calls)
            results["profile"] = profile
    finally:
        for server in servers:
            server.stop()
        if bumps is not None:
            bumps.stop()
            queue.flushdb()
        if private_redis is not None:
            private_redis.terminate()
            private_redis.wait(10)
        if args.keep_database:
            log(f"kept {name}")
        else:
            drop_database(admin_url, name)
            log(f"dropped {name}")
        if results_ok[0]:
            shutil.rmtree(scratch, ignore_errors=True)
        else:
            log(f"the gunicorn logs are kept in {scratch}")

    print(f"\none checkout: {results['checkout']}")
    print(f"gunicorn {settings['worker_class']}, {settings['workers']} workers x {settings['threads']} threads; "
          f"{args.rounds} rounds of {args.seconds:g} s per side, alternating\n")
    print(f"{'clients':>7}  {'side':<9}{'checkouts/s':>12}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'CPU ms per checkout: web':>26}{'pg':>6}{'client':>8}  {'ratio (>= 0.5)':>14}")
    for n, entry in results["by_clients"].items():
        for side in ("platform", "bare"):
            s = entry[side]
            ratio = f"{entry['ratio']:.3f}" if side == "platform" else ""
            print(f"{n:>7}  {side:<9}{s['throughput']:>12.1f}{s['p50_ms']:>9.2f}{s['p99_ms']:>9.2f}"
                  f"{s['server_cpu_ms_per_checkout']:>26.2f}{s['postgres_cpu_ms_per_checkout']:>6.2f}"
                  f"{s['client_cpu_ms_per_checkout']:>8.2f}  {ratio:>14}")
        req = entry["platform"]["requests"]
        print(f"{'':>7}  platform per request: " + ", ".join(
            f"{k} p50 {v['p50_ms']:.2f} / p99 {v['p99_ms']:.2f} ms" for k, v in req.items())
              + f"; ratio per round {entry['ratios']}")
        for side in ("platform", "bare"):
            busy = ", ".join(f"{k} {v:.1f}" for k, v in entry[side]["backends"].items())
            print(f"{'':>7}  {side} backends busy on average: {busy}")
    t = results["totals"]
    print(f"\ntotals: {t['orders_placed']:,} orders ({t['units_ordered']:,} units) + {t['bare_takes']:,} bare takes "
          f"= {t['stock_taken']:,} units taken; {t['payments']:,} payments; {t['cart_lines_left']} cart lines left; "
          f"{t['tasks_enqueued']:,} tasks waiting in huey")
    heard = results["state_version_bumps_heard"]
    print(f"shared-state version bumps heard from outside during the timed windows: {heard['count']} "
          f"({heard['per_second']:.2f}/s; each empties every platform process's caches)")
    print("checks: " + ", ".join(f"{k}={'yes' if v else 'NO'}" for k, v in checks.items()))
    if "profile" in results:
        p = results["profile"]
        print(f"\nin-process checkout, one client: {p['in_process_ms_per_checkout']} ms under the profiler; "
              f"SQL statements peewee logs: {p['statements']}; every round trip, timed: {p['round_trips']}")
        print(p["text"])
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"results written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
