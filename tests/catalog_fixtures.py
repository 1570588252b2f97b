"""Factories for catalog tests: reference data, shop profiles, products with variants, flash sales, reviews.

Rows are written straight through the models, each factory in its own
``db.transaction()`` and, for shop-owned rows, as that shop's tenant (which is
what row-level security demands on PostgreSQL). Names are unique per call, so
tests sharing the session database never collide.
"""

import datetime as dt
import secrets

from kernel import context, db, permissions, tokens
from kernel.models import User
from kernel.orm import utcnow
from plugins.catalog.models import (
    Brand, Category, Color, FlashSale, FlashSaleProduct, Product, ProductCategory, ProductColor, ProductImage,
    ProductSize, Review, ShopProfile, Size,
)


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def category(name: str | None = None, parent: Category | None = None, **fields) -> Category:
    name = name or unique("category")
    with db.transaction():
        return Category.create(name=name, slug=unique(name.lower().replace(" ", "-")), parent=parent, **fields)


def brand(name: str | None = None, **fields) -> Brand:
    name = name or unique("brand")
    with db.transaction():
        return Brand.create(name=name, slug=unique(name.lower().replace(" ", "-")), **fields)


def color(name: str | None = None, color_code: str = "#112233") -> Color:
    with db.transaction():
        return Color.create(name=name or unique("color"), color_code=color_code)


def size(name: str | None = None, sort_order: int = 0) -> Size:
    with db.transaction():
        return Size.create(name=name or unique("size"), sort_order=sort_order)


def shop_profile(shop_id: int, **fields) -> ShopProfile:
    """The shop's storefront profile, created once (later calls update the given fields)."""
    with context.use(tenant=shop_id), db.transaction():
        profile = ShopProfile.select().first()
        if profile is None:
            return ShopProfile.create(**fields)
        if fields:
            ShopProfile.update(**fields).execute()
        return ShopProfile.select().first()


def product(shop_id: int, *, category: Category, name: str | None = None, price: int = 1000,
            colors=(), sizes=(), sub_categories=(), images=(), **fields) -> Product:
    """A product of a shop; ``colors``/``sizes`` are models or ``(model, extra_price)`` pairs."""
    name = name or unique("product")
    with context.use(tenant=shop_id), db.transaction():
        created = Product.create(
            name=name, slug=unique("p"), code=unique("c")[:25], category=category, price=price, **fields,
        )
        for item in colors:
            model, extra = item if isinstance(item, tuple) else (item, 0)
            ProductColor.create(product=created, color=model, extra_price=extra)
        for item in sizes:
            model, extra = item if isinstance(item, tuple) else (item, 0)
            ProductSize.create(product=created, size=model, extra_price=extra)
        for sub in sub_categories:
            ProductCategory.create(product=created, category=sub)
        for order, key in enumerate(images):
            ProductImage.create(product=created, key=key, sort_order=order)
    return created


def flash_sale(items, *, start: dt.datetime | None = None, end: dt.datetime | None = None, **fields) -> FlashSale:
    """A flash sale; ``items`` are ``(product, price, quantity)`` or ``(product, price, quantity, sold)``."""
    now = utcnow()
    with db.transaction():
        sale = FlashSale.create(
            name=fields.pop("name", unique("sale")), start_at=start or now - dt.timedelta(hours=1),
            end_at=end or now + dt.timedelta(hours=1), **fields,
        )
    for item in items:
        product_row, price, quantity, *rest = item
        with context.use(tenant=product_row.tenant_id), db.transaction():
            FlashSaleProduct.create(flash_sale=sale, product=product_row, price=price, quantity=quantity,
                                    sold=rest[0] if rest else 0)
    return sale


def review(product_row: Product, user, rating: int, description: str = "", **fields) -> Review:
    """A review written directly (counters untouched: the review routes keep those)."""
    with context.use(tenant=product_row.tenant_id), db.transaction():
        return Review.create(product=product_row, user=user, rating=rating, description=description, **fields)


def customer(name: str | None = None):
    """A fresh customer account and a bearer token for it: ``(user, token)``.

    The account has no usable password (hashing one costs a second per customer):
    these tests only ever use its token.
    """
    handle = unique("buyer")
    with db.transaction():
        user = User.create(name=name or handle, email=f"{handle}@example.com", password_hash="!")
        permissions.assign_role(user, "customer")
    token, _ = tokens.issue(user, name="test")
    return user, token


def update_product(product_row: Product, **fields) -> None:
    """Change a product's columns as its shop (for counters such as ``sold_count`` or flags such as ``is_active``)."""
    with context.use(tenant=product_row.tenant_id), db.transaction():
        Product.update(**fields).where(Product.id == product_row.id).execute()


def shop(api, root_token: str, plan: str = "free"):
    """A new shop on a plan, created through the admin API, with its profile: ``(shop_id, host)``."""
    slug = f"s{secrets.token_hex(4)}"
    response = api.post("/api/admin/shops", token=root_token, json={
        "name": f"Shop {slug}", "slug": slug, "plan": plan,
        "owner": {"name": "Owner", "email": f"{slug}@example.com", "password": "secret123"},
    })
    assert response.status == 201, response
    shop_id = response.json["data"]["shop"]["id"]
    shop_profile(shop_id)
    return shop_id, f"{slug}.qutecat.test"
