"""Request and response schemas of seller product management and of the shop's storefront profile.

One input vocabulary serves both route sets: the original app's
``ProductRequest`` field names (``category``, ``sub_category[]``, ``color[]``,
``size[{id,price}]``, ``thumbnail``, ``additionThumbnail[]``, ...), sent as
JSON or multipart. Multipart arrays may use Laravel's indexed form
(``size[0][id]=3&size[0][price]=2``).
"""

import re

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate, validates_schema

from kernel.http import PageQuery
from kernel.http.fields import File, WholeNumber
from kernel.http.openapi import MAX_ID
from plugins.accounts.schemas import UserOut
from plugins.catalog.seller.profile import WEEKDAYS

# Amounts are stored in minor units in 32-bit integer columns (PostgreSQL INTEGER): 10 million
# times 100 still fits, 100 million overflowed into a server error.
PRICE_MAX = 10_000_000
MAX_IMAGES = 8
INDEXED_KEY = re.compile(r"^(\w+)\[(\d+)\]\[(\w+)\]$")
_WHOLE = WholeNumber()


class Text(fields.String):
    """A trimmed string."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class Variant(fields.Field):
    """A colour or size choice: an id, or ``{id, price}`` with the price add-on."""

    def __init__(self, **kwargs):
        metadata = {"oneOf": [
            {"type": "integer", "minimum": 1},
            {"type": "object", "properties": {"id": {"type": "integer"}, "price": {"type": "number"}}, "required": ["id"]},
        ]}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dict):
            choice_id, price = value.get("id"), value.get("price") or 0
        else:
            choice_id, price = value, 0
        try:
            choice_id = _WHOLE.deserialize(choice_id)
            price = float(price)
        except (TypeError, ValueError, ValidationError):
            raise ValidationError("Give an id, or an object with an id and a price.") from None
        if not 1 <= choice_id <= MAX_ID or not 0 <= price <= PRICE_MAX:
            raise ValidationError("Give a valid id and a price from 0.")
        return {"id": choice_id, "price": price}


def _id(**kwargs):
    return WholeNumber(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def _ids(**kwargs):
    return fields.List(_id(), **kwargs)


def _amount(**kwargs):
    return fields.Float(validate=validate.Range(min=0, max=PRICE_MAX), allow_nan=False, **kwargs)


class SellerProductIn(Schema):
    """A product as the seller sends it (create: ``name``, ``code``, ``category`` and ``price`` required).

    Optional fields accept null, which means absent (the kernel drops null and
    empty values, as the original API did).
    """

    class Meta:
        unknown = EXCLUDE

    name = Text(required=True, validate=validate.Length(min=1, max=200))
    code = Text(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,25}$", error="Use 1-25 letters, digits, - or _."))
    short_description = Text(allow_none=True, validate=validate.Length(max=500))
    description = fields.String(allow_none=True, validate=validate.Length(max=65_000))
    category = _id(required=True)
    sub_category = _ids(allow_none=True, validate=validate.Length(max=50))
    brand = _id(allow_none=True)
    unit = _id(allow_none=True)
    color = fields.List(Variant(), allow_none=True, validate=validate.Length(max=50))
    size = fields.List(Variant(), allow_none=True, validate=validate.Length(max=50))
    buy_price = _amount(allow_none=True)
    price = _amount(required=True)
    discount_price = _amount(allow_none=True)
    quantity = WholeNumber(allow_none=True, validate=validate.Range(min=0, max=10_000_000))
    min_order_quantity = WholeNumber(allow_none=True, validate=validate.Range(min=1, max=10_000))
    meta_title = Text(allow_none=True, validate=validate.Length(max=200))
    meta_description = Text(allow_none=True, validate=validate.Length(max=500))
    is_active = fields.Boolean(allow_none=True)
    is_digital = fields.Boolean(allow_none=True)
    thumbnail = File(allow_none=True)
    additionThumbnail = fields.List(File(), allow_none=True, validate=validate.Length(max=MAX_IMAGES))
    previousThumbnail = _ids(allow_none=True, validate=validate.Length(max=50))
    video = File(allow_none=True)

    @pre_load
    def fold_indexed_arrays(self, data, **kwargs):
        """Turn multipart keys ``size[0][id]`` into ``size: [{id: ...}]`` and lone values into lists."""
        data = dict(data)
        folded: dict[str, dict[int, dict]] = {}
        for key in [k for k in data if INDEXED_KEY.match(k)]:
            name, index, attr = INDEXED_KEY.match(key).groups()
            folded.setdefault(name, {}).setdefault(int(index), {})[attr] = data.pop(key)
        for name, items in folded.items():
            data[name] = [items[i] for i in sorted(items)]
        for name in ("sub_category", "color", "size", "additionThumbnail", "previousThumbnail"):
            if name in data and not isinstance(data[name], list):
                data[name] = [data[name]]
        return data

    @validates_schema
    def discount_below_price(self, data, **kwargs):
        discount, price = data.get("discount_price"), data.get("price")
        if discount and price is not None and discount >= price:
            raise ValidationError("The discount price must be lower than the price.", "discount_price")


class SellerProductUpdateIn(SellerProductIn):
    """A product change: load it with ``partial=True``, so only the fields sent change."""


class SellerStatusIn(Schema):
    is_active = fields.Boolean(required=True)


class SellerThumbnailDeleteIn(Schema):
    class Meta:
        unknown = EXCLUDE

    product_id = _id(required=True)
    thumbnail_id = _id(required=True)


class SellerProductListQuery(PageQuery):
    search = fields.String(validate=validate.Length(max=120))
    category = _id()
    brand = _id()
    color = _id()
    status = fields.String(validate=validate.OneOf(("active", "inactive")))


# -- responses ----------------------------------------------------------------


class SellerNamedOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class SellerColorOut(SellerNamedOut):
    color_code = fields.String(required=True)
    price = fields.Float(required=True)


class SellerSizeOut(SellerNamedOut):
    price = fields.Float(required=True)


class SellerImageOut(Schema):
    id = fields.Integer(required=True)
    thumbnail = fields.String(required=True)


class SellerProductRowOut(Schema):
    """A product in the seller's list: the original's keys plus the canonical ones."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    code = fields.String(required=True)
    thumbnail = fields.String(required=True)
    price = fields.Float(required=True)
    discount_price = fields.Float(required=True)
    quantity = fields.Integer(required=True)
    brand = fields.String(allow_none=True, required=True)
    category = fields.String(allow_none=True, required=True)
    is_active = fields.Boolean(required=True)
    is_approved = fields.Boolean(required=True)
    created_at = fields.String(required=True)


