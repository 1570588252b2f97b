"""Orders after placing: reading them (customer and seller), moving their status, and what each move does.

Every change is one transaction run as the order's shop (the tenant that owns
the row, as row-level security requires), whoever asks: the customer, the
seller, or the system. The status moves by a conditional UPDATE on the
status it was read in, so two concurrent changes cannot both apply; the
loser is refused like any other forbidden move. Side effects that move stock
or money run in that same transaction: a cancelled order gives its stock
back and cancels or refunds its payment; a delivered one credits the shop's
wallet (and, for cash, records the shop's share as collected).
"""

import datetime as dt

import peewee

from kernel import context, db, tenancy
from kernel.orm import utcnow
from kernel.statements import Create
from plugins.catalog import stock
from plugins.orders.orders import transitions
from plugins.orders.orders.models import (
    CANCELLED, DELIVERED, ORDER_STATUSES, PAYMENT_PAID, PAYMENT_PENDING, PENDING, Order, OrderItem,
    OrderStatusEvent,
)
from plugins.payments import services as payments
from plugins.payments.models import PAID as PAYMENT_ROW_PAID
from plugins.payments.models import Payment
from plugins.platform import services as platform

CASH = "cash"
EXPIRY_SETTING = "orders.unpaid_expiry_minutes"
DEFAULT_EXPIRY_MINUTES = 30
# The app shows "Return" for this many days after an order was delivered (the original's 3 by default).
RETURN_DAYS_SETTING = "orders.return_within_days"
DEFAULT_RETURN_DAYS = 3


class NotFound(LookupError):
    """No such order for this caller (another customer's or another shop's order looks the same)."""


class Refused(Exception):
    """A change the order cannot take (answered 422 on ``field``)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def canonical_status(value: str) -> str | None:
    """The stored spelling of a status named in any case (the app sends ``On the Way``), or None."""
    return {status.lower(): status for status in ORDER_STATUSES}.get(value.strip().lower())


def shop_hooks(shop_id: int):
    """The hook view of the order's shop, so only plugins live for it hear about its orders."""
    return tenancy.get(shop_id).hooks


# -- reading -------------------------------------------------------------------------


def customer_orders(user_id: int, shop_id: int | None, status: str | None = None):
    """The customer's orders, newest first: every shop's on the marketplace, one shop's on its storefront."""
    query = Order.across_tenants().where(Order.user == user_id)
    if shop_id is not None:
        query = query.where(Order.tenant_id == shop_id)
    if status:
        query = query.where(peewee.fn.LOWER(Order.order_status) == status.strip().lower())
    return query.order_by(Order.created_at.desc(), Order.id.desc())


def customer_order(user_id: int, order_id: int, shop_id: int | None = None) -> Order:
    order = customer_orders(user_id, shop_id).where(Order.id == order_id).first()
    if order is None:
        raise NotFound("Order not found.")
    return order


def shop_order(order_id: int) -> Order:
    """An order of the shop in context."""
    order = Order.select().where(Order.id == order_id).first()
    if order is None:
        raise NotFound("Order not found.")
    return order


def items_of(order: Order) -> list[OrderItem]:
    with context.use(tenant=order.tenant_id):
        return list(OrderItem.select().where(OrderItem.order == order.id).order_by(OrderItem.id))


def history_of(order: Order) -> list[OrderStatusEvent]:
    with context.use(tenant=order.tenant_id):
        return list(OrderStatusEvent.select().where(OrderStatusEvent.order == order.id).order_by(OrderStatusEvent.id))


def is_returnable(order: Order, now: dt.datetime | None = None) -> bool:
    if order.order_status != DELIVERED:
        return False
    return last_return_date(order) > (now or utcnow())


def return_days() -> int:
    """How many days after delivery a customer may ask for a return (a platform setting)."""
    return int(platform.get_setting(RETURN_DAYS_SETTING, DEFAULT_RETURN_DAYS))


def last_return_date(order: Order) -> dt.datetime:
    return (order.delivered_at or order.created_at) + dt.timedelta(days=return_days())


# -- changing ------------------------------------------------------------------------


_create_event = Create(OrderStatusEvent)


