"""Placing the cart's ticked shops as orders: one order per shop, one payment for all of them.

All of it is one transaction, taken after locking the customer's account row
(as every cart change does): the cart is read and priced as the checkout
summary shows it, the payment is written and the cart lines are deleted, the
orders are written, the ``order_placed`` hook runs, the payment is started,
and last each shop's monthly order allowance and the stock are taken. Any
refusal rolls every part back. The allowance and the stock are rows that
every checkout of the shop updates and then holds locked until commit, so
they come last: concurrent checkouts of one shop queue on each other for the
shortest part of the transaction. The shop's order counter, the third such
row, is taken before the transaction in a statement of its own
(:func:`_reserve_numbers`).

A second request for the same cart (a double tap, a retry) waits on the
customer's lock and then finds the lines gone, so a cart becomes orders
once; a retry that carries the first one's ``Idempotency-Key`` gets the
first answer again instead.
"""

import hashlib
import json
from contextlib import nullcontext
from dataclasses import dataclass

from kernel import context, db, plans
from kernel.orm import utcnow
from kernel.statements import Create, Slot, Statement
from plugins.catalog import pricing as catalog_pricing
from plugins.catalog import stock
from plugins.catalog.browse import queries
from plugins.catalog.models import Brand, Product, ShopProfile, Unit
from plugins.orders.addresses.services import payload as address_payload
from plugins.orders.cart import checkout, pricing
from plugins.orders.cart import services as cart_services
from plugins.orders.cart.services import Line
from plugins.orders.locking import lock_customer
from plugins.orders.models import Address, CartItem
from plugins.orders.orders import services as orders
from plugins.orders.orders import tasks, transitions
from plugins.orders.orders.models import DELIVERED, PENDING, Order, OrderItem, OrderSequence, PlacementKey
from plugins.payments import services as payments
from plugins.payments.gateways import GatewayNotOffered, PaymentDeclined

ORDERS_METRIC = "orders_per_month"
EMPTY_CART = "Sorry shop cart is empty"


class Refused(Exception):
    """The placement cannot go ahead (answered 422 on ``field``)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


class KeyReused(Exception):
    """An ``Idempotency-Key`` already used for a different request."""


@dataclass(frozen=True)
class Request:
    """What the customer asked to place: the ticked shops (None: all), the address, the gateway."""

    user_id: int
    address_id: int
    payment_method: str
    shop_ids: tuple[int, ...] | None = None
    coupon_code: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Answer:
    """The placement's answer (``data`` and status), stored for replays of its idempotency key."""

    status: int
    data: dict


