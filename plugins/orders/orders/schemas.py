"""Request and response schemas of orders (FLUTTER_CONTRACT.md sections 3.10, 4.5 and 12.1; SPEC.md section 4).

Inputs ignore keys they do not know (the app sends ``is_buy_now``, always
null). Outputs list every key sent, with the JSON type the app parses.
"""

from marshmallow import Schema, fields, validate

from kernel.http import PageQuery
from kernel.http.fields import WholeNumber
from kernel.http.openapi import MAX_ID
from plugins.accounts.schemas import Input
from plugins.orders.addresses.schemas import AddressOut
from plugins.orders.cart.schemas import MAX_SHOPS, TaxOut
from plugins.payments.services import PERIODS


def _id(**kwargs):
    return WholeNumber(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


def _method(**kwargs):
    return fields.String(validate=validate.Length(min=1, max=40), **kwargs)


# -- requests ------------------------------------------------------------------------


class PlaceOrderIn(Input):
    """The app's ``/v1/place-order`` body, also the canonical ``POST /api/orders``."""

    address_id = _id(required=True)
    payment_method = _method(required=True, metadata={"description": "`cash` or a gateway `name` from /master"})
    shop_ids = fields.List(_id(), validate=validate.Length(max=MAX_SHOPS),
                           metadata={"description": "The ticked shops; absent: every shop in the cart"})
    coupon_code = fields.String(validate=validate.Length(max=64))
    note = fields.String(validate=validate.Length(max=500))


class OrdersQuery(PageQuery):
    order_status = fields.String(validate=validate.Length(max=20),
                                 metadata={"description": "A status, compared case-insensitively"})


class OrderIdQuery(Input):
    order_id = _id(required=True)


class OrderIdIn(Input):
    order_id = _id(required=True)


class OrderAgainIn(Input):
    order_id = _id(required=True)
    payment_method = _method(required=True)


class StatusIn(Input):
    order_status = fields.String(required=True, validate=validate.Length(min=1, max=20))
    note = fields.String(validate=validate.Length(max=255))


class SellerOrderStatusIn(StatusIn):
    order_id = _id(required=True)


class SellerOrdersQuery(PageQuery):
    search = fields.String(validate=validate.Length(max=100))
    start_date = fields.Date()
    end_date = fields.Date()
    filter_type = fields.String(validate=validate.OneOf(PERIODS))
    order_status = fields.String(validate=validate.Length(max=20),
                                 metadata={"description": "pending, confirm, to_pickup, to_delivery, delivered, "
                                                          "or any status, case-insensitively"})


# -- responses -----------------------------------------------------------------------


class PlacedData(Schema):
    order_payment_url = fields.String(required=True, allow_none=True,
                                      metadata={"description": "The payment web view; null when nothing is due now"})
    payment_id = fields.Integer(required=True)
    order_ids = fields.List(fields.Integer(), required=True)


class PaymentUrlData(Schema):
    order_payment_url = fields.String(required=True, allow_none=True)


class OrderCardOut(Schema):
    id = fields.Integer(required=True)
    order_code = fields.String(required=True)
    shop_id = fields.Integer(required=True)
    quantity = fields.Integer(required=True)
    amount = fields.Float(required=True)
    order_status = fields.String(required=True)
    payment_status = fields.String(required=True)
    payment_method = fields.String(required=True)
    created_at = fields.String(required=True)
    address = fields.Nested(AddressOut, required=True)


class OrderListData(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    orders = fields.List(fields.Nested(OrderCardOut), required=True)


class OrderShopOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    logo = fields.String(required=True)
    banner = fields.String(required=True)
    total_products = fields.Integer(required=True)
    total_categories = fields.Integer(required=True)
    rating = fields.Float(required=True)
    shop_status = fields.String(required=True)
    total_reviews = fields.String(required=True)


class OrderLineOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    brand = fields.String(required=True, allow_none=True)
    thumbnail = fields.String(required=True)
    price = fields.Float(required=True)
    discount_price = fields.Float(required=True)
    order_qty = fields.Integer(required=True)
    color = fields.String(required=True, allow_none=True)
    size = fields.String(required=True, allow_none=True)
    unit = fields.String(required=True, allow_none=True)
    is_digital = fields.Boolean(required=True)
    rating = fields.Float(required=True, allow_none=True)
    is_returned = fields.Boolean(required=True)


class HistoryOut(Schema):
    from_ = fields.String(data_key="from", required=True, allow_none=True)
    to = fields.String(required=True)
    actor = fields.String(required=True)
    note = fields.String(required=True)
    at = fields.String(required=True)


class OrderDetailsOut(Schema):
    id = fields.Integer(required=True)
    order_code = fields.String(required=True)
    order_status = fields.String(required=True)
    created_at = fields.String(required=True)
    tax_amount = fields.Float(required=True)
    payment_method = fields.String(required=True)
    payment_status = fields.String(required=True)
    total_amount = fields.Float(required=True)
    discount = fields.Float(required=True)
    coupon_discount = fields.Float(required=True)
    payable_amount = fields.Float(required=True)
    delivery_charge = fields.Float(required=True)
    quantity = fields.Integer(required=True)
    shop = fields.Nested(OrderShopOut, required=True)
    products = fields.List(fields.Nested(OrderLineOut), required=True)
    invoice_url = fields.String(required=True, allow_none=True)
    payment_receipt_url = fields.String(required=True, allow_none=True)
    address = fields.Nested(AddressOut, required=True)
    note = fields.String(required=True)
    all_vat_taxes = fields.List(fields.Nested(TaxOut), required=True)
    is_returnable = fields.Boolean(required=True)
    last_return_date = fields.String(required=True)
    return_order_within_days = fields.Integer(required=True)
    history = fields.List(fields.Nested(HistoryOut), required=True)


class OrderDetailsData(Schema):
    order = fields.Nested(OrderDetailsOut, required=True)


class InvoiceData(Schema):
    invoice_url = fields.String(required=True,
                                metadata={"description": "The PDF: a signed link, fetched without a token"})
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds the link stays valid"})


class SellerCustomerOut(Schema):
    name = fields.String(required=True)
    phone = fields.String(required=True)
    profile_photo = fields.String(required=True)
    address = fields.String(required=True)


class SellerLineOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    thumbnail = fields.String(required=True)
    price = fields.Float(required=True)
    quantity = fields.Integer(required=True)
    size = fields.String(required=True, allow_none=True)
    color = fields.String(required=True, allow_none=True)


class SellerOrderOut(Schema):
    id = fields.Integer(required=True)
    order_code = fields.String(required=True)
    amount = fields.Float(required=True)
    order_status = fields.String(required=True)
    payment_status = fields.String(required=True)
    payment_method = fields.String(required=True, validate=validate.OneOf(("Cash", "Online")))
    fulfilment = fields.String(required=True)
    order_placed = fields.String(required=True)
    delivery_date = fields.String(required=True, allow_none=True)
    delivery_charge = fields.Float(required=True)
    quantity = fields.Integer(required=True)
    user = fields.Nested(SellerCustomerOut, required=True)
    products = fields.List(fields.Nested(SellerLineOut), required=True)
    rider = fields.Dict(required=True, allow_none=True)
    invoice_url = fields.String(required=True, allow_none=True)
    history = fields.List(fields.Nested(HistoryOut), required=True)


class SellerOrderData(Schema):
    order = fields.Nested(SellerOrderOut, required=True)


class StatusCountOut(Schema):
    name = fields.String(required=True)
    value = fields.String(required=True)
    status = fields.Integer(required=True, metadata={"description": "How many of the shop's orders are in it"})


class SellerOrderListData(Schema):
    total = fields.Integer(required=True)
    total_items = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    status_orders = fields.List(fields.Nested(StatusCountOut), required=True)
    orders = fields.List(fields.Nested(SellerOrderOut), required=True)
