"""Catalog seeding: the default images (essential) and a browsable demo marketplace (demo).

Every image is drawn here with Pillow (a coloured square with initials), so
seeding needs no network. Values that look random come from generators seeded
with the product's code, so every run builds the same catalog; a second run
finds everything in place and changes no row.
"""

import datetime as dt
import random
from io import BytesIO

from peewee import fn
from PIL import Image, ImageDraw, ImageFont
from slugify import slugify

from kernel import context, db, plans, storage, uploads
from kernel.models import Tenant, User
from kernel.orm import utcnow
from kernel.seeddata import ensure, load
from kernel.seeding import Seeder
from plugins.accounts.services import create_user
from plugins.catalog import money
from plugins.catalog.models import (
    Brand, Category, Color, FlashSale, FlashSaleProduct, Product, ProductCategory, ProductColor, ProductImage,
    ProductSize, Review, ShopProfile, Size, Unit,
)
from plugins.catalog.seller.services import PRODUCTS_METRIC
from plugins.tenants import services as tenants

DEFAULT_IMAGES = {
    "defaults/product.png": ("No image", "#B0BEC5", (600, 600)),
    "defaults/shop-logo.png": ("Shop", "#455A64", (300, 300)),
    "defaults/shop-banner.png": ("QuteCat", "#263238", (1200, 400)),
    "defaults/category.png": ("Category", "#78909C", (300, 300)),
    "defaults/avatar.png": ("User", "#90A4AE", (300, 300)),
}
DEMO_CUSTOMER = "customer@qutekart.com"
PRODUCT_IMAGE_SIDE = 400
CATEGORY_IMAGE_SIZE = (200, 200)


def _data() -> dict:
    return load("demo", "catalog")


