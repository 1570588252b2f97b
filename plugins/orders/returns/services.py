"""Returns: asking to send lines of a delivered order back, reading returns, and the shop's decision.

A customer may return whole lines of one of their orders while it is
returnable (Delivered, within the return window of ``orders.services``); each
order line goes into one return at most, whatever that return's fate, so a
line refused once cannot be asked for again (the app greys it out). The
amount is what the lines were sold at (unit price times quantity), never
more than what is left of the order's payable amount after its other
returns, so a big coupon cannot make a return worth more than was paid.

Every change is one transaction run as the order's shop, whoever asks
(row-level security lets the customer read their returns across shops but
write nothing). Approving moves the status by a conditional UPDATE on the status
it was read in, puts the goods back in stock and refunds the amount through
the order's payment, all in that one transaction: two approvals racing each
other refund once, and a refund the gateway refuses leaves the return as it
was. How the money goes back is the gateway's (``gateway_refund``): to the
customer's wallet for wallet payments, through Stripe for cards, and for cash
on delivery by a bank transfer the operator makes to the account the return
names (which is why a cash order's return must name one).
"""

import peewee

from kernel import context, db
from kernel.orm import utcnow
from plugins.catalog import stock
from plugins.orders.orders import services as orders
from plugins.orders.orders.models import DELIVERED, Order, OrderItem
# The plugin's one pair of refusals: another customer's or shop's return is as unknown as its order.
from plugins.orders.orders.services import NotFound, Refused
from plugins.orders.returns import transitions
from plugins.orders.returns.models import APPROVED, RETURN_STATUSES, ReturnOrder, ReturnOrderItem
from plugins.payments import services as payments


def canonical_status(value: str) -> str | None:
    """The stored spelling of a return status named in any case, or None."""
    return {status.lower(): status for status in RETURN_STATUSES}.get(value.strip().lower())


# -- reading -------------------------------------------------------------------------


def _with_order(query):
    """Returns with their order joined (the payloads show the order's code), newest first."""
    return query.join(Order, on=(ReturnOrder.order == Order.id)).order_by(
        ReturnOrder.created_at.desc(), ReturnOrder.id.desc(),
    )


def customer_returns(user_id: int, shop_id: int | None):
    """The customer's returns: every shop's on the marketplace, one shop's on its storefront."""
    query = _with_order(ReturnOrder.across_tenants(ReturnOrder, Order)).where(ReturnOrder.user == user_id)
    if shop_id is not None:
        query = query.where(ReturnOrder.tenant_id == shop_id)
    return query


def customer_return(user_id: int, return_id: int, shop_id: int | None) -> ReturnOrder:
    found = customer_returns(user_id, shop_id).where(ReturnOrder.id == return_id).first()
    if found is None:
        raise NotFound("Return not found.")
    return found


def shop_returns(status: str | None = None):
    """The returns of the shop in context, optionally of one status."""
    query = _with_order(ReturnOrder.select(ReturnOrder, Order))
    if status is not None:
        query = query.where(ReturnOrder.status == status)
    return query


def shop_return(return_id: int) -> ReturnOrder:
    found = shop_returns().where(ReturnOrder.id == return_id).first()
    if found is None:
        raise NotFound("Return not found.")
    return found


def lines_of(order_return: ReturnOrder) -> list[tuple[ReturnOrderItem, OrderItem]]:
    """The returned lines with the order lines they send back, in the order's line order."""
    with context.use(tenant=order_return.tenant_id):
        rows = (
            ReturnOrderItem.select(ReturnOrderItem, OrderItem)
            .join(OrderItem, on=(ReturnOrderItem.order_item == OrderItem.id))
            .where(ReturnOrderItem.return_order == order_return.id)
            .order_by(OrderItem.id)
        )
        return [(row, row.order_item) for row in rows]


def returned_item_ids(order: Order) -> set[int]:
    """Ids of the order's lines already in a return (of any status): the app may not offer them again."""
    with context.use(tenant=order.tenant_id):
        query = (
            ReturnOrderItem.select(ReturnOrderItem.order_item)
            .join(ReturnOrder, on=(ReturnOrderItem.return_order == ReturnOrder.id))
            .where(ReturnOrder.order == order.id)
        )
        return {item_id for (item_id,) in query.tuples()}


# -- asking ----------------------------------------------------------------------------


def _check_returnable(order: Order) -> None:
    if order.order_status != DELIVERED:
        raise Refused("order_id", "Only a delivered order can be returned.")
    if not orders.is_returnable(order):
        closed = orders.last_return_date(order).strftime("%Y-%m-%d")
        raise Refused("order_id", f"The return window of this order closed on {closed}.")


def _chosen_lines(order: Order, product_ids) -> list[OrderItem]:
    """Every line of the order of each product named; a product the order lacks is refused."""
    wanted = set(product_ids)
    lines = [item for item in orders.items_of(order) if item.product_id in wanted]
    missing = sorted(wanted - {item.product_id for item in lines})
    if missing:
        raise Refused("product_ids", f"Product {missing[0]} is not in this order.")
    return lines


