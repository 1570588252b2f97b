"""Order e-mails: composing them into the outbox with the change they report, and sending each once.

A mail is written inside the transaction of its change (so it exists exactly
when the change does) and sent by a task after commit. Sending first takes a
lease on the row with one conditional UPDATE, so a task delivered twice, or
a sweep racing a slow worker, sends it once; a failed send gives the lease
back for the retry. A worker killed mid-send leaves the lease to expire, and
the sweep sends the mail then: at least once, and in practice once.
"""

import datetime as dt

from kernel import context, db, mail, tenancy
from kernel.models import User
from kernel.orm import utcnow
from kernel.statements import Create, Slot, Statement
from plugins.catalog import money
from plugins.orders.notifications.models import OrderMail
from plugins.orders.orders import payloads
from plugins.orders.orders import services as orders
from plugins.orders.orders.models import (
    CANCELLED, CONFIRM, DELIVERED, ON_THE_WAY, PAYMENT_PAID, PICKUP, PROCESSING, Order,
)

# How long a worker holds a mail; a lease older than this belongs to a lost worker.
LEASE = dt.timedelta(minutes=10)
# A mail the server refused this many times is left alone (the address is likely wrong).
MAX_ATTEMPTS = 5

NEWS = {
    CONFIRM: "has been confirmed by the shop",
    PROCESSING: "is being prepared",
    PICKUP: "is ready to be picked up",
    ON_THE_WAY: "is on the way",
    DELIVERED: "has been delivered",
    CANCELLED: "has been cancelled",
}


def _amount(minor: int) -> str:
    return f"{money.to_float(minor):.2f}"


def _summary(order: Order, items: list | None = None) -> str:
    """The order as the mails show it: its lines, what is paid and how, and where it goes.

    ``items`` are the order's lines when the caller has them at hand (placing
    just wrote them); otherwise they are read.
    """
    lines = []
    for item in items if items is not None else orders.items_of(order):
        variant = ", ".join(v for v in (item.size, item.color) if v)
        name = f"{item.name} ({variant})" if variant else item.name
        lines.append(f"  {item.quantity} x {name}: {_amount(item.unit_price * item.quantity)}")
    address = order.address or {}
    where = ", ".join(
        part for part in (address.get("name"), address.get("phone"), address.get("address_line"), address.get("area"))
        if part
    )
    # Only a paid online order is labelled with its gateway's title: read the titles for it alone.
    paid_online = order.payment_method != orders.CASH and order.payment_status == PAYMENT_PAID
    payment = payloads.payment_label(order, payloads.gateway_titles() if paid_online else {})
    return "\n".join([*lines, "", f"Total: {_amount(order.payable)}", f"Payment: {payment}", f"Deliver to: {where}"])


_create_mail = Create(OrderMail)
_people = Statement(lambda: User.select(User.id, User.name, User.email).where(User.id.in_(Slot("ids", many=True))))


def _queue(order: Order, recipient: str, subject: str, body: str) -> int:
    with context.use(tenant=order.tenant_id):
        return _create_mail(order=order.id, recipient=recipient, subject=subject, body=body).id


def placed(order: Order) -> list[int]:
    """Write the new order's mails (to its customer, and to its shop's owner); returns their ids.

    Accounts without an e-mail address (phone sign-ups) get none. The lines
    are those placing just wrote (``order.placed_items``) when it left them on
    the order; the customer and the owner are read in one query, and both
    mails are written in one switch to the shop.
    """
    shop = tenancy.get(order.tenant_id)
    owner_id = shop.owner_id if shop else None
    wanted = {order.user_id} | ({owner_id} if owner_id else set())
    users = {row.id: row for row in _people.execute(ids=list(wanted))}
    customer = users.get(order.user_id)
    owner = users.get(owner_id) if owner_id else None
    shop_name = shop.name if shop else ""
    summary = _summary(order, getattr(order, "placed_items", None))
    queued = []
    with context.use(tenant=order.tenant_id):
        if customer is not None and customer.email:
            queued.append(_queue(
                order, customer.email, f"Your order {order.code} is placed",
                f"Hello {customer.name},\n\nThank you for your order {order.code} at {shop_name}.\n\n{summary}\n\n"
                "We will write to you again as it moves on.\n",
            ))
        if owner is not None and owner.email:
            buyer = customer.name if customer is not None else "A customer"
            queued.append(_queue(
                order, owner.email, f"New order {order.code}",
                f"{buyer} placed order {order.code} at {shop_name}.\n\n{summary}\n",
            ))
    return queued


def status_changed(order: Order, to_status: str) -> list[int]:
    """Write the customer's mail about the order's new status; returns its id (none without an address)."""
    customer = User.get_or_none(User.id == order.user_id)
    if customer is None or not customer.email:
        return []
    shop = tenancy.get(order.tenant_id)
    news = NEWS.get(to_status, f"is now {to_status}")
    return [_queue(
        order, customer.email, f"Your order {order.code} {news}",
        f"Hello {customer.name},\n\nYour order {order.code} at {shop.name if shop else ''} {news}.\n\n"
        f"{_summary(order)}\n",
    )]


def send(mail_id: int, now: dt.datetime | None = None) -> bool:
    """Send one mail of the shop in context unless it is sent or leased; True when this call sent it.

    A failed send gives the lease back and raises, so the task's retry (or the
    sweep) tries again.
    """
    now = now or utcnow()
    with db.transaction():
        leased = OrderMail.update(claimed_at=now, attempts=OrderMail.attempts + 1).where(
            OrderMail.id == mail_id, OrderMail.sent_at.is_null(),
            OrderMail.claimed_at.is_null() | (OrderMail.claimed_at < now - LEASE),
        ).execute()
    if not leased:
        return False
    row = OrderMail.get_by_id(mail_id)
    try:
        mail.deliver(mail.build(row.recipient, row.subject, row.body))
    except OSError:
        with db.transaction():
            OrderMail.update(claimed_at=None).where(OrderMail.id == mail_id).execute()
        raise
    with db.transaction():
        OrderMail.update(sent_at=utcnow()).where(OrderMail.id == mail_id).execute()
    return True


def due(now: dt.datetime | None = None) -> list[int]:
    """The shop's mails still unsent a lease after they were written, which no worker holds any more."""
    stale = (now or utcnow()) - LEASE
    query = OrderMail.select(OrderMail.id).where(
        OrderMail.sent_at.is_null(), OrderMail.attempts < MAX_ATTEMPTS, OrderMail.created_at < stale,
        OrderMail.claimed_at.is_null() | (OrderMail.claimed_at < stale),
    )
    return [row.id for row in query.order_by(OrderMail.id)]