class SellerProductListData(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    products = fields.List(fields.Nested(SellerProductRowOut), required=True)


class SellerProductDetailOut(SellerProductRowOut):
    """A product as the seller edits it (the original's SellerProductDetailsResource and more)."""

    brand = fields.Nested(SellerNamedOut, allow_none=True, required=True)
    category = fields.Nested(SellerNamedOut, required=True)
    unit = fields.Nested(SellerNamedOut, allow_none=True, required=True)
    sub_categories = fields.List(fields.Nested(SellerNamedOut), required=True)
    colors = fields.List(fields.Nested(SellerColorOut), required=True)
    sizes = fields.List(fields.Nested(SellerSizeOut), required=True)
    additional_thumbnail = fields.List(fields.Nested(SellerImageOut), required=True)
    video = fields.String(allow_none=True, required=True)
    short_description = fields.String(required=True)
    description = fields.String(required=True)
    buy_price = fields.Float(required=True)
    min_order_quantity = fields.Integer(required=True)
    meta_title = fields.String(required=True)
    meta_description = fields.String(required=True)
    is_digital = fields.Boolean(required=True)
    updated_at = fields.String(required=True)


class SellerProductData(Schema):
    product = fields.Nested(SellerProductDetailOut, required=True)


class SellerCategoryChoiceOut(SellerNamedOut):
    sub_categories = fields.List(fields.Nested(SellerNamedOut), required=True)


class SellerColorChoiceOut(SellerNamedOut):
    color_code = fields.String(required=True)


class SellerCreateData(Schema):
    categories = fields.List(fields.Nested(SellerCategoryChoiceOut), required=True)
    sizes = fields.List(fields.Nested(SellerNamedOut), required=True)
    colors = fields.List(fields.Nested(SellerColorChoiceOut), required=True)
    brands = fields.List(fields.Nested(SellerNamedOut), required=True)
    units = fields.List(fields.Nested(SellerNamedOut), required=True)


# -- the shop's storefront profile and settings ---------------------------------

CLOCK_TIME = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="Use the 24-hour HH:MM format.")
ONE_LINE = validate.Regexp(r"^[^\r\n]*$", error="Must be one line.")


