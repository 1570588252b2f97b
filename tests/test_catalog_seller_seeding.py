"""The catalog's demo seed: a browsable marketplace, consistent counters, and a re-run that changes nothing."""

from collections import defaultdict

import os
import sqlite3
import subprocess
import sys

import pytest

from slugify import slugify

from kernel import context, db, seeding, storage
from kernel.models import Plan, Tenant, TenantUsage, User
from kernel.orm import utcnow
from kernel.seeddata import load

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDED_CODES = [str(100000 + c * 100 + p) for c, cat in enumerate(load("demo", "catalog")["categories"])
                for p in range(len(cat["products"]))]
SNAPSHOT_TABLES = (
    "category", "brand", "size", "color", "unit", "shop_profile", "product", "product_category", "product_image",
    "product_color", "product_size", "review", "flash_sale", "flash_sale_product", "tenant", "tenant_usage", "user",
)


def _snapshot() -> dict:
    """Every row of the catalog's tables (read as the owner, so row-level security hides nothing)."""
    with db.as_owner():
        return {
            table: db.database.obj.execute_sql(f'SELECT * FROM "{table}" ORDER BY id').fetchall()
            for table in SNAPSHOT_TABLES
        }


def _media_files() -> set:
    root = storage.backend().root
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def test_a_second_demo_seed_changes_no_row_and_no_file(platform):
    # given
    before, files_before = _snapshot(), _media_files()

    # when
    seeding.run(platform.host, echo=lambda _m: None)

    # then
    after = _snapshot()
    assert {t: len(rows) for t, rows in after.items()} == {t: len(rows) for t, rows in before.items()}
    for table in SNAPSHOT_TABLES:
        assert after[table] == before[table], table
    assert _media_files() == files_before


def test_reference_data_is_seeded(platform):
    from plugins.catalog.models import Brand, Category, Color, Size, Unit

    # given
    data = load("demo", "catalog")
    seeded = [slugify(c["name"]) for c in data["categories"]]

    # then
    parents = list(Category.select().where(Category.slug.in_(seeded) & Category.parent.is_null()))
    assert len(parents) == len(seeded) >= 10
    assert all(Category.select().where(Category.parent == p.id).count() >= 2 for p in parents)
    assert all(storage.backend().exists(c.thumbnail) for c in parents)
    assert Brand.select().where(Brand.name.in_(data["brands"])).count() >= 20
    sizes = [s.name for s in Size.select().order_by(Size.sort_order, Size.id)]
    assert [name for name in sizes if name in data["sizes"]] == ["S", "M", "L", "XL", "XXL"]
    colors = list(Color.select().where(Color.name.in_([name for name, _code in data["colors"]])))
    assert len(colors) >= 20 and all(len(c.color_code) == 7 and c.color_code.startswith("#") for c in colors)
    assert Unit.select().count() >= 5


def test_default_images_exist(platform):
    # then
    for key in ("product.png", "shop-logo.png", "shop-banner.png", "category.png", "avatar.png"):
        assert storage.backend().exists(f"defaults/{key}")


def test_demo_shops_are_on_different_plans_with_profiles_and_products(platform):
    from plugins.catalog.models import Product, ShopProfile

    # given
    shops = list(Tenant.select(Tenant, Plan).join(Plan).where(
        Tenant.slug.in_(["demo", "fresh-corner", "urban-threads", "mega-mart"])))

    # then
    assert len(shops) == 4
    assert {s.plan.slug for s in shops} == {"free", "starter", "growth", "enterprise"}
    assert next(s for s in shops if s.slug == "demo").owner.email == "shop@qutekart.com"
    total = 0
    for shop in shops:
        with context.use(tenant=shop.id):
            profile = ShopProfile.select().get()
            products = list(Product.select().where(Product.code.in_(SEEDED_CODES)))
        assert storage.backend().exists(profile.logo) and storage.backend().exists(profile.banner)
        assert products and all(storage.backend().exists(p.thumbnail) for p in products)
        used = {u.metric: u.used for u in TenantUsage.select().where(TenantUsage.tenant == shop.id)}
        assert used["products"] >= len(products)
        assert used["storage_bytes"] >= sum(storage.backend().size(p.thumbnail) for p in products)
        total += len(products)
    assert total >= 50


