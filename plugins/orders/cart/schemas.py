"""Request and response schemas of the cart (FLUTTER_CONTRACT.md sections 3.8, 3.16 and 4.4).

Inputs ignore keys they do not know: the app sends ``unit`` and ``is_buy_now``
(always null in its reachable screens). Outputs list the keys the app parses,
with their JSON types, plus the line id (``cart_id``) the canonical routes use.
"""

from marshmallow import Schema, fields, validate

from kernel.http.fields import WholeNumber
from kernel.http.openapi import MAX_ID
from plugins.accounts.schemas import Input

MAX_QUANTITY = 10_000
MAX_SHOPS = 100


def _id(**kwargs):
    return WholeNumber(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def _quantity(**kwargs):
    return WholeNumber(validate=validate.Range(min=1, max=MAX_QUANTITY), **kwargs)


# -- requests ------------------------------------------------------------------------


class CartAddIn(Input):
    """``add_to_cart_model.dart``: ``size`` and ``color`` are the catalog's size and colour ids."""

    product_id = _id(required=True)
    quantity = _quantity(load_default=1)
    size = _id()
    color = _id()


class CartProductIn(Input):
    product_id = _id(required=True)


class CartQuantityIn(Input):
    quantity = _quantity(required=True)


class CheckoutIn(Input):
    """The app's summary request: the ticked shops (all shops in the cart when absent) and the typed code."""

    coupon_code = fields.String(validate=validate.Length(max=64))
    shop_ids = fields.List(_id(), validate=validate.Length(max=MAX_SHOPS))


# -- the cart ------------------------------------------------------------------------


class CartVariantOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    color_code = fields.String(required=True, allow_none=True)
    price = fields.Float(required=True, metadata={"description": "The variant's price add-on"})


class CartProductOut(Schema):
    id = fields.Integer(required=True, metadata={"description": "The product's id (the app names lines by it)"})
    cart_id = fields.Integer(required=True, metadata={"description": "The line's id (canonical routes)"})
    quantity = fields.Integer(required=True)
    name = fields.String(required=True)
    thumbnail = fields.String(required=True)
    brand = fields.String(required=True)
    price = fields.Float(required=True, metadata={"description": "Unit list price with the size and colour add-ons"})
    discount_price = fields.Float(required=True,
                                  metadata={"description": "Unit price charged when below the list price, else 0"})
    discount_percentage = fields.Float(required=True)
    rating = fields.Float(required=True)
    total_reviews = fields.String(required=True)
    total_sold = fields.String(required=True)
    color = fields.Nested(CartVariantOut, required=True, allow_none=True)
    size = fields.Nested(CartVariantOut, required=True, allow_none=True)
    unit = fields.String(required=True, allow_none=True)
    is_digital = fields.Boolean(required=True)


class CartShopOut(Schema):
    shop_id = fields.Integer(required=True)
    shop_name = fields.String(required=True)
    shop_logo = fields.String(required=True)
    shop_rating = fields.Float(required=True)
    has_gift = fields.Boolean(required=True)
    products = fields.List(fields.Nested(CartProductOut), required=True)


class CartData(Schema):
    cart_items = fields.List(fields.Nested(CartShopOut), required=True)
    total = fields.Integer(required=True, metadata={"description": "Number of lines"})


# -- the checkout summary ------------------------------------------------------------


class TaxOut(Schema):
    name = fields.String(required=True)
    percentage = fields.Float(required=True)
    amount = fields.Float(required=True)


class AmountsOut(Schema):
    total_amount = fields.Float(required=True, metadata={"description": "Sum of the lines, VAT not included"})
    delivery_charge = fields.Float(required=True)
    coupon_discount = fields.Float(required=True)
    discount = fields.Float(required=True)
    order_tax_amount = fields.Float(required=True)
    gift_charge = fields.Float(required=True)
    payable_amount = fields.Float(required=True)


class CheckoutOut(AmountsOut):
    all_vat_taxes = fields.List(fields.Nested(TaxOut), required=True)


class ShopCheckoutOut(AmountsOut):
    shop_id = fields.Integer(required=True)
    shop_name = fields.String(required=True)
    quantity = fields.Integer(required=True)


class CheckoutData(Schema):
    checkout = fields.Nested(CheckoutOut, required=True)
    apply_coupon = fields.Boolean(required=True)
    checkout_items = fields.List(fields.Nested(ShopCheckoutOut), required=True)