class Weekday(fields.String):
    """An English day name in any case (``friday``), loaded capitalised (``Friday``)."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"enum": list(WEEKDAYS)}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs).strip().capitalize()
        if day not in WEEKDAYS:
            raise ValidationError("Use a day name from Monday to Sunday.")
        return day


class OrderPrefix(Text):
    """Two letters or digits, upper-cased as order codes show them."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Regexp(r"^[A-Za-z0-9]{2}$", error="Use exactly 2 letters or digits."), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).upper()


class _Changes(Schema):
    """Only the fields sent change; a request that changes nothing is refused."""

    class Meta:
        unknown = EXCLUDE

    @validates_schema
    def changes_something(self, data, **kwargs):
        if not data:
            raise ValidationError("Send at least one field to change.")


class ShopProfileFields(_Changes):
    name = Text(validate=[validate.Length(min=1, max=120), ONE_LINE])
    address = Text(validate=[validate.Length(max=255), ONE_LINE])
    short_description = Text(validate=validate.Length(max=255))
    description = fields.String(validate=validate.Length(max=65_000))


class ShopUpdateIn(ShopProfileFields):
    """The original ``shop-update`` form: the storefront texts, a logo (at most 2 MB) and a banner (5 MB)."""

    logo = File()
    banner = File()


class ShopSettingsIn(_Changes):
    """The original ``shop-setting-update``: order minimum, delivery days, order prefix, hours, days off."""

    min_order_amount = _amount()
    estimated_delivery_time = WholeNumber(validate=validate.Range(min=1, max=120),
                                          metadata={"description": "Days until delivery"})
    prefix = OrderPrefix()
    opening_time = fields.String(validate=CLOCK_TIME)
    closing_time = fields.String(validate=CLOCK_TIME)
    off_day = fields.List(Weekday(), validate=validate.Length(max=7))

    @pre_load
    def off_days_as_list(self, data, **kwargs):
        """Accept ``off_day[]`` keys of a URL-encoded form and a lone day as a one-day list."""
        data = dict(data)
        if "off_day[]" in data:
            data["off_day"] = data.pop("off_day[]")
        if "off_day" in data and not isinstance(data["off_day"], list):
            data["off_day"] = [data["off_day"]]
        return data


class ShopProfileIn(ShopProfileFields, ShopSettingsIn):
    """The canonical change of the shop's profile (JSON): any of the texts and settings."""


class SellerShopOut(Schema):
    """The shop's storefront profile and settings as its seller edits them."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    logo = fields.String(required=True)
    banner = fields.String(required=True)
    short_description = fields.String(required=True)
    description = fields.String(required=True)
    address = fields.String(required=True)
    prefix = fields.String(required=True)
    min_order_amount = fields.Float(required=True)
    estimated_delivery_time = fields.String(required=True, metadata={"description": "As customers read it, e.g. 3 days"})
    opening_time = fields.String(required=True)
    closing_time = fields.String(required=True)
    off_day = fields.List(fields.String(), required=True)
    shop_status = fields.String(required=True, validate=validate.OneOf(("Online", "Offline")))
    is_published = fields.Boolean(required=True)


class SellerShopData(Schema):
    shop = fields.Nested(SellerShopOut, required=True)


class SellerShopUserData(SellerShopData):
    """The original routes answer with the seller's account (``user``), as its login does."""

    user = fields.Nested(UserOut, required=True)
