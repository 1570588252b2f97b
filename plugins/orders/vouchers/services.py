"""Coupons: what a code is worth on a checkout, the customers' vouchers, their uses, and their management.

A typed code names, for each shop of the checkout, that shop's own active
coupon with the code, and otherwise the platform's coupon with the code; a
platform coupon's discount is worked out on the subtotal of all the shops it
covers and shared out over them by subtotal, rounded so the parts add up to
the whole exactly. The checkout summary, ``/apply-voucher`` and the placing of
orders all go through :func:`applications`, so the customer is charged what
they were shown.

A use is one checkout (one payment), whatever number of shop orders it made:
the coupon's total count and the customer's count are each taken by one
conditional UPDATE inside the placing transaction (two placements can never
both take the last use) and given back when the checkout's last order with
the coupon is cancelled.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import peewee

from kernel import context, db
from kernel.orm import utcnow
from plugins.catalog import money
from plugins.catalog.visibility import storefront_shop_ids
from plugins.orders.cart import pricing
from plugins.orders.locking import lock_customer
from plugins.orders.vouchers.models import AMOUNT, PERCENT, Coupon, CouponCustomer, CouponUsage

# The app's names of the two kinds (``discount_type``) and the stored ones.
APP_TYPES = {AMOUNT: "Amount", PERCENT: "Percentage"}
STORED_TYPES = {name: kind for kind, name in APP_TYPES.items()}
DATE_FORMAT = "%d %B %Y %H:%M"
HUNDRED_PERCENT = 10_000
LIST_LIMIT = 200

REASONS = {
    "unknown": "This coupon code is not valid.",
    "not_started": "This coupon is not valid yet.",
    "expired": "This coupon has expired.",
    "usage_exhausted": "This coupon has been used up.",
    "user_limit_reached": "You have already used this coupon as often as it allows.",
    "not_collected": "Collect this voucher before using it.",
    "minimum_not_reached": "The order does not reach this coupon's minimum amount.",
    "empty_cart": "Your cart has no products of these shops.",
}


class Rejected(Exception):
    """The code gives no discount on this checkout; ``reason`` is a key of ``REASONS``."""

    def __init__(self, reason: str, message: str | None = None):
        self.reason = reason
        self.message = message or REASONS[reason]
        super().__init__(self.message)


class NotFound(LookupError):
    """No such coupon in the caller's scope (another shop's answers the same)."""


class Invalid(Exception):
    """A coupon's fields do not fit together (answered 422 on ``field``)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def normalize(code: str | None) -> str:
    """Codes are matched without surrounding spaces and regardless of case."""
    return (code or "").strip().upper()


# -- what a code is worth ------------------------------------------------------------


@dataclass(frozen=True)
class Application:
    """One coupon applied to a checkout: its discount on each shop it covers (minor units, all positive)."""

    coupon: Coupon
    shares: dict[int, int]


def _coupons(code: str, shop_ids) -> dict[int | None, Coupon]:
    """The active coupons with ``code``: the platform's (key None) and those of ``shop_ids``."""
    scope = Coupon.tenant_id.is_null()
    if shop_ids:
        scope |= Coupon.tenant_id.in_(list(shop_ids))
    rows = Coupon.select().where(Coupon.code == code, Coupon.is_active == True, scope)  # noqa: E712
    return {row.tenant_id: row for row in rows}


def _standings(user_id: int | None, coupon_ids) -> dict[int, CouponCustomer]:
    if user_id is None or not coupon_ids:
        return {}
    with context.use(user=user_id):
        rows = CouponCustomer.select().where(CouponCustomer.user == user_id,
                                             CouponCustomer.coupon.in_(list(coupon_ids)))
        return {row.coupon_id: row for row in rows}


def _used_up(coupon: Coupon, standing: CouponCustomer | None) -> Rejected | None:
    """Why the coupon has no use left for this customer, or None."""
    if coupon.usage_limit is not None and coupon.used_count >= coupon.usage_limit:
        return Rejected("usage_exhausted")
    if standing is not None and standing.used >= coupon.limit_per_user:
        return Rejected("user_limit_reached")
    return None