def initials(text: str) -> str:
    words = [w for w in text.replace("&", " ").split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def placeholder_png(label: str, color: str, size: tuple[int, int] = (PRODUCT_IMAGE_SIDE, PRODUCT_IMAGE_SIDE)) -> bytes:
    """A flat PNG of ``color`` with ``label`` centred in white."""
    image = Image.new("RGB", size, color)
    font = ImageFont.load_default(size=max(16, min(size) // (3 if len(label) <= 3 else 7)))
    ImageDraw.Draw(image).text((size[0] / 2, size[1] / 2), label, font=font, fill="white", anchor="mm")
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _store_image(key: str, label: str, color: str, size=(PRODUCT_IMAGE_SIDE, PRODUCT_IMAGE_SIDE), usage=None) -> str:
    """Draw and store an image; a shop's images add their bytes to ``usage``, taken once per shop."""
    upload = uploads.check(placeholder_png(label, color, size), "image")
    if usage is not None:
        usage.append(upload.size)
    return uploads.store(upload, "", None, key=key)


# -- essential -------------------------------------------------------------------


def seed_default_images(ctx) -> None:
    """The images shown wherever a product, shop, category or user has none of its own."""
    backend = storage.backend()
    for key, (label, color, size) in DEFAULT_IMAGES.items():
        if not backend.exists(key):
            backend.put(key, placeholder_png(label, color, size), content_type="image/png")


# -- demo: reference data ----------------------------------------------------------


def seed_reference_data(ctx) -> None:
    """Categories with sub-categories, brands, sizes S-XXL, colours with hex codes, units."""
    data = _data()
    for order, spec in enumerate(data["categories"], start=1):
        slug = slugify(spec["name"])
        parent, created = ensure(Category, {"slug": slug}, {"name": spec["name"], "sort_order": order})
        if created:
            label = initials(spec["name"])
            parent.thumbnail = _store_image(f"demo/categories/{slug}.png", label, spec["color"], CATEGORY_IMAGE_SIZE)
            parent.save()
        for child_order, child in enumerate(spec["children"], start=1):
            child_slug = f"{slug}-{slugify(child)}"
            row, created = ensure(Category, {"slug": child_slug}, {"name": child, "parent": parent, "sort_order": child_order})
            if created:
                key = f"demo/categories/{child_slug}.png"
                row.thumbnail = _store_image(key, initials(child), spec["color"], CATEGORY_IMAGE_SIZE)
                row.save()
    for name in data["brands"]:
        ensure(Brand, {"slug": slugify(name)}, {"name": name})
    for order, name in enumerate(data["sizes"], start=1):
        ensure(Size, {"name": name}, {"sort_order": order})
    for name, code in data["colors"]:
        ensure(Color, {"name": name}, {"color_code": code})
    for name in data["units"]:
        ensure(Unit, {"name": name})


# -- demo: shops -------------------------------------------------------------------


def seed_shops(ctx) -> None:
    """The demo shops on different plans, each with a storefront profile (logo and banner)."""
    for spec in _data()["shops"]:
        shop = Tenant.get_or_none(Tenant.slug == spec["slug"])
        if shop is None:
            owner = dict(spec["owner"], password=ctx.demo_password(spec["owner"]["email"]))
            shop = tenants.create_shop(spec["name"], spec["slug"], spec["plan"], owner)
        _ensure_profile(shop, spec)


def _ensure_profile(shop: Tenant, spec: dict) -> None:
    with context.use(tenant=shop.id):
        profile = ShopProfile.select().first()
        if profile is not None and profile.logo and profile.banner:
            return
        usage: list[int] = []
        logo = _store_image(f"demo/shops/{shop.slug}/logo.png", initials(shop.name), spec["color"], (300, 300), usage)
        banner = _store_image(f"demo/shops/{shop.slug}/banner.png", shop.name, spec["color"], (1200, 400), usage)
        plans.take(shop.id, uploads.STORAGE_METRIC, sum(usage))
        if profile is None:
            ShopProfile.create(
                logo=logo, banner=banner, short_description=spec["description"][:255], description=spec["description"],
                address=spec["address"], delivery_charge=money.to_minor(spec["delivery_charge"]),
                estimated_delivery_time=spec["estimated_delivery_time"],
            )
        else:
            ShopProfile.update(logo=logo, banner=banner).where(ShopProfile.id == profile.id).execute()


# -- demo: products and reviews ------------------------------------------------------


def seed_customers(ctx) -> None:
    """A few customers besides the demo one, so products have several reviewers."""
    for spec in _data()["customers"]:
        if User.get_or_none(User.email == spec["email"]) is None:
            create_user(name=spec["name"], email=spec["email"], phone=spec["phone"],
                        password=ctx.demo_password(spec["email"]), roles=("customer",), verified=True,
                        country="Bangladesh", phone_code="880")


def _product_specs(data: dict):
    """Every demo product as (shop slug, category spec, sub-category names, name, code), in a fixed order."""
    for cat_index, spec in enumerate(data["categories"]):
        for index, name in enumerate(spec["products"]):
            code = str(100000 + cat_index * 100 + index)
            children = [spec["children"][index % len(spec["children"])]]
            yield spec["shop"], spec, children, name, code


def seed_products(ctx) -> None:
    """50+ products across the demo shops with images, variants, discounts and reviews."""
    data = _data()
    reference = _Reference(data)
    emails = [DEMO_CUSTOMER] + [c["email"] for c in data["customers"]]
    reviewers = list(User.select().where(User.email.in_(emails)).order_by(User.id))
    by_shop: dict[str, list] = {}
    for item in _product_specs(data):
        by_shop.setdefault(item[0], []).append(item[1:])
    for slug, items in by_shop.items():
        shop = Tenant.get(Tenant.slug == slug)
        with context.use(tenant=shop.id):
            _seed_shop_products(shop, items, reference, reviewers, data["review_texts"])


class _Reference:
    """Ids of the reference rows the products point at."""

    def __init__(self, data: dict):
        self.categories = {c.slug: c for c in Category.select()}
        self.brands = [b.id for b in Brand.select().order_by(Brand.id)]
        self.colors = [c.id for c in Color.select().order_by(Color.id)]
        self.sizes = [s.id for s in Size.select().order_by(Size.sort_order)]
        self.units = {u.name: u.id for u in Unit.select()}
        self.sized = set(data["sized_categories"])


def _seed_shop_products(shop: Tenant, items: list, ref: _Reference, reviewers: list, texts: list) -> None:
    existing = {p.code for p in Product.select(Product.code)}
    new = [item for item in items if item[3] not in existing]
    if not new:
        return
    plans.take(shop.id, PRODUCTS_METRIC, len(new))
    links = {"categories": [], "colors": [], "sizes": [], "images": [], "reviews": []}
    thumbnails, usage = [], []
    for spec, children, name, code in new:
        rng = random.Random(code)
        product = _create_product(shop, spec, name, code, rng, ref, usage)
        thumbnails.append(product.thumbnail)
        parent_slug = slugify(spec["name"])
        for child in children:
            links["categories"].append({"product": product.id, "category": ref.categories[f"{parent_slug}-{slugify(child)}"].id})
        for color_id in rng.sample(ref.colors, rng.randint(2, 4)):
            links["colors"].append({"product": product.id, "color": color_id, "extra_price": rng.choice((0, 0, 100, 200))})
        if spec["name"] in ref.sized:
            for size_id in ref.sizes:
                extra = 0 if size_id not in ref.sizes[-2:] else 150
                links["sizes"].append({"product": product.id, "size": size_id, "extra_price": extra})
        gallery_key = _store_image(
            f"demo/products/{shop.slug}/{code}-2.png", initials(name), _shade(spec["color"], rng), usage=usage,
        )
        links["images"].append({"product": product.id, "key": gallery_key, "sort_order": 1})
        links["reviews"].extend(_reviews(product, rng, reviewers, texts))
    ProductCategory.insert_many(links["categories"]).execute()
    ProductColor.insert_many(links["colors"]).execute()
    if links["sizes"]:
        ProductSize.insert_many(links["sizes"]).execute()
    ProductImage.insert_many(links["images"]).execute()
    if links["reviews"]:
        Review.insert_many(links["reviews"]).execute()
    plans.take(shop.id, uploads.STORAGE_METRIC, sum(usage))
    _recount_ratings(shop)
    _enqueue_thumbnails(shop.id, thumbnails)


def _shade(color: str, rng: random.Random) -> str:
    """A lighter or darker variant of a hex colour, so a product's images differ."""
    factor = rng.uniform(0.7, 1.2)
    channels = [min(255, int(int(color[i:i + 2], 16) * factor)) for i in (1, 3, 5)]
    return "#" + "".join(f"{c:02X}" for c in channels)


def _create_product(shop: Tenant, spec: dict, name: str, code: str, rng: random.Random, ref: _Reference, usage: list) -> Product:
    price = rng.randint(5, 250) * 100 - rng.choice((0, 1, 51))
    discount = int(price * rng.choice((0.7, 0.8, 0.9))) if rng.random() < 0.4 else 0
    unit = "Pack" if spec["name"] == "Groceries" else ("Pair" if spec["name"] == "Shoes" else "Piece")
    thumbnail = _store_image(f"demo/products/{shop.slug}/{code}-1.png", initials(name), spec["color"], usage=usage)
    return Product.create(
        name=name, slug=f"{slugify(name)}-{code}", code=code,
        short_description=f"{name} from {shop.name}.",
        description=f"<p>{name}: a demo product of {shop.name} in {spec['name']}.</p>",
        category=ref.categories[slugify(spec["name"])].id, brand=rng.choice(ref.brands), unit=ref.units[unit],
        price=price, discount_price=discount, buy_price=int(price * 0.6), quantity=rng.randint(20, 200),
        thumbnail=thumbnail, sold_count=rng.randint(0, 500), view_count=rng.randint(0, 3000),
    )


def _reviews(product: Product, rng: random.Random, reviewers: list, texts: list) -> list[dict]:
    now = utcnow()
    chosen = rng.sample(reviewers, rng.randint(0, len(reviewers)))
    return [
        {"tenant_id": product.tenant_id, "product": product.id, "user": user.id, "rating": rng.choice((3, 4, 4, 5, 5)),
         "description": rng.choice(texts), "created_at": now, "updated_at": now}
        for user in chosen
    ]


def _recount_ratings(shop: Tenant) -> None:
    """Keep the denormalised counters true: product rating and review count, the shop's rating."""
    stats = (
        Review.select(Review.product, fn.AVG(Review.rating).alias("average"), fn.COUNT(Review.id).alias("count"))
        .where(Review.is_visible == True).group_by(Review.product)  # noqa: E712
    )
    for row in stats:
        Product.update(rating=round(float(row.average), 2), review_count=row.count).where(Product.id == row.product_id).execute()
    visible = Review.is_visible == True  # noqa: E712
    total = Review.select(fn.AVG(Review.rating), fn.COUNT(Review.id)).where(visible).tuples().first()
    average, count = total if total else (None, 0)
    ShopProfile.update(rating=round(float(average or 0.0), 2), review_count=count or 0).execute()


def _enqueue_thumbnails(shop_id: int, keys: list[str]) -> None:
    from plugins.catalog import tasks

    for key in keys:
        db.on_commit(lambda key=key: tasks.make_thumbnail(key, tenant_id=shop_id))


# -- demo: flash sale -----------------------------------------------------------------


def seed_flash_sale(ctx) -> None:
    """A running flash sale (started yesterday, ends in a week) with a sale price and quantity per product."""
    spec = _data()["flash_sale"]
    if FlashSale.select().where(FlashSale.name == spec["name"]).exists():
        return
    now = utcnow()
    sale = FlashSale.create(
        name=spec["name"], description=spec["description"], start_at=now - dt.timedelta(days=1), end_at=now + dt.timedelta(days=7),
        thumbnail=_store_image("demo/flash-sales/mega-flash-sale.png", "SALE", spec["color"], (800, 400)),
    )
    for shop in Tenant.select().where(Tenant.slug.in_([s["slug"] for s in _data()["shops"]])):
        with context.use(tenant=shop.id):
            products = list(Product.select().order_by(Product.code))[::3]
            rows = []
            for product in products:
                rng = random.Random(f"flash-{product.code}")
                base = product.discount_price or product.price
                rows.append({"flash_sale": sale.id, "product": product.id, "price": int(base * 0.75),
                             "quantity": rng.randint(20, 60), "sold": rng.randint(0, 15)})
            if rows:
                FlashSaleProduct.insert_many(rows).execute()


SEEDERS = [
    Seeder("essential", "catalog default images", seed_default_images, order=30),
    Seeder("demo", "catalog reference data", seed_reference_data, order=30),
    Seeder("demo", "catalog shops", seed_shops, order=40),
    Seeder("demo", "catalog customers", seed_customers, order=45),
    Seeder("demo", "catalog products", seed_products, order=50),
    Seeder("demo", "catalog flash sale", seed_flash_sale, order=60),
]
