"""Catalog tables.

Platform-wide reference data (categories, brands, sizes, colours, units, flash
sales) is shared by every shop. Products and everything hanging off them are
tenant-owned: a shop writes only its own rows, and PostgreSQL lets every
storefront read the published ones. Money is integer minor units.

Reference data a product uses (its category, sub-categories, brand, unit,
colours and sizes) cannot be deleted: the foreign keys RESTRICT, so the
database refuses even where row-level security hides the product from the
administrator deleting the row.
"""

import peewee

from kernel.models import User
from kernel.orm import BaseModel, JSONField, TenantModel, utcnow


class Category(BaseModel):
    """A category; ``parent`` set makes it a sub-category."""

    name = peewee.CharField(max_length=120)
    slug = peewee.CharField(max_length=140, unique=True)
    thumbnail = peewee.CharField(max_length=255, null=True)
    parent = peewee.ForeignKeyField("self", null=True, backref="children", on_delete="CASCADE")
    sort_order = peewee.IntegerField(default=0)
    is_active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=utcnow)


class Brand(BaseModel):
    name = peewee.CharField(max_length=120)
    slug = peewee.CharField(max_length=140, unique=True)
    logo = peewee.CharField(max_length=255, null=True)
    is_active = peewee.BooleanField(default=True)


class Size(BaseModel):
    name = peewee.CharField(max_length=40, unique=True)
    sort_order = peewee.IntegerField(default=0)


class Color(BaseModel):
    name = peewee.CharField(max_length=60, unique=True)
    color_code = peewee.CharField(max_length=9)


class Unit(BaseModel):
    name = peewee.CharField(max_length=40, unique=True)


class ShopProfile(TenantModel):
    """A shop's storefront: what customers see of it (one row per tenant: a unique index, catalog migration 12)."""

    logo = peewee.CharField(max_length=255, null=True)
    banner = peewee.CharField(max_length=255, null=True)
    short_description = peewee.CharField(max_length=255, default="")
    description = peewee.TextField(default="")
    address = peewee.CharField(max_length=255, default="")
    phone = peewee.CharField(max_length=32, default="")
    opening_time = peewee.CharField(max_length=5, default="09:00")
    closing_time = peewee.CharField(max_length=5, default="21:00")
    off_days = JSONField(default=list)
    delivery_charge = peewee.IntegerField(default=0)
    estimated_delivery_time = peewee.CharField(max_length=40, default="2-3 days")
    min_order_amount = peewee.IntegerField(default=0)
    # Two characters that start the shop's order codes ("#RC000042"), chosen by the seller.
    prefix = peewee.CharField(max_length=2, default="")
    rating = peewee.FloatField(default=0.0)
    review_count = peewee.IntegerField(default=0)
    is_published = peewee.BooleanField(default=True)
    updated_at = peewee.DateTimeField(default=utcnow)


class Product(TenantModel):
    """A product of one shop. ``sold_count``, ``rating`` and ``review_count`` are kept current by their writers."""

    name = peewee.CharField(max_length=200)
    slug = peewee.CharField(max_length=220)
    code = peewee.CharField(max_length=25)
    short_description = peewee.CharField(max_length=500, default="")
    description = peewee.TextField(default="")
    category = peewee.ForeignKeyField(Category, backref="products", on_delete="RESTRICT")
    brand = peewee.ForeignKeyField(Brand, null=True, backref="products", on_delete="RESTRICT")
    unit = peewee.ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    price = peewee.IntegerField()
    discount_price = peewee.IntegerField(default=0)
    buy_price = peewee.IntegerField(default=0)
    vat_percent = peewee.FloatField(default=0.0)
    quantity = peewee.IntegerField(default=0)
    min_order_quantity = peewee.IntegerField(default=1)
    thumbnail = peewee.CharField(max_length=255, null=True)
    video = peewee.CharField(max_length=255, null=True)
    video_type = peewee.CharField(max_length=16, null=True)
    is_digital = peewee.BooleanField(default=False)
    is_active = peewee.BooleanField(default=True)
    is_approved = peewee.BooleanField(default=True)
    sold_count = peewee.IntegerField(default=0)
    view_count = peewee.IntegerField(default=0)
    rating = peewee.FloatField(default=0.0)
    review_count = peewee.IntegerField(default=0)
    meta_title = peewee.CharField(max_length=200, default="")
    meta_description = peewee.CharField(max_length=500, default="")
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("tenant_id", "code"), True),
            (("is_active", "is_approved", "created_at"), False),
            (("category", "is_active"), False),
            (("brand", "is_active"), False),
            (("tenant_id", "is_active", "created_at"), False),
            (("sold_count",), False),
            (("rating",), False),
        )