def record(order: Order, from_status: str | None, to_status: str, actor: str, actor_id: int | None,
           note: str = "") -> None:
    """Append one row to the order's history (inside the caller's transaction, as the order's shop)."""
    with context.use(tenant=order.tenant_id):
        _create_event(
            order=order.id, user_id=order.user_id, from_status=from_status, to_status=to_status, actor=actor,
            actor_id=actor_id, note=note[:255],
        )


def stock_lines(order: Order) -> list[stock.StockLine]:
    return [
        stock.StockLine(order.tenant_id, item.product_id, item.quantity, item.flash_sale_id)
        for item in items_of(order)
    ]


def payment_of(order: Order) -> Payment | None:
    if order.payment_id is None:
        return None
    with context.use(user=order.user_id):
        return Payment.get_or_none(Payment.id == order.payment_id)


def change_status(order: Order, wanted: str, actor: str, actor_id: int | None, note: str = "") -> Order:
    """Move an order to ``wanted`` if ``actor`` may, with the move's side effects; returns the order as it now is.

    Raises ``transitions.TransitionRefused`` for a move the table forbids (or
    that a concurrent change got to first) and ``Refused`` for a delivery of
    an online order that is not paid.
    """
    current = order.order_status
    transitions.check(actor, current, wanted, order.fulfilment)
    if wanted == DELIVERED and order.payment_method != CASH and order.payment_status != PAYMENT_PAID:
        raise Refused("order_status", "This order is not paid yet.")
    now = utcnow()
    changes = {Order.order_status: wanted, Order.updated_at: now}
    if wanted == DELIVERED:
        changes[Order.delivered_at] = now
    with context.use(tenant=order.tenant_id), db.transaction():
        moved = Order.update(changes).where(Order.id == order.id, Order.order_status == current).execute()
        if not moved:
            raise transitions.TransitionRefused(Order.get_by_id(order.id).order_status, wanted)
        record(order, current, wanted, actor, actor_id, note)
        if wanted == CANCELLED:
            _cancelled(order)
        elif wanted == DELIVERED:
            _delivered(order)
        changed = Order.get_by_id(order.id)
        shop_hooks(order.tenant_id).order_status_changed(
            order=changed, from_status=current, to_status=wanted, actor=actor,
        )
    return changed


def _cancelled(order: Order) -> None:
    """Give the stock back; refund a paid order, or give up its payment once none of its orders is left."""
    stock.release(stock_lines(order))
    payment = payment_of(order)
    if payment is None:
        return
    if order.payment_status == PAYMENT_PAID and order.payable > 0:
        payments.refund(payment, order.tenant_id, f"order:{order.id}", order.payable, f"order:{order.id}:cancel")
        return
    live = (
        Order.across_tenants(Order.id)
        .where(Order.payment == payment.id, Order.order_status != CANCELLED, Order.id != order.id)
    )
    with context.use(user=order.user_id):
        others = live.exists()
    if not others:
        payments.cancel(payment, f"order {order.code} cancelled")


def _delivered(order: Order) -> None:
    """Credit the shop's wallet once per order; cash is collected now, so the shop's share is paid."""
    payment = payment_of(order)
    if order.payment_method == CASH and payment is not None:
        payments.mark_share_paid(payment, order.tenant_id)
        Order.update(payment_status=PAYMENT_PAID).where(Order.id == order.id).execute()
        db.on_commit(_receipt_maker(order.tenant_id, order.id))
    payments.credit_shop_on_delivery(order.tenant_id, f"order:{order.id}", order.payable, payment=payment)


# -- payments ------------------------------------------------------------------------


def repay(order: Order, method: str) -> str | None:
    """Pay an unpaid online order anew through ``method``; returns the gateway's web-view URL.

    The order gets a payment of its own; the one it had is given up once no
    other live order shares it. Raises the gateway's ``GatewayNotOffered`` or
    ``PaymentDeclined``.
    """
    with context.use(user=order.user_id), db.transaction():
        old = payment_of(order)
        payment = payments.create_payment(order.user_id, method, {order.tenant_id: order.payable})
        with context.use(tenant=order.tenant_id):
            Order.update(payment=payment.id, payment_method=method, updated_at=utcnow()).where(
                Order.id == order.id).execute()
        if old is not None and not Order.across_tenants(Order.id).where(
            Order.payment == old.id, Order.order_status != CANCELLED,
        ).exists():
            payments.cancel(old, f"order {order.code} paid anew")
        started = payments.start_payment(payment)
    return started.redirect_url