def _lock(order: Order) -> None:
    """Take the order's row until commit (PostgreSQL), so returns of one order are asked for in turn.

    The amount cap reads the order's other returns, so two requests for
    different lines of one order must not both read before either writes.
    SQLite's writing transactions are serialised already.
    """
    if db.is_postgres():
        Order.select(Order.id).where(Order.id == order.id).for_update("FOR NO KEY UPDATE").first()


def _amount(order: Order, lines: list[OrderItem]) -> int:
    """What the lines were sold at, capped to what the order's earlier returns left of its payable amount."""
    sold = sum(item.unit_price * item.quantity for item in lines)
    asked = ReturnOrder.select(peewee.fn.SUM(ReturnOrder.amount)).where(ReturnOrder.order == order.id).scalar()
    return max(0, min(sold, order.payable - (asked or 0)))


def request_return(user_id: int, shop_id: int | None, form: dict) -> ReturnOrder:
    """Ask to return the lines of ``form["product_ids"]`` of one of the customer's orders; returns it Pending.

    ``form`` holds ``order_id``, ``product_ids``, ``reason``, ``return_address``
    and optionally ``bank_name`` and ``bank_account_number``. Raises
    ``NotFound`` for an order that is not the customer's and ``Refused`` when
    the order is not returnable, a product is not in it, a line was returned
    already, or a cash order's return names no bank account.
    """
    try:
        order = orders.customer_order(user_id, form["order_id"], shop_id)
    except orders.NotFound:
        raise NotFound("Order not found.") from None
    _check_returnable(order)
    lines = _chosen_lines(order, form["product_ids"])
    if order.payment_method == orders.CASH and not form.get("bank_account_number"):
        raise Refused("bank_account_number", "Name the bank account the refund of a cash order goes to.")
    with context.use(tenant=order.tenant_id), db.transaction():
        _lock(order)
        if ReturnOrderItem.select().where(ReturnOrderItem.order_item.in_([item.id for item in lines])).exists():
            raise Refused("product_ids", "A product of this request was already returned.")
        created = ReturnOrder.create(
            order=order.id, user=user_id, reason=form["reason"], return_address=form["return_address"],
            bank_name=form.get("bank_name"), bank_account_number=form.get("bank_account_number"),
            amount=_amount(order, lines), quantity=sum(item.quantity for item in lines),
        )
        ReturnOrderItem.insert_many([
            {"return_order": created.id, "order_item": item.id, "user_id": user_id, "product_id": item.product_id,
             "quantity": item.quantity, "unit_price": item.unit_price, "tenant_id": order.tenant_id}
            for item in lines
        ]).execute()
    return customer_return(user_id, created.id, shop_id)


# -- the shop's decision -----------------------------------------------------------------


def change_status(order_return: ReturnOrder, wanted: str, note: str | None = None) -> ReturnOrder:
    """Move a return of the shop to ``wanted`` by the transition table; approving restocks and refunds.

    Returns the return as it now is. Raises ``transitions.TransitionRefused``
    for a move the table forbids (or that a concurrent change got to first)
    and ``Refused`` when the refund cannot be made; either way nothing changed.
    """
    current = order_return.status
    transitions.check(current, wanted)
    changes = {ReturnOrder.status: wanted, ReturnOrder.updated_at: utcnow()}
    if note is not None:
        changes[ReturnOrder.note] = note
    with context.use(tenant=order_return.tenant_id):
        with db.transaction():
            moved = ReturnOrder.update(changes).where(
                ReturnOrder.id == order_return.id, ReturnOrder.status == current,
            ).execute()
            if not moved:
                raise transitions.TransitionRefused(ReturnOrder.get_by_id(order_return.id).status, wanted)
            if wanted == APPROVED:
                _approved(order_return)
        return shop_return(order_return.id)


def _approved(order_return: ReturnOrder) -> None:
    """Put the goods back in stock and send the amount back through the order's payment, once.

    The units go back to the product, not to a flash sale's slot: the sale
    they were bought in has long ended, or sold its slot already.
    """
    lines = lines_of(order_return)
    stock.release([
        stock.StockLine(order_return.tenant_id, line.product_id, line.quantity)
        for line, sold in lines if not sold.is_digital
    ])
    order = Order.get_by_id(order_return.order_id)
    payment = orders.payment_of(order)
    method = None
    if order_return.amount > 0 and payment is not None:
        try:
            refund = payments.refund(
                payment, order.tenant_id, f"order:{order.id}", order_return.amount, f"return:{order_return.id}",
            )
        except payments.RefundError as exc:
            raise Refused("status", str(exc)) from None
        method = refund.method
    ReturnOrder.update(refund_method=method, refunded_at=utcnow()).where(ReturnOrder.id == order_return.id).execute()
