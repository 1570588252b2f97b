"""Request and response schemas of returns (FLUTTER_CONTRACT.md sections 3.15, 4.9 and 12.1; SPEC.md section 4).

Inputs ignore keys they do not know. Outputs list every key sent, with the
JSON type the app parses (money as doubles, ``order_id`` as the order's code).
"""

from marshmallow import Schema, fields, validate

from kernel.http import PageQuery
from kernel.http.fields import WholeNumber
from kernel.http.openapi import MAX_ID
from plugins.accounts.schemas import Input
from plugins.orders.returns.models import RETURN_STATUSES

MAX_PRODUCTS = 200
# Free text may span lines but must say something.
NOT_BLANK = validate.Regexp(r"\s*\S", error="Must not be blank.")


def _id(**kwargs):
    return WholeNumber(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


# -- requests ------------------------------------------------------------------------


class ReturnOrderIn(Input):
    """``return_order_submit_model.dart``: the order, the products sent back, why, and where the refund goes."""

    order_id = _id(required=True)
    product_ids = fields.List(_id(), required=True, validate=validate.Length(min=1, max=MAX_PRODUCTS),
                              metadata={"description": "Every line of each product named is returned, whole"})
    reason = fields.String(required=True, validate=[validate.Length(max=2000), NOT_BLANK])
    return_address = fields.String(required=True, validate=[validate.Length(max=500), NOT_BLANK])
    bank_account_number = fields.String(validate=[validate.Length(max=64), NOT_BLANK],
                                        metadata={"description": "Required when the order was paid in cash"})
    bank_name = fields.String(validate=[validate.Length(max=120), NOT_BLANK])


class SellerReturnsQuery(PageQuery):
    status = fields.String(validate=validate.Length(max=20),
                           metadata={"description": "Only returns of this status, named in any case"})


class ReturnStatusIn(Input):
    status = fields.String(required=True, validate=validate.Length(min=1, max=20),
                           metadata={"description": f"One of {', '.join(RETURN_STATUSES)}, in any case"})
    note = fields.String(validate=validate.Length(max=500),
                         metadata={"description": "The shop's word to the customer (shown as `reject_note`)"})


# -- responses -----------------------------------------------------------------------


class ReturnOrderOut(Schema):
    id = fields.Integer(required=True)
    order_id = fields.String(required=True, metadata={"description": "The order's code"})
    reason = fields.String(required=True)
    amount = fields.Float(required=True)
    quantity = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(RETURN_STATUSES))
    payment_status = fields.String(required=True, validate=validate.OneOf(("Paid", "Unpaid")),
                                   metadata={"description": "`Paid` once the amount was refunded"})
    refund_method = fields.String(required=True, allow_none=True,
                                  metadata={"description": "`wallet`, `gateway` or `manual` (a bank transfer)"})
    reject_note = fields.String(required=True, allow_none=True)
    return_date = fields.String(required=True)
    return_address = fields.String(required=True)


class ReturnOrderRefOut(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)


class ReturnProductOut(Schema):
    product_id = fields.Integer(required=True)
    product_name = fields.String(required=True)
    product_price = fields.Float(required=True, metadata={"description": "The unit price before discounts"})
    price = fields.Float(required=True, metadata={"description": "The unit price charged"})
    quantity = fields.Integer(required=True)
    thumbnail = fields.String(required=True)
    color = fields.String(required=True, allow_none=True)
    size = fields.String(required=True, allow_none=True)
    unit = fields.String(required=True, allow_none=True)


class ReturnOrderDetailsOut(ReturnOrderOut):
    order = fields.Nested(ReturnOrderRefOut, required=True)
    shop_name = fields.String(required=True)
    shop_logo = fields.String(required=True)
    shop_rating = fields.Float(required=True)
    customer_name = fields.String(required=True)
    customer_phone = fields.String(required=True, allow_none=True)
    customer_email = fields.String(required=True, allow_none=True)
    bank_name = fields.String(required=True, allow_none=True)
    bank_account_number = fields.String(required=True, allow_none=True)
    return_order_products = fields.List(fields.Nested(ReturnProductOut), required=True)


class ReturnOrderListData(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    return_orders = fields.List(fields.Nested(ReturnOrderOut), required=True, data_key="returnOrders")


class ReturnOrderDetailsData(Schema):
    return_orders = fields.Nested(ReturnOrderDetailsOut, required=True, data_key="returnOrders")


class ReturnOrderCreatedData(Schema):
    return_order = fields.Nested(ReturnOrderDetailsOut, required=True, data_key="returnOrder")
