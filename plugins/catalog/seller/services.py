"""A seller's products: listing, creating within the plan's limit, editing, deleting, status.

Every function works on the seller's own shop (the tenant in context), so
``Product.select()`` never sees another shop's rows: their ids are 404s.
Creating takes one unit of the plan's ``products`` metric inside the product's
transaction; deleting gives it back. Stored images count against the shop's
storage allowance (``kernel.uploads``).
"""

import secrets

import peewee
from slugify import slugify

from kernel import db, plans, uploads
from kernel.orm import utcnow
from plugins.catalog import money
from plugins.catalog.models import (
    Brand, Category, Color, Product, ProductCategory, ProductColor, ProductImage, ProductSize, Size, Unit,
)
from plugins.catalog.payloads import image_url
from plugins.catalog.seller import media

PRODUCTS_METRIC = "products"
SCALAR_FIELDS = (
    "name", "code", "short_description", "description", "min_order_quantity", "quantity",
    "meta_title", "meta_description", "is_active", "is_digital",
)
MONEY_FIELDS = ("price", "discount_price", "buy_price")


class ProductInvalid(Exception):
    """Input that passed the schema but not the catalog's rules: ``errors`` is ``{field: [message]}``."""

    def __init__(self, errors: dict):
        super().__init__(errors)
        self.errors = errors


# -- reading -------------------------------------------------------------------


def find(product_id: int) -> Product | None:
    """The shop's product with this id, or None (another shop's product is None too)."""
    return Product.select().where(Product.id == product_id).first()


def list_query(filters: dict):
    """The shop's products matching the seller's filters, newest first."""
    query = Product.select().order_by(Product.id.desc())
    if filters.get("search"):
        term = filters["search"]
        query = query.where(Product.name.contains(term) | Product.code.contains(term))
    if filters.get("category"):
        query = query.where(Product.category == filters["category"])
    if filters.get("brand"):
        query = query.where(Product.brand == filters["brand"])
    if filters.get("color"):
        coloured = ProductColor.select(ProductColor.product).where(ProductColor.color == filters["color"])
        query = query.where(Product.id.in_(coloured))
    if filters.get("status"):
        query = query.where(Product.is_active == (filters["status"] == "active"))
    return query


def rows(products) -> list[dict]:
    """List rows for a page of products (two extra queries, whatever the page size)."""
    products = list(products)
    brands = _names(Brand, {p.brand_id for p in products if p.brand_id})
    categories = _names(Category, {p.category_id for p in products})
    return [_row(p, brands.get(p.brand_id), categories.get(p.category_id)) for p in products]


def _names(model, ids) -> dict[int, str]:
    if not ids:
        return {}
    return {row.id: row.name for row in model.select(model.id, model.name).where(model.id.in_(list(ids)))}


def _row(product: Product, brand: str | None, category: str | None) -> dict:
    return {
        "id": product.id,
        "name": product.name,
        "code": product.code,
        "thumbnail": image_url(product.thumbnail),
        "price": money.to_float(product.price),
        "discount_price": money.to_float(product.discount_price),
        "quantity": product.quantity,
        "brand": brand,
        "category": category,
        "is_active": bool(product.is_active),
        "is_approved": bool(product.is_approved),
        "created_at": product.created_at.isoformat(sep=" ", timespec="seconds"),
    }


