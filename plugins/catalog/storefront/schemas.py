"""Request and response schemas of the storefront routes (FLUTTER_CONTRACT.md sections 3.3, 3.4, 3.7, 3.9)."""

from marshmallow import INCLUDE, Schema, fields, validate

from kernel.http.openapi import MAX_ID
from kernel.http.pagination import PageQuery
from plugins.catalog.browse.schemas import CategoryOut, ProductCardOut, RunningFlashSaleOut

# Product cards, categories and the flash sale object are browse's schemas, so each
# shape has one name in the OpenAPI document.

ID = validate.Range(min=1, max=MAX_ID)


# -- shops --------------------------------------------------------------------------------


class ShopCardOut(Schema):
    """``Shop`` (section 3.3)."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    logo = fields.String(required=True)
    banner = fields.String(required=True)
    total_products = fields.Integer(required=True)
    total_categories = fields.Integer(required=True)
    rating = fields.Float(required=True)
    shop_status = fields.String(required=True, validate=validate.OneOf(("Online", "Offline")))
    total_reviews = fields.String(required=True)


class BannerOut(Schema):
    """``Banner`` (section 3.3)."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    thumbnail = fields.String(required=True)
    link = fields.String(allow_none=True)


class ShopDetailsOut(Schema):
    """``ShopDetails`` (section 3.7); ``total_reviews`` is an int here, as the original sent it."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    logo = fields.String(required=True)
    banner = fields.String(required=True)
    short_description = fields.String(required=True)
    description = fields.String(required=True)
    total_products = fields.Integer(required=True)
    total_categories = fields.Integer(required=True)
    total_reviews = fields.Integer(required=True)
    rating = fields.Float(required=True)
    shop_status = fields.String(required=True, validate=validate.OneOf(("Online", "Offline")))
    banners = fields.List(fields.Nested(BannerOut), required=True)


class ShopCardListData(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    shops = fields.List(fields.Nested(ShopCardOut), required=True)


class ShopDetailsData(Schema):
    shop = fields.Nested(ShopDetailsOut, required=True)


class ShopCategoriesQuery(PageQuery):
    shop_id = fields.Integer(validate=ID)


# -- flash sales (section 3.9) ------------------------------------------------------------


class FlashSalesData(Schema):
    running_flash_sale = fields.Nested(RunningFlashSaleOut, required=True, allow_none=True)
    incoming_flash_sale = fields.Nested(RunningFlashSaleOut, required=True, allow_none=True)


class FlashSaleDetailsQuery(PageQuery):
    category_id = fields.Integer(validate=ID)


class FlashSaleDetailsData(Schema):
    flash_sale = fields.Nested(RunningFlashSaleOut, required=True)
    total_products = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    products = fields.List(fields.Nested(ProductCardOut), required=True)


# -- home (section 3.4) ---------------------------------------------------------------------


class JustForYouOut(Schema):
    total = fields.Integer(required=True)
    products = fields.List(fields.Nested(ProductCardOut), required=True)


class HomeData(Schema):
    """The catalog's and content's sections; other live plugins may add their own keys."""

    class Meta:
        unknown = INCLUDE

    banners = fields.List(fields.Nested(BannerOut), required=True)
    categories = fields.List(fields.Nested(CategoryOut), required=True)
    shops = fields.List(fields.Nested(ShopCardOut), required=True)
    popular_products = fields.List(fields.Nested(ProductCardOut), required=True)
    just_for_you = fields.Nested(JustForYouOut, required=True)