def fingerprint(path: str, body: dict) -> str:
    """A digest of what a request asked for, to tell a retry from a different request under the same key."""
    canonical = json.dumps({"path": path, "body": body}, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(user_id: int, key: str, digest: str) -> Answer | None:
    with context.use(user=user_id):
        stored = PlacementKey.get_or_none((PlacementKey.user == user_id) & (PlacementKey.key == key))
    if stored is None:
        return None
    if stored.fingerprint != digest:
        raise KeyReused(key)
    return Answer(stored.status, stored.body)


def _remember(user_id: int, key: str, digest: str, answer: Answer) -> None:
    with context.use(user=user_id):
        PlacementKey.create(user=user_id, key=key, fingerprint=digest, status=answer.status, body=answer.data)


_next_number = Statement(
    lambda: OrderSequence.insert(tenant_id=Slot("shop", OrderSequence.tenant_id), last=1)
    .on_conflict(conflict_target=[OrderSequence.tenant_id], update={OrderSequence.last: OrderSequence.last + 1})
    .returning(OrderSequence.last).tuples()
)
_address_of = Statement(
    lambda: Address.select().where((Address.id == Slot("id")) & (Address.user == Slot("user"))).limit(1)
)
_cart_shops = Statement(
    lambda: CartItem.across_tenants(CartItem.tenant_id).where(CartItem.user == Slot("user")).distinct().tuples()
)
_clear = Statement(lambda: CartItem.delete().where(CartItem.id.in_(Slot("ids", many=True))))
_create_order_row = Create(Order)
_create_items = Create(OrderItem)


def next_number(shop_id: int) -> int:
    """Take the shop's next order number in one upsert under the counter row's lock: no two orders share one.

    Inside a transaction the row stays locked until it ends; outside one (see
    :func:`_reserve_numbers`) the upsert commits at once. The counter's
    unique index makes a shop's first two orders meet on one row instead of
    creating two.
    """
    if context.tenant_id() != shop_id:
        with context.use(tenant=shop_id):
            return next_number(shop_id)
    if db.is_postgres():
        return _next_number.rows(shop=shop_id)[0][0]
    with db.transaction(savepoint=False):
        OrderSequence.insert(tenant_id=shop_id, last=1).on_conflict(
            conflict_target=[OrderSequence.tenant_id], update={OrderSequence.last: OrderSequence.last + 1},
        ).execute()
        return OrderSequence.select(OrderSequence.last).scalar()


def _reserve_numbers(user_id: int, shop_ids) -> dict[int, int]:
    """An order number for each named shop the customer has cart lines of, taken before placing begins.

    Each number is its own short upsert, so a shop's counter row is locked
    for that statement alone instead of until the placement commits; the
    rows every checkout of a shop must hold to the end are then only its
    stock and its monthly allowance. A placement refused afterwards leaves
    its numbers unused: order numbers are unique and increasing, not gapless.
    """
    if not shop_ids:
        return {}
    with context.use(user=user_id):
        in_cart = {shop_id for (shop_id,) in _cart_shops.execute(user=user_id)}
    return {shop_id: next_number(shop_id) for shop_id in sorted(in_cart.intersection(shop_ids))}


def order_code(prefix: str, number: int) -> str:
    """The app's ``"#" + prefix + 6-digit number`` (``#RC000042``)."""
    return f"#{prefix}{number:06d}"


def _address(user_id: int, address_id: int) -> dict:
    with context.use(user=user_id):
        row = _address_of.first(id=address_id, user=user_id)
    if row is None:
        raise Refused("address_id", "The selected address id is invalid.")
    return address_payload(row)


def _names(model, ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    return {r.id: r.name for r in model.select(model.id, model.name).where(model.id.in_(ids))} if ids else {}


def _check_gateway(method: str, shop_ids) -> None:
    if method not in {gateway.name for gateway in payments.offered_gateways(shop_ids)}:
        raise Refused("payment_method", "This payment method is not offered by every shop of the order.")


def _check_minimums(parts, profiles) -> None:
    for _, totals in parts:
        profile = profiles.get(totals.cart.shop_id)
        minimum = profile.min_order_amount if profile is not None else 0
        if totals.cart.subtotal < minimum:
            raise Refused("shop_ids", f"The minimum order amount of this shop is {minimum / 100:.2f}.")


def _stock_lines(lines: list[Line]) -> list[stock.StockLine]:
    return [
        stock.StockLine(line.shop_id, line.product.id, line.item.quantity, line.offer.sale_id if line.offer else None)
        for line in lines
    ]


def _create_order(request: Request, lines: list[Line], totals, address: dict, prefix: str, names: dict,
                  payment_id: int, number: int | None) -> Order:
    shop_id = totals.cart.shop_id
    now = utcnow()
    with context.use(tenant=shop_id):
        number = number or next_number(shop_id)
        order = _create_order_row(
            tenant_id=shop_id, user=request.user_id, number=number, code=order_code(prefix, number),
            payment=payment_id, payment_method=request.payment_method, address=address,
            quantity=totals.cart.quantity,
            subtotal=totals.cart.subtotal, discount=totals.discount, coupon_discount=totals.coupon_discount,
            delivery_charge=totals.delivery_charge, tax_amount=totals.tax, gift_charge=totals.gift_charge,
            payable=totals.payable, coupon_code=request.coupon_code or None, note=request.note[:500],
            taxes=[{"name": t.label, "percentage": t.rate, "amount": t.amount} for t in totals.taxes],
            created_at=now, updated_at=now,
        )
        rows = [
            {
                "tenant_id": shop_id, "order": order.id, "user_id": request.user_id, "product_id": line.product.id,
                "name": line.product.name, "thumbnail": line.product.thumbnail,
                "brand": names["brands"].get(line.product.brand_id), "unit": names["units"].get(line.product.unit_id),
                "size_id": line.size.id if line.size else None, "size": line.size.name if line.size else None,
                "color_id": line.color.id if line.color else None, "color": line.color.name if line.color else None,
                "unit_list_price": priced.unit_list_price, "unit_price": priced.unit_price,
                "quantity": priced.quantity, "vat_percent": priced.vat_percent, "is_digital": priced.is_digital,
                "flash_sale_id": line.offer.sale_id if line.offer else None,
            }
            for line, priced in ((line, line.priced()) for line in lines)
        ]
        # The lines just written, for the ``order_placed`` hooks (the order mail) to use without reading them back.
        order.placed_items = _create_items.many(rows)
        orders.record(order, None, PENDING, transitions.CUSTOMER, request.user_id)
    return order


def place(tenant, request: Request, idempotency: tuple[str, str] | None = None) -> Answer:
    """Place the ticked shops' cart lines as orders, or replay the answer of an ``(key, fingerprint)`` seen before.

    Raises ``Refused`` (422), ``KeyReused`` (422) and ``plans.LimitExceeded``
    (403) before anything is written or with everything rolled back.
    """
    address = _address(request.user_id, request.address_id)
    numbers = _reserve_numbers(request.user_id, request.shop_ids)
    with context.use(user=request.user_id), db.transaction():
        lock_customer(request.user_id)
        if idempotency is not None:
            replayed = _replay(request.user_id, *idempotency)
            if replayed is not None:
                return replayed
        parts, profiles = checkout.priced_parts(tenant, request.user_id, request.shop_ids, request.coupon_code)
        answer = _place_parts(request, parts, profiles, address, from_cart=True, numbers=numbers)
        if idempotency is not None:
            _remember(request.user_id, *idempotency, answer)
    return answer


def reorder(tenant, user_id: int, order_id: int, payment_method: str) -> Answer:
    """Place a delivered order again, to the same address, at today's prices, if all of it is still sold."""
    order = orders.customer_order(user_id, order_id)
    if order.order_status != DELIVERED:
        raise Refused("order_id", "Only a delivered order can be ordered again.")
    request = Request(user_id, order.address.get("id") or 0, payment_method, (order.tenant_id,))
    with context.use(user=user_id), db.transaction():
        lock_customer(user_id)
        profiles = checkout.shop_profiles([order.tenant_id])
        part = _part_of(tenant, order, profiles.get(order.tenant_id))
        return _place_parts(request, [part], profiles, order.address, from_cart=False)


def _part_of(tenant, order: Order, profile: ShopProfile | None) -> tuple[list[Line], pricing.ShopTotals]:
    """The delivered order's lines priced as a cart of its shop would be now (unsaved cart lines)."""
    items = orders.items_of(order)
    products = {p.id: p for p in queries.visible_products(tenant).where(Product.id.in_([i.product_id for i in items]))}
    sizes = cart_services._sizes({(i.product_id, i.size_id) for i in items if i.size_id})
    colors = cart_services._colors({(i.product_id, i.color_id) for i in items if i.color_id})
    offers = catalog_pricing.running_offers(list(products))
    lines = []
    for item in items:
        product = products.get(item.product_id)
        size, color = sizes.get((item.product_id, item.size_id)), colors.get((item.product_id, item.color_id))
        if product is None or (item.size_id and size is None) or (item.color_id and color is None):
            raise Refused("order_id", f"{item.name} is no longer available.")
        with context.use(tenant=order.tenant_id):
            row = CartItem(id=0, tenant_id=order.tenant_id, user=order.user_id, product=product.id,
                           quantity=item.quantity)
        lines.append(Line(row, product, size, color, offers.get(product.id)))
    priced = tuple(line.priced() for line in lines)
    cart = pricing.ShopCart(order.tenant_id, order.user_id, priced,
                            pricing.delivery_charge(priced, profile.delivery_charge if profile else 0))
    return lines, pricing.totals(cart, None)


def _place_parts(request: Request, parts, profiles: dict, address: dict, from_cart: bool,
                 numbers: dict | None = None) -> Answer:
    """Write one order per shop part under one payment, inside the caller's transaction; see the module.

    ``profiles`` are the parts' shop profiles (``checkout.shop_profiles``);
    ``numbers`` are order numbers reserved per shop; a shop without one takes its number here.
    """
    if not parts:
        raise Refused("shop_ids", EMPTY_CART)
    shop_ids = [totals.cart.shop_id for _, totals in parts]
    _check_gateway(request.payment_method, shop_ids)
    _check_minimums(parts, profiles)
    all_lines = [line for lines, _ in parts for line in lines]
    names = {
        "brands": _names(Brand, (line.product.brand_id for line in all_lines)),
        "units": _names(Unit, (line.product.unit_id for line in all_lines)),
    }
    try:
        payment = payments.create_payment(
            request.user_id, request.payment_method, {totals.cart.shop_id: totals.payable for _, totals in parts},
        )
    except GatewayNotOffered:
        raise Refused("payment_method", "This payment method is not offered by every shop of the order.") from None
    if from_cart:
        for shop_id in shop_ids:
            _clear_lines(shop_id, [line.item.id for line in all_lines if line.shop_id == shop_id])
    numbers = numbers or {}
    placed = [
        (_create_order(request, lines, totals, address, _prefix(profiles, totals.cart.shop_id), names, payment.id,
                       numbers.get(totals.cart.shop_id)),
         totals)
        for lines, totals in parts
    ]
    for order, totals in placed:
        orders.shop_hooks(order.tenant_id).order_placed(order=order, totals=totals)
    try:
        started = payments.start_payment(payment)
    except PaymentDeclined as exc:
        raise Refused("payment_method", str(exc) or "The payment was declined.") from None
    # Last, the rows every checkout of the shop updates and then holds locked until commit: keep that short.
    for shop_id in sorted(shop_ids):
        plans.take(shop_id, ORDERS_METRIC)
    # A one-shop checkout (the usual one) takes its stock in one switch to the shop.
    with context.use(tenant=shop_ids[0]) if len(shop_ids) == 1 else nullcontext():
        try:
            stock.take(_stock_lines(all_lines))
        except stock.OutOfStock as exc:
            message = "Sorry! the flash sale is sold out." if exc.flash_sale else "Sorry! this product is sold out."
            raise Refused("shop_ids", message) from None
    for order, _ in placed:
        db.on_commit(_after_commit(order))
    return Answer(200, {
        "order_payment_url": started.redirect_url,
        "payment_id": payment.id,
        "order_ids": [order.id for order, _ in placed],
    })


def _prefix(profiles: dict, shop_id: int) -> str:
    profile = profiles.get(shop_id)
    return (profile.prefix or "").upper() if profile is not None else ""


def _clear_lines(shop_id: int, line_ids: list[int]) -> None:
    """Delete the placed lines from the cart, as the shop that owns them."""
    with context.use(tenant=shop_id):
        _clear.execute(ids=line_ids)


def _after_commit(order: Order):
    def enqueue():
        tasks.make_invoice(order.id, tenant_id=order.tenant_id)

    return enqueue