def test_ratings_match_the_reviews(platform):
    from plugins.catalog.models import Product, Review

    # given
    for shop in Tenant.select().where(Tenant.slug.in_(["demo", "fresh-corner", "urban-threads", "mega-mart"])):
        with context.use(tenant=shop.id):
            reviews = defaultdict(list)
            for review in Review.select():
                reviews[review.product_id].append(review.rating)
            products = list(Product.select().where(Product.code.in_(SEEDED_CODES)))

        # then
        for product in products:
            ratings = reviews.get(product.id, [])
            assert product.review_count == len(ratings)
            assert product.rating == pytest.approx(sum(ratings) / len(ratings) if ratings else 0.0, abs=0.01)
    reviewer_ids = {r.user_id for r in Review.across_tenants()}
    assert User.get(User.email == "customer@qutekart.com").id in reviewer_ids and len(reviewer_ids) >= 3


def test_a_flash_sale_is_running_with_per_product_quantities(platform):
    from plugins.catalog.models import FlashSale, FlashSaleProduct, Product

    # given
    now = utcnow()
    sale = FlashSale.get(FlashSale.name == "Mega Flash Sale")

    # then
    assert sale.start_at < now < sale.end_at
    items = list(FlashSaleProduct.across_tenants().where(FlashSaleProduct.flash_sale == sale.id))
    assert len(items) >= 10
    prices = {p.id: p for p in Product.across_tenants().where(Product.id.in_([i.product_id for i in items]))}
    for item in items:
        assert 0 <= item.sold < item.quantity
        assert item.price < prices[item.product_id].price


def _cli_seed(var_dir) -> str:
    """Run ``python server.py seed`` on the embedded default (SQLite, local storage) in ``var_dir``."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "QUTECAT_HUEY_IMMEDIATE")}
    env["QUTECAT_VAR_DIR"] = str(var_dir)
    done = subprocess.run([sys.executable, "server.py", "seed"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _rows(path) -> dict:
    with sqlite3.connect(path) as con:
        tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}


def test_the_seed_command_on_a_fresh_var_dir_twice(tmp_path):
    # given
    _cli_seed(tmp_path)
    first = _rows(tmp_path / "qutecat.db")

    # when
    output = _cli_seed(tmp_path)

    # then: nothing changed
    assert "Seeding done." in output
    second = _rows(tmp_path / "qutecat.db")
    assert [t for t in first if first[t] != second[t]] == []

    # and the catalog is whole and its counters are true
    with sqlite3.connect(tmp_path / "qutecat.db") as con:
        plans_by_shop = dict(con.execute(
            "SELECT t.slug, p.slug FROM tenant t JOIN plan p ON p.id = t.plan_id ORDER BY t.id"))
        assert set(plans_by_shop.values()) >= {"free", "starter", "growth", "enterprise"} and len(plans_by_shop) >= 4
        assert con.execute("SELECT count(*) FROM product").fetchone()[0] >= 50
        mismatched_usage = con.execute(
            "SELECT t.slug FROM tenant t LEFT JOIN tenant_usage u ON u.tenant_id = t.id AND u.metric = 'products' "
            "WHERE coalesce(u.used, 0) != (SELECT count(*) FROM product p WHERE p.tenant_id = t.id)").fetchall()
        assert mismatched_usage == []
        wrong_ratings = con.execute(
            "SELECT p.id FROM product p LEFT JOIN (SELECT product_id, avg(rating) AS average, count(*) AS n "
            "FROM review GROUP BY product_id) r ON r.product_id = p.id "
            "WHERE p.review_count != coalesce(r.n, 0) OR abs(p.rating - coalesce(r.average, 0)) > 0.01").fetchall()
        assert wrong_ratings == []
        wrong_shops = con.execute(
            "SELECT s.tenant_id FROM shop_profile s LEFT JOIN (SELECT tenant_id, avg(rating) AS average, count(*) AS n "
            "FROM review GROUP BY tenant_id) r ON r.tenant_id = s.tenant_id "
            "WHERE s.review_count != coalesce(r.n, 0) OR abs(s.rating - coalesce(r.average, 0)) > 0.01").fetchall()
        assert wrong_shops == []
    assert (tmp_path / "media" / "public" / "defaults" / "product.png").is_file()
