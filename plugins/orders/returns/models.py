"""Tables of returns: a customer's request to send lines of one delivered order back, and those lines.

A return belongs to the order's shop (``tenant_id``) and to its customer
(``user``), so row-level security shows it to both, as it does orders. Each
returned line names the order line it sends back; an order line can be in one
return only (a unique index), which is what makes "already returned" hold
under concurrent requests. Money is integer minor units, copied from the
order when the return is asked for.
"""

import peewee

from kernel.models import User
from kernel.orm import TenantModel, utcnow
from plugins.orders.orders.models import Order, OrderItem

PENDING, APPROVED, REJECTED, DAMAGED, MISMATCH = "Pending", "Approved", "Rejected", "Damaged", "Mismatch"
RETURN_STATUSES = (PENDING, APPROVED, REJECTED, DAMAGED, MISMATCH)


class ReturnOrder(TenantModel):
    """A customer's request to return lines of one order; ``amount`` is what an approval refunds."""

    order = peewee.ForeignKeyField(Order, on_delete="RESTRICT")
    user = peewee.ForeignKeyField(User, on_delete="RESTRICT")
    status = peewee.CharField(max_length=16, default=PENDING)
    reason = peewee.TextField()
    return_address = peewee.CharField(max_length=500)
    bank_name = peewee.CharField(max_length=120, null=True)
    bank_account_number = peewee.CharField(max_length=64, null=True)
    amount = peewee.BigIntegerField()
    quantity = peewee.IntegerField()
    # The shop's word on its decision (the app's ``reject_note``).
    note = peewee.CharField(max_length=500, null=True)
    # How the refund went back (the payments plugin's ``RefundResult.method``); set with ``refunded_at``.
    refund_method = peewee.CharField(max_length=16, null=True)
    refunded_at = peewee.DateTimeField(null=True)
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("tenant_id", "status", "created_at"), False),
            (("user", "created_at"), False),
        )


class ReturnOrderItem(TenantModel):
    """One order line sent back, whole, with the prices it was sold at."""

    return_order = peewee.ForeignKeyField(ReturnOrder, backref="items", on_delete="CASCADE")
    order_item = peewee.ForeignKeyField(OrderItem, unique=True, on_delete="RESTRICT")
    user_id = peewee.IntegerField()
    product_id = peewee.IntegerField()
    quantity = peewee.IntegerField()
    unit_price = peewee.BigIntegerField()


MODELS = [ReturnOrder, ReturnOrderItem]
