"""Request and response schemas of customer browsing (FLUTTER_CONTRACT.md sections 3.1-3.6 and 3.9).

The card schemas (``ProductCardOut`` and its parts) describe ``payloads.card`` (built from
models or from the listing's rows) and are meant to be reused by every route that returns
product cards; they document the responses (OpenAPI), no card is dumped through them.
"""

from marshmallow import Schema, ValidationError, fields, validate

from kernel.http.fields import WholeNumber
from kernel.http.pagination import PageQuery
from plugins.catalog.browse.queries import SORTS

MAX_ID = 2_147_483_647
MAX_PRICE = 1_000_000_000


def _id(**kwargs):
    return WholeNumber(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def _price():
    return fields.Float(validate=validate.Range(min=0, max=MAX_PRICE))


# -- requests ------------------------------------------------------------------------


class BrowseQuery(PageQuery):
    """The 14 keys the app sends to ``/products`` and ``/reviews`` (bare or empty keys mean absent)."""

    search = fields.String(validate=validate.Length(max=200))
    shop_id = _id()
    product_id = _id()
    category_id = _id()
    rating = fields.Float(validate=validate.Range(min=0, max=5),
                          metadata={"description": "Average rating in [rating, rating + 1)"})
    min_price = _price()
    max_price = _price()
    sort_type = fields.String(validate=validate.OneOf(SORTS))
    sub_category_id = _id()
    brand_id = _id()
    size_id = _id()
    color_id = _id()


class ProductDetailsQuery(Schema):
    product_id = _id(required=True)


class SubCategoryQuery(Schema):
    category_id = _id(required=True)


class FavoriteToggleIn(Schema):
    product_id = _id(required=True)


def _whole_stars(value: float) -> None:
    if value != int(value):
        raise ValidationError("The rating must be a whole number of stars.")


class ReviewIn(Schema):
    # A number, so the app's double (4.0) is accepted; a fraction of a star is not.
    rating = fields.Float(required=True, validate=[validate.Range(min=1, max=5), _whole_stars])
    # null means "no text", as the kernel reads null and empty values as absent.
    description = fields.String(load_default="", allow_none=True, validate=validate.Length(max=2000))


# -- product cards -------------------------------------------------------------------


class CardColorOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    color_code = fields.String(required=True)
    price = fields.Float(required=True)


class CardSizeOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    price = fields.Float(required=True)


class ProductShopOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    logo = fields.String(required=True)
    rating = fields.Float(required=True)
    delivery_charge = fields.Float(required=True)
    estimated_delivery_time = fields.String(required=True)


class ProductCardOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    thumbnail = fields.String(required=True)
    price = fields.Float(required=True)
    discount_price = fields.Float(required=True)
    discount_percentage = fields.Float(required=True)
    rating = fields.Float(required=True)
    total_reviews = fields.String(required=True)
    total_sold = fields.String(required=True)
    quantity = fields.Integer(required=True)
    colors = fields.List(fields.Nested(CardColorOut), required=True)
    sizes = fields.List(fields.Nested(CardSizeOut), required=True)
    is_favorite = fields.Boolean(required=True)
    brand = fields.String(required=True)
    shop = fields.Nested(ProductShopOut, required=True)
    is_digital = fields.Boolean(required=True)


class FilterItemOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    color_code = fields.String(required=True, allow_none=True)
    price = fields.Float(required=True)


class BrandOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class FiltersOut(Schema):
    sizes = fields.List(fields.Nested(FilterItemOut), required=True)
    colors = fields.List(fields.Nested(FilterItemOut), required=True)
    brands = fields.List(fields.Nested(BrandOut), required=True)
    min_price = fields.Float(required=True)
    max_price = fields.Float(required=True)


class ProductListData(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    products = fields.List(fields.Nested(ProductCardOut), required=True)
    filters = fields.Nested(FiltersOut, required=True)


class ProductCardListData(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    products = fields.List(fields.Nested(ProductCardOut), required=True)


# -- product details -----------------------------------------------------------------


class ThumbnailOut(Schema):
    id = fields.Integer(required=True)
    thumbnail = fields.String(required=True, allow_none=True)
    url = fields.String(required=True, allow_none=True)
    type = fields.String(required=True)


class RunningFlashSaleOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    thumbnail = fields.String(required=True)
    start_date = fields.String(required=True, metadata={"description": "YYYY-MM-DD HH:MM:SS (UTC)"})
    end_date = fields.String(required=True, metadata={"description": "YYYY-MM-DD HH:MM:SS (UTC)"})


class ProductDetailsOut(ProductCardOut):
    short_description = fields.String(required=True)
    description = fields.String(required=True)
    thumbnails = fields.List(fields.Nested(ThumbnailOut), required=True)
    flash_sale = fields.Nested(RunningFlashSaleOut, required=True, allow_none=True)


class ProductDetailsData(Schema):
    product = fields.Nested(ProductDetailsOut, required=True)
    related_products = fields.List(fields.Nested(ProductCardOut), required=True)


class FavoriteData(Schema):
    is_favorite = fields.Boolean(required=True)
    product = fields.Nested(ProductCardOut, required=True)


# -- categories ----------------------------------------------------------------------


class SubCategoryOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    thumbnail = fields.String(required=True)
    sub_categories = fields.List(fields.Dict(), required=True, metadata={"description": "Always empty"})


class CategoryOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    thumbnail = fields.String(required=True)
    sub_categories = fields.List(fields.Nested(SubCategoryOut), required=True)


class CategoryListData(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    categories = fields.List(fields.Nested(CategoryOut), required=True)


class CategoryData(Schema):
    category = fields.Nested(CategoryOut, required=True)


class SubCategoryListData(Schema):
    sub_categories = fields.List(fields.Nested(SubCategoryOut), required=True)


# -- reviews -------------------------------------------------------------------------


class ReviewOut(Schema):
    id = fields.Integer(required=True)
    product_id = fields.Integer(required=True)
    customer_name = fields.String(required=True)
    customer_profile = fields.String(required=True)
    rating = fields.Integer(required=True)
    description = fields.String(required=True)
    created_at = fields.String(required=True, metadata={"description": "Shown verbatim, e.g. 'January 05, 2025'"})


class StarPercentagesOut(Schema):
    one = fields.Float(required=True, data_key="1")
    two = fields.Float(required=True, data_key="2")
    three = fields.Float(required=True, data_key="3")
    four = fields.Float(required=True, data_key="4")
    five = fields.Float(required=True, data_key="5")


class RatingSummaryOut(Schema):
    rating = fields.Float(required=True)
    total_review = fields.Integer(required=True)
    percentages = fields.Nested(StarPercentagesOut, required=True)


class ReviewListData(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    reviews = fields.List(fields.Nested(ReviewOut), required=True)
    average_rating_percentage = fields.Nested(RatingSummaryOut, required=True, allow_none=True)


class ReviewData(Schema):
    review = fields.Nested(ReviewOut, required=True)
