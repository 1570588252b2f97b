"""Request and response schemas of seller product management.

One input vocabulary serves both route sets: the original app's
``ProductRequest`` field names (``category``, ``sub_category[]``, ``color[]``,
``size[{id,price}]``, ``thumbnail``, ``additionThumbnail[]``, ...), sent as
JSON or multipart. Multipart arrays may use Laravel's indexed form
(``size[0][id]=3&size[0][price]=2``).
"""

import re

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate, validates_schema

from kernel.http import PageQuery
from kernel.http.fields import File

PRICE_MAX = 100_000_000
MAX_IMAGES = 8
INDEXED_KEY = re.compile(r"^(\w+)\[(\d+)\]\[(\w+)\]$")


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
            choice_id = int(choice_id)
            price = float(price)
        except (TypeError, ValueError):
            raise ValidationError("Give an id, or an object with an id and a price.") from None
        if isinstance(value, bool) or not 1 <= choice_id <= 2**31 - 1 or not 0 <= price <= PRICE_MAX:
            raise ValidationError("Give a valid id and a price from 0.")
        return {"id": choice_id, "price": price}


def _ids(**kwargs):
    return fields.List(fields.Integer(strict=False, validate=validate.Range(min=1, max=2**31 - 1)), **kwargs)


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
    category = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    sub_category = _ids(allow_none=True, validate=validate.Length(max=50))
    brand = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=2**31 - 1))
    unit = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=2**31 - 1))
    color = fields.List(Variant(), allow_none=True, validate=validate.Length(max=50))
    size = fields.List(Variant(), allow_none=True, validate=validate.Length(max=50))
    buy_price = _amount(allow_none=True)
    price = _amount(required=True)
    discount_price = _amount(allow_none=True)
    quantity = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=10_000_000))
    min_order_quantity = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=10_000))
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

    product_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    thumbnail_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))


class SellerProductListQuery(PageQuery):
    search = fields.String(validate=validate.Length(max=120))
    category = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    brand = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    color = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
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
