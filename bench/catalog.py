"""Benchmark catalog browsing on PostgreSQL in one run; print a table and write bench/catalog_results.json.

(a) ``GET /api/products`` on the marketplace with a filter and a sort, 20 per
    page, through the full platform against a bare Falcon app whose one
    resource replays the very SQL the platform issued for that request (over a
    raw psycopg2 connection, as the same row-level-security role) and answers
    the same JSON. Both are called as raw WSGI callables.
(b) Listing and search p50 through the platform at 10,000 products and again
    after the catalog has grown to 1,000,000 (``--large``), and the cost growth
    between them. Shops grow alongside (one per ~800 products) and so do the
    leaf categories (as the square root of the catalog), each selling one
    product type. Two broader listings are measured too, for information.

It creates a throw-away database ``qutecat_bench_<random>`` next to the one
``DATABASE_URL`` names (default: the local PostgreSQL) and drops it at the
end. Products are generated with set-based SQL (``INSERT ... SELECT
generate_series``) as the owning role, so row-level security stays out of the
way (the catalog's triggers still keep the search table and the per-shop
counts); the catalog is then vacuumed and analysed as a live one would be.
"""

import argparse
import json
import logging
import math
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse, urlunparse
from wsgiref.util import setup_testing_defaults

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

BASE_DOMAIN = "qutecat.bench"
ADMIN_URL = os.environ.get("DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ["QUTECAT_VAR_DIR"] = tempfile.mkdtemp(prefix="qutecat-bench-")
os.environ["BASE_DOMAIN"] = BASE_DOMAIN
os.environ["APP_ENV"] = "development"
os.environ["QUTECAT_HUEY_IMMEDIATE"] = "1"
for name in ("QUTECAT_TRACE_HOOKS", "SMTP_URL"):
    os.environ.pop(name, None)

import falcon  # noqa: E402
import psycopg2  # noqa: E402
import redis  # noqa: E402

from kernel import context, db, migrations, seeding, tenancy  # noqa: E402
from kernel.boot import boot  # noqa: E402
from kernel.models import Plan  # noqa: E402

ROUTE_TARGET = 0.8
GROWTH_TARGET = 2.0
PRODUCTS_PER_SHOP = 800
SHOP_PLANS = ("starter", "growth", "enterprise")
TOP_CATEGORIES, BRANDS, COLORS = 20, 60, 30
SIZES = ("XS", "S", "M", "L", "XL", "XXL")
ADJECTIVES = ("classic", "slim", "casual", "premium", "vintage", "sport", "soft", "urban", "light", "warm",
              "smart", "basic", "royal", "modern", "rustic", "bold", "fresh", "cozy", "sleek", "wild")
MATERIALS = ("cotton", "linen", "leather", "denim", "wool", "silk", "canvas", "steel", "bamboo", "ceramic",
             "glass", "oak", "velvet", "nylon", "suede", "copper", "marble", "jute", "cashmere", "rubber")
# A product type is a use and a kind of thing ("travel mug"); each leaf category sells one type.
USES = ("travel", "running", "garden", "kitchen", "office", "outdoor", "winter", "summer", "wireless", "portable",
        "baby", "kids", "pet", "bath", "camping", "beach", "yoga", "gaming", "party", "table", "bedside", "hiking",
        "cycling", "fishing", "picnic", "school", "studio", "coffee", "wine", "laundry", "storage", "shower",
        "balcony", "workshop", "festival", "reading", "sleeping", "cooking", "dining", "evening")
NOUNS = ("shirt", "hoodie", "jacket", "lamp", "mug", "sneaker", "backpack", "wallet", "watch", "scarf",
         "chair", "bottle", "headphone", "blanket", "kettle", "notebook", "belt", "dress", "cap", "vase",
         "sandal", "pillow", "bowl", "speaker", "glove", "tote", "desk", "candle", "jeans", "apron")
# The leaf categories (and so the product types) grow as the square root of the catalog, spread over the
# twenty departments: 100 leaves of ~100 products at 10,000, 1,000 leaves of ~1,000 at 1,000,000.
LEAVES_PER_SQRT_PRODUCT = 1.0
# The customer opens a leaf category (sub_category_id), narrows the price to 100.00-500.00 (40% of the
# 5.00-1,005.00 range) and sorts by price, or by newest.
LISTINGS = {
    "sub-category+price, low_to_high": {"sub_category_id": "@leaf", "min_price": 100, "max_price": 500,
                                        "sort_type": "low_to_high"},
    "sub-category+price, newest": {"sub_category_id": "@leaf", "min_price": 100, "max_price": 500,
                                   "sort_type": "newest"},
}
# The customer types a product type, as a shopper would ("travel mug"); ranked by relevance.
SEARCHES = {"search, a product type": {"search": "@type"}}
# Broader listings, measured for information (not targets): the whole marketplace newest first (its total
# comes from the per-shop counts), and a department (a top-level category, 5% of the catalog) priced
# 100.00-500.00 cheapest first, whose matches all have to be read to be counted.
BROAD = {
    "all products, newest": {"sort_type": "newest"},
    "department+price, low_to_high": {"category_id": "@department", "min_price": 100, "max_price": 500,
                                      "sort_type": "low_to_high"},
}
LISTING_LEAF, SEARCH_LEAF = 3, 8


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# -- the throw-away database and platform ------------------------------------------


def create_database() -> tuple[str, str]:
    name = f"qutecat_bench_{secrets.token_hex(4)}"
    conn = psycopg2.connect(ADMIN_URL)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return name, urlunparse(urlparse(ADMIN_URL)._replace(path=f"/{name}"))


def drop_database(name: str) -> None:
    try:
        db.database.obj.close_all()
    except Exception:  # noqa: BLE001  (the pool may never have opened)
        pass
    conn = psycopg2.connect(ADMIN_URL)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


def redis_available(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def start_platform(url: str, with_redis: bool):
    os.environ["DATABASE_URL"] = url
    if with_redis:
        os.environ["REDIS_URL"] = REDIS_URL
    else:
        os.environ.pop("REDIS_URL", None)
    platform = boot()
    migrations.migrate(platform.host, echo=lambda _m: None)
    seeding.run(platform.host, phases=("essential",), echo=lambda _m: None)
    return platform


def owner_sql(statements) -> None:
    """Run statements as the owning role (no row-level security), each in its own implicit transaction.

    A statement is SQL, or ``(sql, params)`` when it takes parameters.
    """
    with db.as_owner():
        cursor = db.database.obj.cursor()
        for statement in statements:
            sql, params = statement if isinstance(statement, tuple) else (statement, None)
            cursor.execute(sql, params)


# -- the generated catalog -------------------------------------------------------------


def seed_reference_data() -> None:
    """Departments (top-level categories), brands, colours, sizes and units, once; leaves grow with the catalog."""
    owner_sql([
        f"INSERT INTO category (name, slug, parent_id, sort_order, is_active, created_at) "
        f"SELECT 'Department ' || g, 'bench-category-' || g, NULL, g, true, now() "
        f"FROM generate_series(1, {TOP_CATEGORIES}) g",
        f"INSERT INTO brand (name, slug, is_active) SELECT 'Brand ' || g, 'bench-brand-' || g, true "
        f"FROM generate_series(1, {BRANDS}) g",
        f"INSERT INTO color (name, color_code) SELECT 'Bench colour ' || g, '#' || lpad(to_hex(g * 524287 % 16777216), 6, '0') "
        f"FROM generate_series(1, {COLORS}) g",
        ("INSERT INTO size (name, sort_order) SELECT s, o FROM unnest(%s::text[]) WITH ORDINALITY AS t(s, o) "
         "ON CONFLICT DO NOTHING", (list(SIZES),)),
        "INSERT INTO unit (name) VALUES ('piece') ON CONFLICT DO NOTHING",
    ])


def leaf_count(products: int) -> int:
    return max(TOP_CATEGORIES, round(LEAVES_PER_SQRT_PRODUCT * math.sqrt(products)))


def grow_leaves(count: int) -> None:
    """Leaf categories up to ``count``, each under a department and named after the product type it sells.

    Leaf ``k`` sells ``USES[k % 40] + " " + NOUNS[(k + k // 40) % 30]`` (no two of the first 1,200 alike)
    and hangs under department ``k % 20``.
    """
    types = f"ARRAY{list(USES)!r}::text[], ARRAY{list(NOUNS)!r}::text[]"
    owner_sql([
        f"INSERT INTO category (name, slug, parent_id, sort_order, is_active, created_at) "
        f"SELECT initcap(u[1 + k % cardinality(u)]) || ' ' || n[1 + (k + k / cardinality(u)) % cardinality(n)], "
        f"'bench-leaf-' || k, d.id, k, true, now() "
        f"FROM generate_series((SELECT count(*) FROM category WHERE slug LIKE 'bench-leaf-%'), {count - 1}) k "
        f"CROSS JOIN (SELECT {types}) AS v(u, n) "
        f"JOIN category d ON d.slug = 'bench-category-' || (1 + k % {TOP_CATEGORIES})",
    ])


def create_shops(first: int, count: int) -> None:
    """Shops as the platform makes them (``tenancy.create``, one transaction), then their storefront profiles."""
    plans = {p.slug: p for p in Plan.select().where(Plan.slug.in_(SHOP_PLANS))}
    with db.transaction():
        for number in range(first, first + count):
            tenancy.create(f"Bench Shop {number}", f"bench-shop-{number}", plans[SHOP_PLANS[number % len(SHOP_PLANS)]],
                           None)
    owner_sql([
        "INSERT INTO shop_profile (tenant_id, logo, banner, short_description, description, address, phone, "
        "opening_time, closing_time, off_days, delivery_charge, estimated_delivery_time, min_order_amount, prefix, "
        "rating, review_count, is_published, updated_at) "
        "SELECT t.id, NULL, NULL, 'A bench shop', '', 'Dhaka', '01700000000', '09:00', '21:00', '[]', 6000, "
        "'2-3 days', 0, '', 4.2, 10, true, now() FROM tenant t "
        "WHERE t.slug LIKE 'bench-shop-%' AND NOT EXISTS (SELECT 1 FROM shop_profile p WHERE p.tenant_id = t.id)",
    ])


def generate_products(first: int, last: int) -> None:
    """Products ``first..last`` spread over the bench shops and leaves, with variants, links and flash offers.

    Values come from ``setseed`` + ``random()``, so two runs build the same catalog.
    A product is named "<adjective> <material> <type of its leaf>" ("classic
    leather travel mug"). About 30% carry a real discount, 1 in 500 sits in the
    running flash sale, 30% come in colours and sizes and 20% are linked to a
    second leaf.
    """
    words = f"ARRAY{list(ADJECTIVES)!r}::text[], ARRAY{list(MATERIALS)!r}::text[]"
    owner_sql([
        f"SELECT setseed({first % 997} / 997.0)",
        "CREATE TEMP TABLE IF NOT EXISTS bench_ids AS SELECT 1 AS n, 1 AS id WITH NO DATA",
        "TRUNCATE bench_ids",
        "INSERT INTO bench_ids SELECT row_number() OVER (ORDER BY id), id FROM tenant WHERE slug LIKE 'bench-shop-%'",
        "CREATE TEMP TABLE IF NOT EXISTS bench_leaves AS SELECT 1 AS n, 1 AS id, '' AS words WITH NO DATA",
        "TRUNCATE bench_leaves",
        "INSERT INTO bench_leaves SELECT sort_order, id, lower(name) FROM category WHERE slug LIKE 'bench-leaf-%'",
        f"""
        INSERT INTO product (tenant_id, name, slug, code, short_description, description, category_id, brand_id,
            unit_id, price, discount_price, buy_price, vat_percent, quantity, min_order_quantity, thumbnail, video,
            video_type, is_digital, is_active, is_approved, sold_count, view_count, rating, review_count, meta_title,
            meta_description, created_at, updated_at)
        SELECT s.id, w.adjective || ' ' || w.material || ' ' || c.words, 'bench-' || g, 'B' || g, w.blurb, '', c.id,
            (SELECT min(id) FROM brand) + (g * 7919) % {BRANDS}, NULL, r.price,
            CASE WHEN r.x < 0.3 THEN r.price * 8 / 10 ELSE 0 END, r.price / 2, 0, 100, 1, NULL, NULL, NULL, false,
            r.x2 >= 0.02, r.x3 >= 0.01, (r.x * 500)::int, 0, round((1 + r.x2 * 4)::numeric, 1)::float,
            (r.x3 * 200)::int, '', '', now() - r.x4 * interval '365 days', now()
        FROM generate_series({first}::bigint, {last}) g
        CROSS JOIN LATERAL (SELECT random() AS x, random() AS x2, random() AS x3, random() AS x4,
                                   500 + (random() * 100000)::int AS price, g AS salt) r
        CROSS JOIN LATERAL (SELECT a[1 + (g * 31) % cardinality(a)] AS adjective,
                                   m[1 + (g / 7 * 13) % cardinality(m)] AS material,
                                   'Made of ' || m[1 + (g * 11) % cardinality(m)] || ', a ' || a[1 + (g / 3) % cardinality(a)]
                                   || ' pick' AS blurb
                            FROM (SELECT {words}) AS v(a, m)) w
        JOIN bench_ids s ON s.n = 1 + g % (SELECT count(*) FROM bench_ids)
        JOIN bench_leaves c ON c.n = (g * 104729) % (SELECT count(*) FROM bench_leaves)
        """,
        f"INSERT INTO product_color (tenant_id, product_id, color_id, extra_price) "
        f"SELECT p.tenant_id, p.id, (SELECT min(id) FROM color) + (p.id * k) % {COLORS}, 100 * k "
        f"FROM product p CROSS JOIN generate_series(1, 2) k "
        f"WHERE p.slug LIKE 'bench-%' AND p.id BETWEEN {first} AND {last} AND p.id % 10 < 3 ON CONFLICT DO NOTHING",
        f"INSERT INTO product_size (tenant_id, product_id, size_id, extra_price) "
        f"SELECT p.tenant_id, p.id, s.id, 0 FROM product p JOIN size s ON s.sort_order BETWEEN 2 AND 4 "
        f"WHERE p.id BETWEEN {first} AND {last} AND p.id % 10 BETWEEN 3 AND 5 ON CONFLICT DO NOTHING",
        f"INSERT INTO product_category (tenant_id, product_id, category_id) "
        f"SELECT p.tenant_id, p.id, c.id FROM product p JOIN bench_leaves c "
        f"ON c.n = (p.id / 5 * 7919) % (SELECT count(*) FROM bench_leaves) "
        f"WHERE p.id BETWEEN {first} AND {last} AND p.id % 5 = 0 AND c.id <> p.category_id ON CONFLICT DO NOTHING",
        "INSERT INTO flash_sale (name, thumbnail, description, start_at, end_at, is_active) "
        "SELECT 'Bench flash sale', NULL, '', now() - interval '1 day', now() + interval '30 days', true "
        "WHERE NOT EXISTS (SELECT 1 FROM flash_sale WHERE name = 'Bench flash sale')",
        f"INSERT INTO flash_sale_product (tenant_id, flash_sale_id, product_id, price, quantity, sold) "
        f"SELECT p.tenant_id, f.id, p.id, p.price * 6 / 10, 50, (p.id % 60) FROM product p "
        f"JOIN flash_sale f ON f.name = 'Bench flash sale' "
        f"WHERE p.id BETWEEN {first} AND {last} AND p.id % 500 = 7",
    ])


def grow_catalog(size: int, have: int) -> float:
    """Grow the catalog to ``size`` products (shops alongside), vacuum and analyse; returns the seconds taken."""
    started = time.perf_counter()
    shops_have = max(1, have // PRODUCTS_PER_SHOP) if have else 0
    shops_need = max(1, size // PRODUCTS_PER_SHOP)
    if shops_need > shops_have:
        create_shops(shops_have + 1, shops_need - shops_have)
    grow_leaves(leaf_count(size))
    step = 250_000
    for first in range(have + 1, size + 1, step):
        generate_products(first, min(size, first + step - 1))
        log(f"  products {min(size, first + step - 1):,} / {size:,}")
    vacuum_analyze()
    return time.perf_counter() - started


def vacuum_analyze() -> None:
    conn = psycopg2.connect(os.environ["DATABASE_URL"])
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    conn.close()


def postgres_settings() -> dict:
    """The server settings the timings depend on most."""
    with db.as_owner():
        return dict(db.database.obj.execute_sql(
            "SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
            "('server_version', 'shared_buffers', 'work_mem', 'effective_cache_size', 'jit', "
            "'max_parallel_workers_per_gather')").fetchall())


def product_count() -> int:
    with db.as_owner():
        return db.database.obj.execute_sql("SELECT count(*) FROM product").fetchone()[0]


def bench_subjects() -> dict:
    """What the benchmarked requests name: the listed leaf's id, the searched leaf's product type, and the
    listed leaf's department."""
    with db.as_owner():
        rows = {order: (leaf, name, parent) for order, leaf, name, parent in db.database.obj.execute_sql(
            "SELECT sort_order, id, lower(name), parent_id FROM category WHERE slug IN (%s, %s)",
            (f"bench-leaf-{LISTING_LEAF}", f"bench-leaf-{SEARCH_LEAF}"))}
    return {"@leaf": rows[LISTING_LEAF][0], "@type": rows[SEARCH_LEAF][1], "@department": rows[LISTING_LEAF][2]}


def leaf_categories() -> int:
    with db.as_owner():
        return db.database.obj.execute_sql("SELECT count(*) FROM category WHERE slug LIKE %s",
                                           ("bench-leaf-%",)).fetchone()[0]


# -- calling and timing ---------------------------------------------------------------


def resolved(params: dict, subjects: dict) -> dict:
    return {k: subjects.get(v, v) if isinstance(v, str) else v for k, v in params.items()}


def query_string(params: dict, subjects: dict) -> str:
    return urlencode({"page": 1, "per_page": 20, **resolved(params, subjects)})


def wsgi_caller(app, host: str, path: str, query: str):
    """A zero-argument function that runs one GET through ``app`` as a WSGI server would."""
    environ = {"PATH_INFO": path, "QUERY_STRING": query, "HTTP_HOST": host, "SERVER_NAME": host,
               "REQUEST_METHOD": "GET", "HTTP_ACCEPT": "application/json"}
    setup_testing_defaults(environ)
    result = {}

    def start_response(status, headers, exc_info=None):
        result["status"] = status

    def call():
        body = b"".join(app(dict(environ), start_response))
        return result["status"], body

    return call


def sample_ms(call, calls: int) -> list[float]:
    timings = []
    for _ in range(calls):
        start = time.perf_counter_ns()
        call()
        timings.append((time.perf_counter_ns() - start) / 1e6)
    return timings


def interleaved_p50(fns: dict, rounds: int, calls: int) -> dict:
    """Median per-call milliseconds, the contenders alternating round by round so drift hits them alike."""
    samples = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            samples[name].extend(sample_ms(fn, calls))
    return {name: statistics.median(values) for name, values in samples.items()}


class SqlCapture(logging.Handler):
    """Collects the ``(sql, params)`` peewee logs for each statement it sends."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.statements = []

    def emit(self, record):
        if isinstance(record.msg, tuple) and len(record.msg) == 2:
            self.statements.append(record.msg)


def captured_sql(call) -> list[tuple[str, tuple]]:
    logger = logging.getLogger("peewee")
    capture, level, propagate = SqlCapture(), logger.level, logger.propagate
    logger.addHandler(capture)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        call()
    finally:
        logger.removeHandler(capture)
        logger.setLevel(level)
        logger.propagate = propagate
    return capture.statements


class ReplaySql:
    """Bare handler: the platform's statements on a raw connection, then the platform's JSON."""

    def __init__(self, conn, statements, body):
        self.conn, self.statements, self.body = conn, statements, body

    def on_get(self, req, resp):
        with self.conn.cursor() as cur:
            for sql, params in self.statements:
                cur.execute(sql, params)
                cur.fetchall()
        resp.media = self.body


def raw_connection():
    conn = psycopg2.connect(os.environ["DATABASE_URL"])
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"SET ROLE {db.APP_ROLE}")
    return conn


def bench_route(platform, subjects: dict, name: str, params: dict, rounds: int, calls: int) -> dict:
    query = query_string(params, subjects)
    full = wsgi_caller(platform.app, BASE_DOMAIN, "/api/products", query)
    status, body = full()
    assert status.startswith("200"), (status, body[:500])
    statements = captured_sql(full)
    conn = raw_connection()
    bare_app = falcon.App()
    bare_app.add_route("/api/products", ReplaySql(conn, statements, json.loads(body)))
    bare = wsgi_caller(bare_app, BASE_DOMAIN, "/api/products", query)
    assert bare() == (status, body), "the bare app must answer the same bytes"
    sample_ms(full, 20)
    sample_ms(bare, 20)
    p50 = interleaved_p50({"platform": full, "bare": bare}, rounds, calls)
    conn.close()
    return {
        "request": f"GET /api/products?{query}", "name": name,
        "platform_p50_ms": round(p50["platform"], 3), "bare_p50_ms": round(p50["bare"], 3),
        "ratio": round(p50["bare"] / p50["platform"], 3), "target": ROUTE_TARGET,
        "statements": len(statements), "total": json.loads(body)["data"]["total"],
        "sql": [sql for sql, _ in statements],
    }


def bench_reads(platform, subjects: dict, requests: dict, rounds: int, calls: int) -> dict:
    """p50 of each listing and search through the platform, and the total it answered."""
    callers, totals = {}, {}
    for name, params in requests.items():
        call = wsgi_caller(platform.app, BASE_DOMAIN, "/api/products", query_string(params, subjects))
        status, body = call()
        assert status.startswith("200"), (name, status, body[:500])
        totals[name] = json.loads(body)["data"]["total"]
        sample_ms(call, 10)
        callers[name] = call
    p50 = interleaved_p50(callers, rounds, calls)
    return {name: {"p50_ms": round(p50[name], 3), "total": totals[name]} for name in callers}


def explain(platform, subjects: dict) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of every statement of each benchmarked request, as the application role."""
    plans = {}
    conn = raw_connection()
    for name, params in {**LISTINGS, **SEARCHES, **BROAD}.items():
        call = wsgi_caller(platform.app, BASE_DOMAIN, "/api/products", query_string(params, subjects))
        statements = captured_sql(call)
        out = []
        with conn.cursor() as cur:
            for sql, params_ in statements:
                analysed = sql if sql.startswith("EXPLAIN") else "EXPLAIN (ANALYZE, BUFFERS) " + sql
                cur.execute(analysed, params_)
                out.append(sql + "\n" + "\n".join(str(row[0]) for row in cur.fetchall()))
        plans[name] = out
    conn.close()
    return plans


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10_000, help="products in the first catalog")
    parser.add_argument("--large", type=int, default=1_000_000, help="products in the grown catalog")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per comparison")
    parser.add_argument("--calls", type=int, default=30, help="timed calls per contender per round")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN (ANALYZE, BUFFERS) at each size")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "catalog_results.json"))
    args = parser.parse_args()

    name, url = create_database()
    with_redis = redis_available(REDIS_URL)
    log(f"database {name}; redis {'at ' + REDIS_URL if with_redis else 'not reachable, running without'}")
    try:
        platform = start_platform(url, with_redis)
        if with_redis:
            redis.Redis.from_url(REDIS_URL).delete("qutecat:state_version")
        seed_reference_data()
        subjects = None
        results = {"database": "PostgreSQL", "redis": with_redis, "python": sys.version.split()[0],
                   "falcon": falcon.__version__, "postgres_settings": postgres_settings(), "sizes": {}}
        have = 0
        for size in (args.small, args.large):
            log(f"generating {size:,} products")
            seconds = grow_catalog(size, have)
            have = product_count()
            subjects = subjects or bench_subjects()
            log(f"catalog at {have:,} products ({seconds:.0f} s)")
            with context.use(tenant=None):
                log("platform against bare handler")
                route = [bench_route(platform, subjects, n, p, args.rounds, args.calls) for n, p in LISTINGS.items()]
                log("listing and search p50")
                entry = {"products": have, "shops": max(1, size // PRODUCTS_PER_SHOP),
                         "leaf_categories": leaf_categories(), "generate_seconds": round(seconds, 1),
                         "route": route,
                         "reads": bench_reads(platform, subjects, {**LISTINGS, **SEARCHES}, args.rounds, args.calls),
                         "broad": bench_reads(platform, subjects, BROAD, args.rounds, args.calls)}
                if args.explain:
                    entry["plans"] = explain(platform, subjects)
                    for label, plans in entry["plans"].items():
                        print(f"\n=== {label} at {have:,} products ===")
                        print("\n\n".join(plans))
            results["sizes"][str(size)] = entry
        small, large = (results["sizes"][str(s)] for s in (args.small, args.large))
        growth = {n: round(large["reads"][n]["p50_ms"] / small["reads"][n]["p50_ms"], 3) for n in small["reads"]}
        results["growth"] = growth
        results["broad_growth"] = {n: round(large["broad"][n]["p50_ms"] / small["broad"][n]["p50_ms"], 3)
                                   for n in small["broad"]}
        results["requests"] = {n: "GET /api/products?" + query_string(p, subjects)
                               for n, p in {**LISTINGS, **SEARCHES, **BROAD}.items()}
        results["checks"] = {
            "route_ratio_ok": all(r["ratio"] >= ROUTE_TARGET for r in small["route"]),
            "growth_ok": all(g <= GROWTH_TARGET for g in growth.values()),
        }
    finally:
        drop_database(name)
        log(f"dropped {name}")

    print(f"\n{'GET /api/products (marketplace, 20 per page)':<52}{'platform ms':>12}{'bare ms':>10}{'ratio':>8}  target")
    for size, entry in results["sizes"].items():
        for r in entry["route"]:
            print(f"{r['name'] + f' @ {int(size):,}':<52}{r['platform_p50_ms']:>12.2f}{r['bare_p50_ms']:>10.2f}"
                  f"{r['ratio']:>8.3f}  >= {ROUTE_TARGET} (bare/platform)")
    print(f"\n{'p50 through the platform':<34}" + "".join(f"{int(s):>14,}" for s in results["sizes"]) + f"{'growth':>9}  target")
    for label in growth:
        row = "".join(f"{e['reads'][label]['p50_ms']:>11.2f} ms" for e in results["sizes"].values())
        print(f"{label:<34}{row}{growth[label]:>9.3f}  <= {GROWTH_TARGET}")
    for label in results["broad_growth"]:
        row = "".join(f"{e['broad'][label]['p50_ms']:>11.2f} ms" for e in results["sizes"].values())
        print(f"{label:<34}{row}{results['broad_growth'][label]:>9.3f}  (information)")
    print("matches: " + "; ".join(
        f"{label}: " + " -> ".join(f"{e['reads'][label]['total']:,}" for e in results["sizes"].values())
        for label in growth))
    print("checks: " + ", ".join(f"{n}={'yes' if ok else 'NO'}" for n, ok in results["checks"].items()))
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"results written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
