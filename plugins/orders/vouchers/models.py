"""Tables of coupons: the coupons, each customer's standing with one, and each order's use of one.

A coupon is the platform's (``tenant_id`` NULL) or one shop's, so it is a
platform-wide table with a nullable shop column rather than a ``TenantModel``
(which cannot hold a row of no shop); row-level security on PostgreSQL still
keeps a shop's inactive coupons to that shop, and every query here names the
scope it means. Money is integer minor units; a percentage is kept in
hundredths of a percent, so 12.5 % is 1250 and nothing is ever a float.
"""

import peewee

from kernel.models import User
from kernel.orm import BaseModel, TenantModel, utcnow
from plugins.orders.orders.models import Order

PERCENT, AMOUNT = "percent", "amount"


class Coupon(BaseModel):
    """A discount code of the platform (``tenant_id`` NULL) or of one shop; codes are unique per scope."""

    tenant_id = peewee.IntegerField(null=True)
    code = peewee.CharField(max_length=32)
    discount_type = peewee.CharField(max_length=8)
    # Minor units for an ``amount`` coupon, hundredths of a percent for a ``percent`` one.
    value = peewee.BigIntegerField()
    min_order_amount = peewee.BigIntegerField(default=0)
    max_discount = peewee.BigIntegerField(null=True)
    starts_at = peewee.DateTimeField()
    ends_at = peewee.DateTimeField()
    # Checkouts the coupon may serve in all (None: no limit) and per customer; ``used_count`` is taken
    # by a conditional UPDATE when an order is placed and given back when its orders are cancelled.
    usage_limit = peewee.IntegerField(null=True)
    limit_per_user = peewee.IntegerField(default=1)
    used_count = peewee.IntegerField(default=0)
    requires_collection = peewee.BooleanField(default=False)
    is_active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("tenant_id", "is_active", "ends_at"), False),)


class CouponCustomer(BaseModel):
    """One customer's standing with one coupon: collected or not, and how many checkouts it served them."""

    coupon = peewee.ForeignKeyField(Coupon, on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    collected = peewee.BooleanField(default=False)
    used = peewee.IntegerField(default=0)
    collected_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("coupon", "user"), True), (("user",), False))


class CouponUsage(TenantModel):
    """A coupon's part in one order (``tenant_id`` is the order's shop).

    A platform coupon shared over a checkout's shops has one row per order, all
    with the checkout's ``payment_id``: together they are one use, given back
    when the last of them is released (its order cancelled).
    """

    coupon = peewee.ForeignKeyField(Coupon, on_delete="CASCADE")
    order = peewee.ForeignKeyField(Order, on_delete="CASCADE")
    user_id = peewee.IntegerField()
    payment_id = peewee.IntegerField()
    amount = peewee.BigIntegerField()
    created_at = peewee.DateTimeField(default=utcnow)
    released_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("order", "coupon"), True), (("coupon", "payment_id"), False), (("user_id",), False))


MODELS = [Coupon, CouponCustomer, CouponUsage]