def check(coupon: Coupon, subtotal: int, standing: CouponCustomer | None, now: dt.datetime) -> None:
    """Raise ``Rejected`` unless the coupon may serve this customer's ``subtotal`` now."""
    if now < coupon.starts_at:
        raise Rejected("not_started")
    if now >= coupon.ends_at:
        raise Rejected("expired")
    used_up = _used_up(coupon, standing)
    if used_up is not None:
        raise used_up
    if coupon.requires_collection and not (standing is not None and standing.collected):
        raise Rejected("not_collected")
    if subtotal < coupon.min_order_amount:
        raise Rejected("minimum_not_reached",
                       f"The order must come to at least {money.to_float(coupon.min_order_amount):.2f} "
                       "for this coupon.")


def discount_of(coupon: Coupon, subtotal: int) -> int:
    """The coupon's discount on ``subtotal``: its percentage (rounded half up) or amount, within its cap."""
    if coupon.discount_type == PERCENT:
        raw = int((Decimal(subtotal) * coupon.value / HUNDRED_PERCENT).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    else:
        raw = coupon.value
    if coupon.max_discount is not None:
        raw = min(raw, coupon.max_discount)
    return max(0, min(raw, subtotal))


def split(total: int, weights: list[tuple[int, int]]) -> dict[int, int]:
    """Share ``total`` over ``(key, weight)`` pairs in proportion, summing to ``total`` exactly.

    Each key gets the floor of its exact share; the units left over go one
    each to the largest remainders, earlier keys first on a tie.
    """
    whole = sum(weight for _, weight in weights)
    if whole <= 0:
        return {key: 0 for key, _ in weights}
    shares = {key: total * weight // whole for key, weight in weights}
    left = total - sum(shares.values())
    by_remainder = sorted(range(len(weights)), key=lambda i: -(total * weights[i][1] % whole))
    for i in by_remainder[:left]:
        shares[weights[i][0]] += 1
    return shares


def applications(code: str | None, carts, user_id: int | None,
                 now: dt.datetime | None = None) -> tuple[list[Application], Rejected | None]:
    """The coupons ``code`` applies on a checkout's ``carts``, and why it gives nothing where it gives nothing.

    Returns the applications with a positive discount, and the first
    rejection met (None when there was none), so a caller can say why a code
    did nothing.
    """
    code = normalize(code)
    if not code or not carts:
        return [], Rejected("unknown") if code else None
    now = now or utcnow()
    found = _coupons(code, {cart.shop_id for cart in carts})
    standings = _standings(user_id, [coupon.id for coupon in found.values()])
    groups: list[tuple[Coupon, list]] = []
    platform_carts = [cart for cart in carts if cart.shop_id not in found]
    groups += [(found[cart.shop_id], [cart]) for cart in carts if cart.shop_id in found]
    if platform_carts and None in found:
        groups.append((found[None], platform_carts))
    applied, rejection = [], None
    for coupon, covered in groups:
        subtotal = sum(cart.subtotal for cart in covered)
        try:
            check(coupon, subtotal, standings.get(coupon.id), now)
        except Rejected as exc:
            rejection = rejection or exc
            continue
        amount = discount_of(coupon, subtotal)
        if amount > 0:
            applied.append(Application(coupon, split(amount, [(cart.shop_id, cart.subtotal) for cart in covered])))
    if not groups:
        rejection = Rejected("unknown")
    return applied, rejection


def adjustments(cart: pricing.ShopCart, code: str | None, checkout) -> list[pricing.Adjustment] | None:
    """``cart_adjustments``: this shop's part of the coupon ``code`` names on the checkout, if any."""
    applied, _ = applications(code, checkout, cart.user_id)
    found = [
        pricing.Adjustment("coupon", -application.shares[cart.shop_id], application.coupon.code)
        for application in applied
        if application.shares.get(cart.shop_id)
    ]
    return found or None


def apply(carts, user_id: int, code: str) -> dict:
    """What ``code`` takes off the customer's checkout of ``carts``, or ``Rejected`` with the reason."""
    if not carts:
        raise Rejected("empty_cart")
    applied, rejection = applications(code, carts, user_id)
    if not applied:
        raise rejection or Rejected("unknown")
    shares: dict[int, int] = {}
    for application in applied:
        for shop_id, amount in application.shares.items():
            shares[shop_id] = shares.get(shop_id, 0) + amount
    total_order = sum(cart.subtotal for cart in carts)
    discount = sum(shares.values())
    return {
        "coupon_code": normalize(code),
        "total_discount_amount": money.to_float(discount),
        "total_order_amount": money.to_float(total_order),
        "payable_amount": money.to_float(total_order - discount),
        "shops": [{"shop_id": shop_id, "discount": money.to_float(amount)} for shop_id, amount in shares.items()],
    }


# -- the customer's vouchers ----------------------------------------------------------


def voucher_payload(coupon: Coupon, collected: bool = False) -> dict:
    """``VoucherModel`` (FLUTTER_CONTRACT.md section 3.11); a platform coupon shows ``shop_id`` 0."""
    percent = coupon.discount_type == PERCENT
    cap = coupon.max_discount if coupon.max_discount is not None else (0 if percent else coupon.value)
    return {
        "id": coupon.id,
        "voucher_type": "shop" if coupon.tenant_id else "platform",
        "code": coupon.code,
        "discount_type": APP_TYPES[coupon.discount_type],
        "discount": coupon.value / 100.0,
        "min_order_amount": money.to_float(coupon.min_order_amount),
        "max_discount_amount": money.to_float(cap),
        "limit_for_user": coupon.limit_per_user,
        "shop_id": coupon.tenant_id or 0,
        "started": coupon.starts_at.strftime(DATE_FORMAT),
        "validity": coupon.ends_at.strftime(DATE_FORMAT),
        "is_collected": collected,
    }


def _offered(now: dt.datetime):
    """Coupons a customer may see now: active, begun, not ended, not used up."""
    return Coupon.select().where(
        Coupon.is_active == True, Coupon.starts_at <= now, Coupon.ends_at > now,  # noqa: E712
        Coupon.usage_limit.is_null() | (Coupon.used_count < Coupon.usage_limit),
    )


def vouchers(tenant, user_id: int | None, shop_id: int | None) -> list[dict]:
    """The vouchers on offer: one shop's when ``shop_id`` is given, else the platform's (and the storefront shop's).

    A shop this storefront does not show has none.
    """
    now = utcnow()
    shown = storefront_shop_ids(tenant)
    if shop_id is not None:
        if shop_id not in shown:
            return []
        scope = Coupon.tenant_id == shop_id
    else:
        scope = Coupon.tenant_id.is_null()
        if tenant is not None:
            scope |= Coupon.tenant_id == tenant.id
    rows = list(_offered(now).where(scope).order_by(Coupon.ends_at, Coupon.id).limit(LIST_LIMIT))
    standings = _standings(user_id, [row.id for row in rows])
    return [voucher_payload(row, bool(standings.get(row.id) and standings[row.id].collected)) for row in rows]


def collect(tenant, user_id: int, coupon_id: int) -> dict | None:
    """Add a voucher on offer to the customer's collection; None when it was collected already."""
    now = utcnow()
    coupon = _offered(now).where(Coupon.id == coupon_id).first()
    if coupon is None or (coupon.tenant_id is not None and coupon.tenant_id not in storefront_shop_ids(tenant)):
        raise NotFound("Voucher not found.")
    with context.use(user=user_id), db.transaction():
        lock_customer(user_id)
        standing = CouponCustomer.get_or_none((CouponCustomer.coupon == coupon.id) & (CouponCustomer.user == user_id))
        if standing is not None and standing.collected:
            return None
        if standing is None:
            CouponCustomer.create(coupon=coupon.id, user=user_id, collected=True, collected_at=now)
        else:
            CouponCustomer.update(collected=True, collected_at=now).where(CouponCustomer.id == standing.id).execute()
    return voucher_payload(coupon, collected=True)


# -- uses ------------------------------------------------------------------------------


def _standing_locked(coupon_id: int, user_id: int) -> None:
    """Make sure the customer's standing row exists and hold it until the transaction ends.

    Releases of sibling orders (a shared platform coupon) then run one after
    the other, so the last one sees the others and gives the use back.
    """
    CouponCustomer.insert(coupon=coupon_id, user=user_id).on_conflict_ignore().execute()
    query = CouponCustomer.select(CouponCustomer.id).where(CouponCustomer.coupon == coupon_id,
                                                           CouponCustomer.user == user_id)
    if db.is_postgres():
        query = query.for_update("FOR NO KEY UPDATE")
    query.first()


def record_usage(order, totals: pricing.ShopTotals) -> None:
    """Record the coupon the order was charged with, taking a use the first time its checkout names it.

    Runs inside the placing transaction (``order_placed``). Raises ``UsedUp``
    when the coupon or the customer has no use left, which refuses the whole
    placement.
    """
    code = normalize(order.coupon_code)
    if not code:
        return
    found = _coupons(code, [order.tenant_id])
    coupon = found.get(order.tenant_id) or found.get(None)
    if coupon is None:
        return
    amount = -sum(a.amount for a in totals.adjustments if a.kind == "coupon" and a.label == coupon.code)
    with context.use(tenant=order.tenant_id, user=order.user_id):
        taken = CouponUsage.across_tenants().where(
            CouponUsage.coupon == coupon.id, CouponUsage.payment_id == order.payment_id,
            CouponUsage.released_at.is_null(),
        ).exists()
        if amount <= 0:
            # The summary the customer saw may have had the discount before another checkout took the
            # last use: refuse rather than charge more than was shown.
            used_up = None if taken else _used_up(coupon, _standings(order.user_id, [coupon.id]).get(coupon.id))
            if used_up is not None:
                raise UsedUp(used_up)
            return
        _standing_locked(coupon.id, order.user_id)
        if not taken:
            _take(coupon, order.user_id)
        CouponUsage.create(tenant_id=order.tenant_id, coupon=coupon.id, order=order.id, user_id=order.user_id,
                           payment_id=order.payment_id, amount=amount)


class UsedUp(Exception):
    """The coupon, or this customer's share of it, has no use left."""

    def __init__(self, rejection: Rejected):
        super().__init__(rejection.message)
        self.rejection = rejection


def _take(coupon: Coupon, user_id: int) -> None:
    """Take one use of the coupon and one of the customer's, each by a conditional UPDATE, or raise ``UsedUp``."""
    total = Coupon.update(used_count=Coupon.used_count + 1, updated_at=utcnow()).where(
        Coupon.id == coupon.id, Coupon.usage_limit.is_null() | (Coupon.used_count < Coupon.usage_limit),
    )
    if total.execute() == 0:
        raise UsedUp(Rejected("usage_exhausted"))
    mine = CouponCustomer.update(used=CouponCustomer.used + 1).where(
        CouponCustomer.coupon == coupon.id, CouponCustomer.user == user_id,
        CouponCustomer.used < coupon.limit_per_user,
    )
    if mine.execute() == 0:
        raise UsedUp(Rejected("user_limit_reached"))


def release_usage(order) -> None:
    """Give back the coupon uses of a cancelled order: a checkout's use returns with its last live order."""
    now = utcnow()
    with context.use(tenant=order.tenant_id, user=order.user_id), db.transaction():
        rows = list(CouponUsage.select().where(CouponUsage.order == order.id, CouponUsage.released_at.is_null()))
        for row in rows:
            _standing_locked(row.coupon_id, row.user_id)
            released = CouponUsage.update(released_at=now).where(
                CouponUsage.id == row.id, CouponUsage.released_at.is_null(),
            ).execute()
            if not released:
                continue
            left = CouponUsage.across_tenants().where(
                CouponUsage.coupon == row.coupon_id, CouponUsage.payment_id == row.payment_id,
                CouponUsage.released_at.is_null(),
            ).exists()
            if left:
                continue
            Coupon.update(used_count=Coupon.used_count - 1).where(
                Coupon.id == row.coupon_id, Coupon.used_count > 0,
            ).execute()
            CouponCustomer.update(used=CouponCustomer.used - 1).where(
                CouponCustomer.coupon == row.coupon_id, CouponCustomer.user == row.user_id, CouponCustomer.used > 0,
            ).execute()


# -- management ---------------------------------------------------------------------------


def _scope(shop_id: int | None):
    return Coupon.tenant_id.is_null() if shop_id is None else Coupon.tenant_id == shop_id


def _iso_utc(moment: dt.datetime) -> str:
    """A stored (naive UTC) time as ISO 8601 with its offset, so clients need not guess the zone."""
    return moment.replace(tzinfo=dt.timezone.utc).isoformat()


def managed_payload(coupon: Coupon) -> dict:
    """A coupon as its manager sees it: the voucher keys plus limits, counts and state."""
    return {
        **voucher_payload(coupon),
        "usage_limit": coupon.usage_limit,
        "used_count": coupon.used_count,
        "requires_collection": coupon.requires_collection,
        "is_active": coupon.is_active,
        "starts_at": _iso_utc(coupon.starts_at),
        "ends_at": _iso_utc(coupon.ends_at),
    }


def managed(shop_id: int | None) -> list[dict]:
    """Every coupon of the platform (``shop_id`` None) or of one shop, newest first."""
    rows = Coupon.select().where(_scope(shop_id)).order_by(Coupon.id.desc())
    return [managed_payload(row) for row in rows]


def find_managed(shop_id: int | None, coupon_id: int) -> Coupon:
    coupon = Coupon.select().where(_scope(shop_id), Coupon.id == coupon_id).first()
    if coupon is None:
        raise NotFound("Coupon not found.")
    return coupon


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _columns(data: dict) -> dict:
    """Schema keys (the app's names, decimal amounts) to columns (minor units, hundredths of a percent).

    A cap or a usage limit of 0 means none.
    """
    columns = {}
    cents = lambda amount: int(amount * 100)  # noqa: E731  (Decimal with at most two places: exact)
    if "code" in data:
        columns["code"] = normalize(data["code"])
    if "discount_type" in data:
        columns["discount_type"] = STORED_TYPES[data["discount_type"]]
    if "discount" in data:
        columns["value"] = cents(data["discount"])
    if "min_order_amount" in data:
        columns["min_order_amount"] = cents(data["min_order_amount"] or 0)
    if "max_discount_amount" in data:
        columns["max_discount"] = cents(data["max_discount_amount"]) or None
    if "usage_limit" in data:
        columns["usage_limit"] = data["usage_limit"] or None
    for key, column in (("starts_at", "starts_at"), ("ends_at", "ends_at")):
        if key in data:
            columns[column] = _naive_utc(data[key])
    for key, column in (("limit_for_user", "limit_per_user"),
                        ("requires_collection", "requires_collection"), ("is_active", "is_active")):
        if key in data:
            columns[column] = data[key]
    return columns


def _consistent(coupon: Coupon) -> None:
    if coupon.discount_type == PERCENT and coupon.value > HUNDRED_PERCENT:
        raise Invalid("discount", "A percentage cannot be above 100.")
    if coupon.value <= 0:
        raise Invalid("discount", "The discount must be above zero.")
    if coupon.ends_at <= coupon.starts_at:
        raise Invalid("ends_at", "The end must come after the start.")


def _code_taken(shop_id: int | None, code: str, coupon_id: int | None) -> bool:
    query = Coupon.select(Coupon.id).where(_scope(shop_id), Coupon.code == code)
    if coupon_id is not None:
        query = query.where(Coupon.id != coupon_id)
    return query.exists()


def _save(coupon: Coupon, shop_id: int | None) -> Coupon:
    """Check and write the coupon in one transaction; a code taken in the scope answers on ``code``."""
    _consistent(coupon)
    try:
        with db.transaction():
            if _code_taken(shop_id, coupon.code, coupon.id):
                raise Invalid("code", "This code is already in use.")
            coupon.save()
    except peewee.IntegrityError:
        raise Invalid("code", "This code is already in use.") from None
    return coupon


def create(shop_id: int | None, data: dict) -> Coupon:
    now = utcnow()
    return _save(Coupon(tenant_id=shop_id, created_at=now, updated_at=now, **_columns(data)), shop_id)


def update(shop_id: int | None, coupon_id: int, data: dict) -> Coupon:
    coupon = find_managed(shop_id, coupon_id)
    for column, value in _columns(data).items():
        setattr(coupon, column, value)
    coupon.updated_at = utcnow()
    return _save(coupon, shop_id)


def delete(shop_id: int | None, coupon_id: int) -> None:
    """Remove a coupon; orders placed with it keep their code and discount."""
    coupon = find_managed(shop_id, coupon_id)
    with db.transaction():
        Coupon.delete().where(Coupon.id == coupon.id).execute()