class ProductCategory(TenantModel):
    """A product's sub-categories (its main category is ``Product.category``)."""

    product = peewee.ForeignKeyField(Product, backref="sub_categories", on_delete="CASCADE")
    category = peewee.ForeignKeyField(Category, on_delete="RESTRICT")

    class Meta:
        indexes = ((("product", "category"), True), (("category",), False))


class ProductImage(TenantModel):
    """An additional gallery image of a product, in order."""

    product = peewee.ForeignKeyField(Product, backref="images", on_delete="CASCADE")
    key = peewee.CharField(max_length=255)
    sort_order = peewee.IntegerField(default=0)


class ProductColor(TenantModel):
    """A colour a product comes in, with its price add-on."""

    product = peewee.ForeignKeyField(Product, backref="colors", on_delete="CASCADE")
    color = peewee.ForeignKeyField(Color, on_delete="RESTRICT")
    extra_price = peewee.IntegerField(default=0)

    class Meta:
        indexes = ((("product", "color"), True), (("color",), False))


class ProductSize(TenantModel):
    """A size a product comes in, with its price add-on."""

    product = peewee.ForeignKeyField(Product, backref="sizes", on_delete="CASCADE")
    size = peewee.ForeignKeyField(Size, on_delete="RESTRICT")
    extra_price = peewee.IntegerField(default=0)

    class Meta:
        indexes = ((("product", "size"), True), (("size",), False))


class Review(TenantModel):
    """A customer's rating of a product (tenant = the product's shop)."""

    product = peewee.ForeignKeyField(Product, backref="reviews", on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    order_id = peewee.IntegerField(null=True)
    rating = peewee.SmallIntegerField()
    description = peewee.TextField(default="")
    is_visible = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("product", "user"), True), (("tenant_id", "created_at"), False))


class Favorite(BaseModel):
    """A customer's wish-listed product (owned by the customer, across shops)."""

    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    product = peewee.ForeignKeyField(Product, backref="favorites", on_delete="CASCADE")
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "product"), True),)


class FlashSale(BaseModel):
    """A platform-wide timed sale; each product in it has its own price and quantity."""

    name = peewee.CharField(max_length=160)
    thumbnail = peewee.CharField(max_length=255, null=True)
    description = peewee.TextField(default="")
    start_at = peewee.DateTimeField()
    end_at = peewee.DateTimeField()
    is_active = peewee.BooleanField(default=True)

    class Meta:
        indexes = ((("is_active", "start_at", "end_at"), False),)


class FlashSaleProduct(TenantModel):
    """A product's place in a flash sale: the sale price and how many units sell at it."""

    flash_sale = peewee.ForeignKeyField(FlashSale, backref="items", on_delete="CASCADE")
    product = peewee.ForeignKeyField(Product, backref="flash_items", on_delete="CASCADE")
    price = peewee.IntegerField()
    quantity = peewee.IntegerField()
    sold = peewee.IntegerField(default=0)

    class Meta:
        indexes = ((("flash_sale", "product"), True), (("product",), False))


MODELS = [
    Category, Brand, Size, Color, Unit, ShopProfile, Product, ProductCategory, ProductImage,
    ProductColor, ProductSize, Review, Favorite, FlashSale, FlashSaleProduct,
]