def detail(product: Product) -> dict:
    """The product as the seller edits it, with its variants and gallery."""
    brand = Brand.get_or_none(Brand.id == product.brand_id) if product.brand_id else None
    unit = Unit.get_or_none(Unit.id == product.unit_id) if product.unit_id else None
    category = Category.get_by_id(product.category_id)
    subs = (
        Category.select(Category.id, Category.name).join(ProductCategory, on=(ProductCategory.category == Category.id))
        .where(ProductCategory.product == product.id).order_by(Category.id)
    )
    colors = (
        ProductColor.select(ProductColor, Color).join(Color)
        .where(ProductColor.product == product.id).order_by(ProductColor.id)
    )
    sizes = (
        ProductSize.select(ProductSize, Size).join(Size)
        .where(ProductSize.product == product.id).order_by(Size.sort_order, Size.id)
    )
    images = ProductImage.select().where(ProductImage.product == product.id).order_by(ProductImage.sort_order, ProductImage.id)
    return {
        **_row(product, brand.name if brand else None, category.name),
        "brand": {"id": brand.id, "name": brand.name} if brand else None,
        "category": {"id": category.id, "name": category.name},
        "unit": {"id": unit.id, "name": unit.name} if unit else None,
        "sub_categories": [{"id": c.id, "name": c.name} for c in subs],
        "colors": [
            {
                "id": row.color.id, "name": row.color.name, "color_code": row.color.color_code,
                "price": money.to_float(row.extra_price),
            }
            for row in colors
        ],
        "sizes": [{"id": row.size.id, "name": row.size.name, "price": money.to_float(row.extra_price)} for row in sizes],
        "additional_thumbnail": [{"id": image.id, "thumbnail": image_url(image.key)} for image in images],
        "video": media.video_url(product),
        "short_description": product.short_description,
        "description": product.description,
        "buy_price": money.to_float(product.buy_price),
        "min_order_quantity": product.min_order_quantity,
        "meta_title": product.meta_title,
        "meta_description": product.meta_description,
        "is_digital": bool(product.is_digital),
        "updated_at": product.updated_at.isoformat(sep=" ", timespec="seconds"),
    }


def create_data() -> dict:
    """The choices a product form offers: categories with sub-categories, sizes, colours, brands, units."""
    categories = list(Category.select().where(Category.is_active == True).order_by(Category.sort_order, Category.id))  # noqa: E712
    brands = Brand.select().where(Brand.is_active == True).order_by(Brand.name)  # noqa: E712
    children: dict[int, list] = {}
    for category in categories:
        if category.parent_id:
            children.setdefault(category.parent_id, []).append({"id": category.id, "name": category.name})
    return {
        "categories": [
            {"id": c.id, "name": c.name, "sub_categories": children.get(c.id, [])} for c in categories if not c.parent_id
        ],
        "sizes": [{"id": s.id, "name": s.name} for s in Size.select().order_by(Size.sort_order, Size.id)],
        "colors": [{"id": c.id, "name": c.name, "color_code": c.color_code} for c in Color.select().order_by(Color.id)],
        "brands": [{"id": b.id, "name": b.name} for b in brands],
        "units": [{"id": u.id, "name": u.name} for u in Unit.select().order_by(Unit.id)],
    }


# -- writing -------------------------------------------------------------------


def _check_references(fields: dict) -> None:
    """Refuse ids of categories, brands, units, colours and sizes that do not exist."""
    errors = {}
    if "category" in fields:
        category = Category.get_or_none(Category.id == fields["category"])
        if category is None or category.parent_id is not None:
            errors["category"] = ["The selected category is invalid."]
    if fields.get("sub_category"):
        wanted = set(fields["sub_category"])
        subs = Category.select(Category.id).where(Category.id.in_(list(wanted)) & Category.parent.is_null(False))
        found = {c.id for c in subs}
        if wanted - found:
            errors["sub_category"] = ["The selected sub category is invalid."]
    for name, model in (("brand", Brand), ("unit", Unit)):
        if fields.get(name) is not None and not model.select().where(model.id == fields[name]).exists():
            errors[name] = [f"The selected {name} is invalid."]
    for name, model in (("color", Color), ("size", Size)):
        wanted = {choice["id"] for choice in fields.get(name) or ()}
        if wanted and len(wanted) != model.select().where(model.id.in_(list(wanted))).count():
            errors[name] = [f"The selected {name} is invalid."]
    if errors:
        raise ProductInvalid(errors)


def _code_taken(code: str, except_id: int | None = None) -> bool:
    query = Product.select().where(Product.code == code)
    if except_id is not None:
        query = query.where(Product.id != except_id)
    return query.exists()


def _columns(fields: dict) -> dict:
    columns = {name: fields[name] for name in SCALAR_FIELDS if name in fields}
    columns.update({name: money.to_minor(fields[name]) for name in MONEY_FIELDS if name in fields})
    for name in ("category", "brand", "unit"):
        if name in fields:
            columns[name] = fields[name]
    if "name" in fields:
        columns["slug"] = f"{slugify(fields['name'])[:200] or 'product'}-{secrets.token_hex(3)}"
    return columns


