"""Tables of orders: the order of one shop, its lines, its status history, and per-shop numbering.

An order belongs to its shop (``tenant_id``) and to its customer (``user``),
so row-level security shows it to both (the customer across shops, as with
cart lines). Lines and history repeat the customer's id for the same reason.
Everything the customer saw when placing (address, names, prices) is copied
into the order: later edits of the catalog or the address book never change
a placed order. Money is integer minor units.
"""

import peewee

from kernel.models import User
from kernel.orm import BaseModel, JSONField, TenantModel, utcnow
from plugins.payments.models import Payment

PENDING, CONFIRM, PROCESSING, PICKUP, ON_THE_WAY, DELIVERED, CANCELLED = (
    "Pending", "Confirm", "Processing", "Pickup", "On The Way", "Delivered", "Cancelled",
)
ORDER_STATUSES = (PENDING, CONFIRM, PROCESSING, PICKUP, ON_THE_WAY, DELIVERED, CANCELLED)
PAYMENT_PENDING, PAYMENT_PAID = "Pending", "Paid"
# Who carries the parcel: the shop itself, or a rider the riders plugin assigns.
SHOP_DELIVERY, RIDER_DELIVERY = "shop", "rider"


class OrderSequence(TenantModel):
    """The last order number a shop gave out: one row per shop (a unique index, orders migration 6)."""

    last = peewee.IntegerField(default=0)


class Order(TenantModel):
    """One shop's order of a checkout; every order of the checkout shares one payment."""

    user = peewee.ForeignKeyField(User, on_delete="RESTRICT")
    number = peewee.IntegerField()
    code = peewee.CharField(max_length=16)
    payment = peewee.ForeignKeyField(Payment, null=True, on_delete="RESTRICT")
    payment_method = peewee.CharField(max_length=40)
    order_status = peewee.CharField(max_length=16, default=PENDING)
    payment_status = peewee.CharField(max_length=8, default=PAYMENT_PENDING)
    fulfilment = peewee.CharField(max_length=8, default=SHOP_DELIVERY)
    address = JSONField()
    quantity = peewee.IntegerField()
    subtotal = peewee.BigIntegerField()
    discount = peewee.BigIntegerField(default=0)
    coupon_discount = peewee.BigIntegerField(default=0)
    delivery_charge = peewee.BigIntegerField(default=0)
    tax_amount = peewee.BigIntegerField(default=0)
    gift_charge = peewee.BigIntegerField(default=0)
    payable = peewee.BigIntegerField()
    taxes = JSONField(default=list)
    coupon_code = peewee.CharField(max_length=64, null=True)
    note = peewee.CharField(max_length=500, default="")
    invoice_key = peewee.CharField(max_length=255, null=True)
    receipt_key = peewee.CharField(max_length=255, null=True)
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)
    delivered_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = (
            (("tenant_id", "number"), True),
            (("tenant_id", "order_status", "created_at"), False),
            (("user", "created_at"), False),
            (("payment",), False),
        )


class OrderItem(TenantModel):
    """A line of an order: the product as it was sold (names, variant, prices, flash-sale slot)."""

    order = peewee.ForeignKeyField(Order, backref="items", on_delete="CASCADE")
    user_id = peewee.IntegerField()
    product_id = peewee.IntegerField()
    name = peewee.CharField(max_length=200)
    thumbnail = peewee.CharField(max_length=255, null=True)
    brand = peewee.CharField(max_length=120, null=True)
    size_id = peewee.IntegerField(null=True)
    size = peewee.CharField(max_length=40, null=True)
    color_id = peewee.IntegerField(null=True)
    color = peewee.CharField(max_length=60, null=True)
    unit = peewee.CharField(max_length=40, null=True)
    unit_list_price = peewee.BigIntegerField()
    unit_price = peewee.BigIntegerField()
    quantity = peewee.IntegerField()
    vat_percent = peewee.FloatField(default=0.0)
    is_digital = peewee.BooleanField(default=False)
    flash_sale_id = peewee.IntegerField(null=True)

    class Meta:
        indexes = ((("order",), False),)


class OrderStatusEvent(TenantModel):
    """One change of an order's status; rows are only ever added."""

    order = peewee.ForeignKeyField(Order, backref="events", on_delete="CASCADE")
    user_id = peewee.IntegerField()
    from_status = peewee.CharField(max_length=16, null=True)
    to_status = peewee.CharField(max_length=16)
    actor = peewee.CharField(max_length=16)
    actor_id = peewee.IntegerField(null=True)
    note = peewee.CharField(max_length=255, default="")
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("order", "id"), False),)


class PlacementKey(BaseModel):
    """The first answer to a placement sent with an ``Idempotency-Key``, replayed for its retries."""

    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    key = peewee.CharField(max_length=255)
    fingerprint = peewee.CharField(max_length=64)
    status = peewee.IntegerField()
    body = JSONField()
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "key"), True),)


MODELS = [OrderSequence, Order, OrderItem, OrderStatusEvent, PlacementKey]