def _orders_of_payment(payment: Payment) -> list[tuple[int, int]]:
    """``(shop id, order id)`` of every order a payment covers (read as its customer, across shops)."""
    with context.use(user=payment.user_id):
        return list(Order.across_tenants(Order.tenant_id, Order.id).where(Order.payment == payment.id).tuples())


def payment_settled(payment: Payment) -> None:
    """Mark the payment's live orders paid (``payment_succeeded``; a second call changes nothing)."""
    if payment.status != PAYMENT_ROW_PAID:
        return
    for shop_id, order_id in _orders_of_payment(payment):
        with context.use(tenant=shop_id), db.transaction():
            paid = Order.update(payment_status=PAYMENT_PAID, updated_at=utcnow()).where(
                Order.id == order_id, Order.payment_status == PAYMENT_PENDING, Order.order_status != CANCELLED,
            ).execute()
            if paid:
                db.on_commit(_receipt_maker(shop_id, order_id))


def _receipt_maker(shop_id: int, order_id: int):
    """The after-commit step that queues the payment receipt of an order just marked paid."""

    def enqueue():
        from plugins.orders.orders import tasks  # the tasks module imports this one

        tasks.make_receipt(order_id, tenant_id=shop_id)

    return enqueue


def payment_given_up(payment: Payment) -> None:
    """Cancel and restock the payment's orders still Pending (``payment_failed``); idempotent."""
    for shop_id, order_id in _orders_of_payment(payment):
        with context.use(tenant=shop_id):
            order = Order.get_or_none(Order.id == order_id)
        if order is None or order.order_status != PENDING or order.payment_status == PAYMENT_PAID:
            continue
        try:
            change_status(order, CANCELLED, transitions.SYSTEM, None, f"payment {payment.status}")
        except transitions.TransitionRefused:
            continue


# -- expiry --------------------------------------------------------------------------


def expiry_minutes() -> int:
    """How long an online order may stay unpaid before it is cancelled (a platform setting)."""
    return int(platform.get_setting(EXPIRY_SETTING, DEFAULT_EXPIRY_MINUTES))


def lacking_documents(shop_id: int, changed_before: dt.datetime, limit: int) -> list[Order]:
    """The shop's orders, unchanged since ``changed_before``, still without their invoice or (paid) their receipt.

    Their task was lost (a Redis restart drops queued messages), or failed
    every retry. Each kind has a partial index of its own (migration 7), so
    the sweep reads only such orders, however many the shop has (unordered:
    an ``ORDER BY id`` would tempt the planner into walking every order by
    its primary key instead).
    """
    with context.use(tenant=shop_id):
        return list(
            Order.select().where(
                Order.updated_at < changed_before,
                Order.invoice_key.is_null() | (Order.receipt_key.is_null() & (Order.payment_status == PAYMENT_PAID)),
            ).limit(limit)
        )


def expire_unpaid(shop_id: int, now: dt.datetime | None = None) -> int:
    """Cancel and restock the shop's online orders left unpaid past the expiry; returns how many.

    Idempotent: an order already cancelled (or paid meanwhile) is refused by
    the status move and skipped, so a retried or doubled task does no harm.
    """
    cutoff = (now or utcnow()) - dt.timedelta(minutes=expiry_minutes())
    with context.use(tenant=shop_id):
        stale = list(
            Order.select().where(
                Order.order_status == PENDING, Order.payment_status == PAYMENT_PENDING,
                Order.payment_method != CASH, Order.created_at < cutoff,
            ).order_by(Order.id)
        )
    expired = 0
    for order in stale:
        try:
            change_status(order, CANCELLED, transitions.SYSTEM, None, "unpaid: expired")
        except transitions.TransitionRefused:
            continue
        expired += 1
    return expired
