"""Payments tables.

Money is integer minor units of the platform's default currency. The ledger
is append-only: every movement of money is one row, keyed so that applying
the same movement twice is impossible, and balances are derived from it.
``WalletBalance`` keeps the running sum of a wallet's entries in the same
transaction as each entry, so a debit can be one conditional UPDATE (which
is what keeps a customer wallet from going negative under concurrency).
"""

import peewee

from kernel.models import User
from kernel.orm import BaseModel, utcnow

PENDING, PAID, FAILED, CANCELLED, REFUNDED = "pending", "paid", "failed", "cancelled", "refunded"
PAYMENT_STATUSES = (PENDING, PAID, FAILED, CANCELLED, REFUNDED)

SHOP_WALLET, CUSTOMER_WALLET, PLATFORM = "shop_wallet", "customer_wallet", "platform"
ACCOUNTS = (SHOP_WALLET, CUSTOMER_WALLET, PLATFORM)
# The platform's own account has one owner.
PLATFORM_OWNER = 0
CREDIT, DEBIT = "credit", "debit"
# Why money moved. A delivered order: SALE to the shop, COMMISSION from it to the platform.
# A refund: REFUND from the shop (and to a customer wallet), COMMISSION_REFUND back to the shop.
# A customer wallet: PAYMENT out of it, TOP_UP into it.
SALE, COMMISSION, REFUND, COMMISSION_REFUND, PAYMENT, TOP_UP = (
    "sale", "commission", "refund", "commission_refund", "payment", "top_up",
)


class PaymentGateway(BaseModel):
    """The operator's switch and display data for one gateway a plugin provides (``name`` is the plugin's)."""

    name = peewee.CharField(max_length=40, unique=True)
    title = peewee.CharField(max_length=80)
    logo = peewee.CharField(max_length=255, default="")
    is_active = peewee.BooleanField(default=True)
    sort_order = peewee.IntegerField(default=0)


class Payment(BaseModel):
    """One customer payment, covering one order per shop of a checkout (its shares)."""

    user = peewee.ForeignKeyField(User, backref="payments", on_delete="RESTRICT")
    gateway = peewee.CharField(max_length=40)
    amount = peewee.BigIntegerField(constraints=[peewee.Check("amount >= 0")])
    refunded_amount = peewee.BigIntegerField(default=0)
    currency = peewee.CharField(max_length=3)
    status = peewee.CharField(max_length=16, default=PENDING,
                              constraints=[peewee.Check(f"status IN {PAYMENT_STATUSES!r}")])
    # The gateway's own id for this payment (a Stripe PaymentIntent...): unique, so a
    # callback or webhook that arrives twice finds the payment it already settled.
    external_reference = peewee.CharField(max_length=190, null=True, unique=True)
    failure_reason = peewee.CharField(max_length=255, default="")
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)
    paid_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("user", "created_at"), False), (("status", "created_at"), False))


class PaymentShare(BaseModel):
    """One shop's part of a payment.

    Owned by the shop and by the customer at once (``user_id`` repeats the
    payment's), and always reached through its payment across shops, so it is
    a platform-wide row with its own row-level security rather than a
    ``TenantModel`` scoped to the shop in context.
    """

    payment = peewee.ForeignKeyField(Payment, backref="shares", on_delete="CASCADE")
    tenant_id = peewee.IntegerField(index=True)
    user_id = peewee.IntegerField()
    amount = peewee.BigIntegerField(constraints=[peewee.Check("amount >= 0")])
    refunded_amount = peewee.BigIntegerField(default=0)
    status = peewee.CharField(max_length=16, default=PENDING)
    paid_at = peewee.DateTimeField(null=True)

    class Meta:
        indexes = ((("payment", "tenant_id"), True),)


class LedgerEntry(BaseModel):
    """One movement of money on one account; rows are only ever added.

    ``owner_id`` is the shop's id for a shop wallet, the customer's user id for
    a customer wallet and ``PLATFORM_OWNER`` for the platform. ``tenant_id``
    names the shop a platform entry came from, so a shop can read the
    commission taken from it. The unique key makes every movement idempotent.
    """

    account = peewee.CharField(max_length=16, constraints=[peewee.Check(f"account IN {ACCOUNTS!r}")])
    owner_id = peewee.IntegerField()
    direction = peewee.CharField(max_length=6, constraints=[peewee.Check(f"direction IN {(CREDIT, DEBIT)!r}")])
    amount = peewee.BigIntegerField(constraints=[peewee.Check("amount > 0")])
    currency = peewee.CharField(max_length=3)
    reason = peewee.CharField(max_length=32)
    reference = peewee.CharField(max_length=190)
    tenant_id = peewee.IntegerField(null=True)
    payment = peewee.ForeignKeyField(Payment, null=True, backref="entries", on_delete="RESTRICT")
    note = peewee.CharField(max_length=255, default="")
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("account", "owner_id", "reason", "reference"), True),
            (("account", "owner_id", "created_at"), False),
            (("tenant_id", "account", "created_at"), False),
        )


class WalletBalance(BaseModel):
    """The running balance of a shop or customer wallet: the sum of its ledger entries."""

    account = peewee.CharField(max_length=16)
    owner_id = peewee.IntegerField()
    balance = peewee.BigIntegerField(default=0)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("account", "owner_id"), True),)
        constraints = [peewee.SQL("CHECK (account <> 'customer_wallet' OR balance >= 0)")]


class Refund(BaseModel):
    """Money of one shop's order sent back to the customer (an approved return, a cancelled paid order)."""

    tenant_id = peewee.IntegerField(index=True)
    payment = peewee.ForeignKeyField(Payment, backref="refunds", on_delete="RESTRICT")
    user_id = peewee.IntegerField()
    order_ref = peewee.CharField(max_length=190)
    amount = peewee.BigIntegerField(constraints=[peewee.Check("amount > 0")])
    reference = peewee.CharField(max_length=190, unique=True)
    method = peewee.CharField(max_length=16)
    external_reference = peewee.CharField(max_length=190, null=True)
    created_at = peewee.DateTimeField(default=utcnow)


MODELS = [PaymentGateway, Payment, PaymentShare, LedgerEntry, WalletBalance, Refund]
