"""Request and response schemas of coupons (FLUTTER_CONTRACT.md sections 3.11 and 4.7, SPEC.md section 4).

Amounts come in as decimals with at most two places (kept exact, never a
float) and go out as JSON doubles, as the app reads them.
"""

from marshmallow import Schema, fields, validate

from kernel.http.fields import WholeNumber
from kernel.http.openapi import MAX_ID
from plugins.accounts.schemas import Input
from plugins.orders.cart.schemas import MAX_QUANTITY, MAX_SHOPS
from plugins.payments.schemas import Amount
from plugins.platform.schemas import PartialUpdateBody, StrictBoolean, StrictInteger

CODE = validate.Regexp(r"^\s*[A-Za-z0-9_-]{3,32}\s*$", error="Use 3 to 32 letters, digits, '-' or '_'.")
MAX_USES = 10_000_000
MAX_PRODUCTS = 500


def _id(**kwargs):
    return WholeNumber(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


# -- the customer's routes -------------------------------------------------------------


class VoucherListQuery(Input):
    """``shop_id`` names one shop's vouchers; absent (or ``""``), the platform's and the storefront shop's."""

    shop_id = _id()


class CollectIn(Input):
    coupon_id = _id(required=True)


class ApplyProductIn(Input):
    id = _id(required=True)
    quantity = WholeNumber(validate=validate.Range(min=1, max=MAX_QUANTITY))
    shop_id = _id(required=True)


class ApplyVoucherIn(Input):
    """``voucher_apply_model.dart``: the code and the cart's products; the shops named are the ones checked."""

    coupon_code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    products = fields.List(fields.Nested(ApplyProductIn), validate=validate.Length(max=MAX_PRODUCTS))


class CouponApplyIn(Input):
    """The canonical request: the code and the ticked shops (every shop of the cart when absent)."""

    coupon_code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    shop_ids = fields.List(_id(), validate=validate.Length(max=MAX_SHOPS))


class VoucherOut(Schema):
    id = fields.Integer(required=True)
    voucher_type = fields.String(required=True, metadata={"enum": ["platform", "shop"]})
    code = fields.String(required=True)
    discount_type = fields.String(required=True, metadata={"enum": ["Amount", "Percentage"]})
    discount = fields.Float(required=True, metadata={"description": "An amount, or a percentage"})
    min_order_amount = fields.Float(required=True)
    max_discount_amount = fields.Float(required=True, metadata={"description": "0 when a percentage has no cap"})
    limit_for_user = fields.Integer(required=True)
    shop_id = fields.Integer(required=True, metadata={"description": "0 for a platform coupon"})
    started = fields.String(required=True, metadata={"description": "'d F Y H:i', shown verbatim"})
    validity = fields.String(required=True, metadata={"description": "'d F Y H:i', shown verbatim"})
    is_collected = fields.Boolean(required=True)


class VoucherListData(Schema):
    coupons = fields.List(fields.Nested(VoucherOut), required=True)


class VoucherData(Schema):
    coupon = fields.Nested(VoucherOut, required=True)


class ShopDiscountOut(Schema):
    shop_id = fields.Integer(required=True)
    discount = fields.Float(required=True)


class ApplyData(Schema):
    coupon_code = fields.String(required=True)
    total_discount_amount = fields.Float(required=True)
    total_order_amount = fields.Float(required=True, metadata={"description": "The subtotal of the checked shops"})
    payable_amount = fields.Float(required=True, metadata={"description": "The subtotal less the discount"})
    shops = fields.List(fields.Nested(ShopDiscountOut), required=True)


# -- management ---------------------------------------------------------------------------


def _coupon_fields(required: bool) -> dict:
    """A coupon's fields as its manager writes them; the ones a new coupon needs are ``required`` on create.

    ``discount`` is an amount, or a percentage up to 100. The kernel reads
    ``null`` as an absent key, so "no cap" (``max_discount_amount``) and "no
    limit" (``usage_limit``) are written as 0. Rules across fields (a percentage up to 100, the end after
    the start) are checked on the whole coupon, since an update sends a part.
    """
    return {
        "code": fields.String(required=required, validate=CODE),
        "discount_type": fields.String(required=required, validate=validate.OneOf(["Amount", "Percentage"])),
        "discount": Amount(positive=True, required=required),
        "min_order_amount": Amount(),
        "max_discount_amount": Amount(),
        "starts_at": fields.DateTime(required=required, metadata={"description": "UTC when no offset is given"}),
        "ends_at": fields.DateTime(required=required),
        "usage_limit": StrictInteger(validate=validate.Range(min=0, max=MAX_USES),
                                     metadata={"description": "Checkouts it may serve in all; 0: no limit"}),
        "limit_for_user": StrictInteger(validate=validate.Range(min=1, max=MAX_USES),
                                        metadata={"description": "Checkouts it may serve each customer (default 1)"}),
        "requires_collection": StrictBoolean(metadata={"description": "Customers must collect it before use"}),
        "is_active": StrictBoolean(),
    }


CouponIn = type("CouponIn", (Input,), _coupon_fields(required=True))
CouponUpdateIn = type("CouponUpdateIn", (PartialUpdateBody,), _coupon_fields(required=False))


class ManagedCouponOut(VoucherOut):
    usage_limit = fields.Integer(required=True, allow_none=True)
    used_count = fields.Integer(required=True)
    requires_collection = fields.Boolean(required=True)
    is_active = fields.Boolean(required=True)
    starts_at = fields.String(required=True, metadata={"format": "date-time"})
    ends_at = fields.String(required=True, metadata={"format": "date-time"})


class ManagedCouponListData(Schema):
    coupons = fields.List(fields.Nested(ManagedCouponOut), required=True)


class ManagedCouponData(Schema):
    coupon = fields.Nested(ManagedCouponOut, required=True)