def _replace_variants(product_id: int, fields: dict) -> None:
    if "sub_category" in fields:
        ProductCategory.delete().where(ProductCategory.product == product_id).execute()
        rows = [{"product": product_id, "category": c} for c in dict.fromkeys(fields["sub_category"])]
        if rows:
            ProductCategory.insert_many(rows).execute()
    for name, model, column in (("color", ProductColor, "color"), ("size", ProductSize, "size")):
        if name not in fields:
            continue
        model.delete().where(model.product == product_id).execute()
        choices = {choice["id"]: choice["price"] for choice in fields[name]}
        rows = [{"product": product_id, column: cid, "extra_price": money.to_minor(price)} for cid, price in choices.items()]
        if rows:
            model.insert_many(rows).execute()


def _code_conflict() -> ProductInvalid:
    return ProductInvalid({"code": ["The code has already been taken."]})


def create(shop_id: int, fields: dict, files: media.ProductFiles) -> Product:
    """Create a product, taking one ``products`` unit of the plan (403 body via ``LimitExceeded``).

    The limit, the code's uniqueness and the stored images all commit or roll
    back together; images stored for a rolled-back product are removed.
    """
    _check_references(fields)
    if _code_taken(fields["code"]):
        raise _code_conflict()
    stored: list[str] = []
    try:
        with db.transaction():
            plans.take(shop_id, PRODUCTS_METRIC)
            product = Product.create(**_columns(fields))
            _replace_variants(product.id, fields)
            media.attach(product, files, shop_id, stored)
    except peewee.IntegrityError:
        uploads.remove_now(stored)
        raise _code_conflict() from None
    except BaseException:
        uploads.remove_now(stored)
        raise
    return product


def update(product: Product, fields: dict, files: media.ProductFiles) -> Product:
    """Change a product; only the fields given change (``previousThumbnail`` keeps those images)."""
    _check_references(fields)
    if "code" in fields and _code_taken(fields["code"], except_id=product.id):
        raise _code_conflict()
    price = money.to_minor(fields["price"]) if "price" in fields else product.price
    discount = money.to_minor(fields["discount_price"]) if "discount_price" in fields else product.discount_price
    if discount and discount >= price:
        raise ProductInvalid({"discount_price": ["The discount price must be lower than the price."]})
    stored: list[str] = []
    try:
        with db.transaction():
            columns = _columns(fields)
            columns["updated_at"] = utcnow()
            Product.update(**columns).where(Product.id == product.id).execute()
            _replace_variants(product.id, fields)
            if "previousThumbnail" in fields:
                media.keep_only(product, set(fields["previousThumbnail"]), product.tenant_id)
            media.attach(product, files, product.tenant_id, stored)
    except peewee.IntegrityError:
        uploads.remove_now(stored)
        raise _code_conflict() from None
    except BaseException:
        uploads.remove_now(stored)
        raise
    return find(product.id)


def delete(product: Product) -> None:
    """Delete a product with its rows and images, and give its plan slot back."""
    with db.transaction():
        keys = media.keys_of(product)
        deleted = Product.delete().where(Product.id == product.id).execute()
        if deleted:
            plans.release(product.tenant_id, PRODUCTS_METRIC)
            uploads.discard(keys, product.tenant_id)


def set_active(product: Product, is_active: bool) -> Product:
    """Publish or hide a product; an unapproved product cannot be published."""
    if is_active and not product.is_approved:
        raise ProductInvalid({"is_active": ["This product is not approved yet."]})
    with db.transaction():
        Product.update(is_active=is_active, updated_at=utcnow()).where(Product.id == product.id).execute()
    return find(product.id)


def delete_image(product: Product, image_id: int) -> bool:
    """Remove one gallery image of a product; False when it is not this product's."""
    with db.transaction():
        image = ProductImage.select().where((ProductImage.id == image_id) & (ProductImage.product == product.id)).first()
        if image is None:
            return False
        image.delete_instance()
        uploads.discard([image.key], product.tenant_id)
    return True
