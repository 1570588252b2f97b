"""The seller's list of its shop's orders (FLUTTER_CONTRACT.md section 12.1, also the canonical list).

One query shape answers both: the original's filters (a search by code or
customer, a date range or a named period, its five status tabs) and any
status spelled in any case.
"""

import datetime as dt

import peewee

from kernel.models import User
from kernel.orm import utcnow
from plugins.orders.orders.models import (
    CANCELLED, CONFIRM, DELIVERED, ON_THE_WAY, PENDING, PICKUP, PROCESSING, Order,
)
from plugins.payments.services import period_bounds

# The original seller app's tabs: (value, label, statuses).
TABS = (
    ("pending", "Pending", (PENDING,)),
    ("confirm", "Confirm", (CONFIRM,)),
    ("to_pickup", "To Pickup", (PROCESSING,)),
    ("to_delivery", "To Delivery", (PICKUP, ON_THE_WAY)),
    ("delivered", "Delivered", (DELIVERED,)),
    ("cancelled", "Cancelled", (CANCELLED,)),
)
DEFAULT_PER_PAGE = 15


def _statuses(value: str) -> tuple[str, ...] | None:
    wanted = value.strip().lower()
    for tab, _, statuses in TABS:
        if wanted == tab:
            return statuses
    return tuple(s for s in (PENDING, CONFIRM, PROCESSING, PICKUP, ON_THE_WAY, DELIVERED, CANCELLED)
                 if s.lower() == wanted)


def _searched(query, text: str):
    text = text.strip()
    code = text.lstrip("#")
    customers = User.select(User.id).where(
        (User.name.contains(text)) | (User.email.contains(text)) | (User.phone.contains(text))
    )
    return query.where(Order.code.contains(code) | Order.user.in_(customers))


def _dated(query, params: dict):
    if params.get("filter_type"):
        start, end, _ = period_bounds(params["filter_type"], utcnow())
        query = query.where(Order.created_at >= start, Order.created_at < end)
    if params.get("start_date"):
        query = query.where(Order.created_at >= dt.datetime.combine(params["start_date"], dt.time()))
    if params.get("end_date"):
        query = query.where(Order.created_at < dt.datetime.combine(params["end_date"], dt.time()) + dt.timedelta(days=1))
    return query


def listing(params: dict):
    """The shop's orders matching the filters, newest first, and the counts per tab over the other filters."""
    query = Order.select()
    if params.get("search"):
        query = _searched(query, params["search"])
    query = _dated(query, params)
    counts = dict(
        query.select(Order.order_status, peewee.fn.COUNT(Order.id)).group_by(Order.order_status).tuples()
    )
    tabs = [
        {"name": label, "value": value, "status": sum(counts.get(s, 0) for s in statuses)}
        for value, label, statuses in TABS
    ]
    if params.get("order_status"):
        query = query.where(Order.order_status.in_(_statuses(params["order_status"]) or ("",)))
    return query.order_by(Order.created_at.desc(), Order.id.desc()), tabs


def customers_of(orders) -> dict[int, User]:
    ids = {order.user_id for order in orders}
    return {u.id: u for u in User.select().where(User.id.in_(ids))} if ids else {}
