"""The payments API other plugins call: gateways on offer, payments, shop wallets and refunds.

Every function that changes state runs inside the caller's ``db.transaction()``
(opening a savepoint of its own), so the money moves commit or roll back with
the order change they belong to. Each enters the context of the rows it
writes (the payment's customer, the shop of a wallet), as row-level security
on PostgreSQL requires, whoever the caller acts as.

Authorisation is the caller's: these functions trust the ids they are given.
"""

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import peewee

from kernel import context, db, invalidation, tenancy
from kernel.orm import utcnow
from kernel.statements import Create
from plugins.payments import ledger
from plugins.payments.gateways import GatewayNotOffered, PaymentStart, RefundResult
from plugins.payments.ledger import Movement
from plugins.payments.models import (
    CANCELLED, COMMISSION, COMMISSION_REFUND, CREDIT, DEBIT, FAILED, PAID, PENDING, PLATFORM, PLATFORM_OWNER,
    REFUND, REFUNDED, SALE, SHOP_WALLET, Payment, PaymentGateway, PaymentShare, Refund,
)
from plugins.platform import services as platform

COMMISSION_SETTING = "payments.commission_percent"
MIN_WITHDRAW_SETTING = "payments.min_withdraw_amount"
# The platform's cut of each delivered order unless the operator sets another, and the
# smallest withdrawal (minor units) a shop may ask for.
DEFAULT_SETTINGS = {COMMISSION_SETTING: "10.00", MIN_WITHDRAW_SETTING: 1000}

_gateway_rows = invalidation.VersionedCache(max_entries=4)


class RefundError(Exception):
    """A refund that cannot be made: nothing paid for that shop, or more than was paid."""


@dataclass(frozen=True)
class OfferedGateway:
    """A gateway a storefront offers: the plugin's descriptor with the operator's id, title and logo."""

    id: int
    name: str
    title: str
    logo: str
    online: bool


# -- settings ----------------------------------------------------------------------


def commission_percent() -> Decimal:
    """The platform's commission on delivered orders, in percent (a platform setting)."""
    return Decimal(str(platform.get_setting(COMMISSION_SETTING, DEFAULT_SETTINGS[COMMISSION_SETTING])))


def min_withdraw_amount() -> int:
    """The smallest amount (minor units) a shop may withdraw from its wallet."""
    return int(platform.get_setting(MIN_WITHDRAW_SETTING, DEFAULT_SETTINGS[MIN_WITHDRAW_SETTING]))


def update_settings(changes: dict) -> None:
    """Store the operator's change of commission and minimum withdrawal (inside the caller's transaction)."""
    stored = {}
    if "commission_percent" in changes:
        stored[COMMISSION_SETTING] = str(changes["commission_percent"])
    if "min_withdraw_amount" in changes:
        stored[MIN_WITHDRAW_SETTING] = to_minor(changes["min_withdraw_amount"])
    platform.set_settings(stored)


def percent_of(amount: int, percent: Decimal) -> int:
    """``percent`` % of ``amount`` minor units, rounded half up to a whole minor unit."""
    return int((Decimal(amount) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# -- gateways ----------------------------------------------------------------------


def _load_gateway_rows(_key) -> dict[str, PaymentGateway]:
    rows = PaymentGateway.select().where(PaymentGateway.is_active == True)  # noqa: E712
    return {row.name: row for row in rows}


def _hooks(tenant):
    host = tenancy.plugin_host()
    return host.full_view if tenant is None else tenant.hooks


def storefront_gateways(tenant) -> list[OfferedGateway]:
    """The gateways a storefront offers: its live gateway plugins' that the operator left active.

    ``tenant`` is a ``TenantInfo``, or None for the marketplace, which offers
    every installed gateway.
    """
    rows = _gateway_rows.get("active", _load_gateway_rows)
    offered = []
    for gateway in _hooks(tenant).payment_gateways(tenant=tenant):
        row = rows.get(gateway.name) if gateway is not None else None
        if row is not None:
            logo = platform.image_url(row.logo)
            offered.append((row.sort_order, row.id, OfferedGateway(row.id, row.name, row.title, logo, gateway.online)))
    return [item[2] for item in sorted(offered)]


def offered_gateways(tenant_ids) -> list[OfferedGateway]:
    """The gateways every one of these shops accepts (a checkout spanning them may use only these).

    An unknown or suspended shop accepts nothing, so its checkout is offered nothing.
    """
    shops = [tenancy.get(tenant_id) for tenant_id in sorted(set(tenant_ids))]
    if not shops or any(shop is None or not shop.active for shop in shops):
        return []
    first, *others = [storefront_gateways(shop) for shop in shops]
    common = set.intersection({g.name for g in first}, *({g.name for g in offer} for offer in others))
    return [gateway for gateway in first if gateway.name in common]


def list_gateways() -> list[PaymentGateway]:
    """Every gateway row, active or not, in the operator's order (for the admin)."""
    return list(PaymentGateway.select().order_by(PaymentGateway.sort_order, PaymentGateway.id))


def update_gateway(name: str, changes: dict) -> PaymentGateway:
    """Change a gateway's title, order or platform-wide switch; raises ``DoesNotExist`` for an unknown name."""
    row = PaymentGateway.get(PaymentGateway.name == name)
    for field in ("title", "is_active", "sort_order"):
        if field in changes:
            setattr(row, field, changes[field])
    row.save()
    invalidation.bump()
    return row


# -- payments ----------------------------------------------------------------------


_create_payment_row = Create(Payment)
_create_shares = Create(PaymentShare)


def create_payment(user_id: int, gateway: str, shares: dict[int, int]) -> Payment:
    """Create the pending payment of a checkout: ``shares`` maps each shop id to its amount (minor units).

    Raises ``GatewayNotOffered`` unless every shop of the checkout offers the
    gateway. Call :func:`start_payment` next, in the same transaction.
    """
    if not shares or any(amount < 0 for amount in shares.values()):
        raise ValueError("a payment needs one non-negative share per shop")
    if gateway not in {g.name for g in offered_gateways(shares)}:
        raise GatewayNotOffered(gateway)
    now = utcnow()
    with context.use(user=user_id), db.transaction(savepoint=False):
        payment = _create_payment_row(
            user=user_id, gateway=gateway, amount=sum(shares.values()), currency=ledger.currency(),
            created_at=now, updated_at=now,
        )
        _create_shares.many([
            {"payment": payment.id, "tenant_id": tenant_id, "user_id": user_id, "amount": amount}
            for tenant_id, amount in sorted(shares.items())
        ])
    return payment


def start_payment(payment: Payment) -> PaymentStart:
    """Hand the payment to its gateway plugin; returns where the customer goes next.

    Raises ``PaymentDeclined`` when the gateway refuses, and ``GatewayNotOffered``
    when no loaded plugin answers for the gateway.
    """
    with context.use(user=payment.user_id), db.transaction(savepoint=False):
        started = tenancy.plugin_host().hook.gateway_start_payment(gateway=payment.gateway, payment=payment)
    if started is None:
        raise GatewayNotOffered(payment.gateway)
    return started


def get_payment(payment_id: int, user_id: int) -> Payment | None:
    """A customer's payment, or None when it is not theirs."""
    with context.use(user=user_id):
        return Payment.get_or_none((Payment.id == payment_id) & (Payment.user == user_id))


def shares_of(payment: Payment) -> list[PaymentShare]:
    with context.use(user=payment.user_id):
        return list(PaymentShare.select().where(PaymentShare.payment == payment.id).order_by(PaymentShare.tenant_id))


def _reload(payment: Payment) -> Payment:
    with context.use(user=payment.user_id):
        return Payment.get_by_id(payment.id)


def _announce(hook_name: str, payment: Payment) -> None:
    def call():
        getattr(tenancy.plugin_host().hook, hook_name)(payment=_reload(payment))

    db.on_commit(call)


def mark_paid(payment: Payment, external_reference: str | None = None) -> bool:
    """Settle a pending payment and every share of it; False (changing nothing) if it was not pending.

    Idempotent: a second call, or a gateway callback arriving twice, finds the
    payment paid and does nothing. ``payment_succeeded`` is announced after commit.
    """
    now = utcnow()
    changes = {Payment.status: PAID, Payment.paid_at: now, Payment.updated_at: now}
    if external_reference is not None:
        changes[Payment.external_reference] = external_reference
    with context.use(user=payment.user_id), db.transaction():
        updated = Payment.update(changes).where((Payment.id == payment.id) & (Payment.status == PENDING)).execute()
        if not updated:
            return False
        PaymentShare.update(status=PAID, paid_at=now).where(
            (PaymentShare.payment == payment.id) & (PaymentShare.status == PENDING)
        ).execute()
    _announce("payment_succeeded", payment)
    return True


def mark_share_paid(payment: Payment, tenant_id: int) -> bool:
    """Record one shop's share as paid (cash collected on delivery); the payment is paid with its last share.

    Returns whether the share changed. Idempotent like :func:`mark_paid`.
    """
    now = utcnow()
    with context.use(user=payment.user_id), db.transaction():
        updated = PaymentShare.update(status=PAID, paid_at=now).where(
            (PaymentShare.payment == payment.id) & (PaymentShare.tenant_id == tenant_id)
            & (PaymentShare.status == PENDING)
        ).execute()
        if not updated:
            return False
        unpaid = PaymentShare.select().where((PaymentShare.payment == payment.id) & (PaymentShare.status == PENDING))
        if not unpaid.exists():
            mark_paid(payment)
    return True


def _close_unpaid(payment: Payment, status: str, reason: str) -> bool:
    now = utcnow()
    with context.use(user=payment.user_id), db.transaction():
        updated = Payment.update(status=status, failure_reason=reason[:255], updated_at=now).where(
            (Payment.id == payment.id) & (Payment.status == PENDING)
        ).execute()
        if not updated:
            return False
        PaymentShare.update(status=status).where(
            (PaymentShare.payment == payment.id) & (PaymentShare.status == PENDING)
        ).execute()
    _announce("payment_failed", payment)
    return True


def mark_failed(payment: Payment, reason: str) -> bool:
    """Record that the gateway refused a pending payment; False if it was not pending. Announces ``payment_failed``."""
    return _close_unpaid(payment, FAILED, reason)


def cancel(payment: Payment, reason: str = "") -> bool:
    """Give up a pending payment (its orders were cancelled or expired unpaid). Announces ``payment_failed``."""
    return _close_unpaid(payment, CANCELLED, reason)


# -- shop wallets --------------------------------------------------------------------


def credit_shop_on_delivery(shop_id: int, order_ref: str, amount: int, commission: Decimal | None = None,
                            payment: Payment | None = None) -> bool:
    """Credit a shop for a delivered order and take the platform's commission, once per order.

    Posts the shop's ``sale`` credit, the ``commission`` debit from the shop
    and the matching platform credit, in the caller's transaction (the one
    that marks the order delivered). ``order_ref`` must be unique on the
    platform (``"order:<id>"``); ``commission`` is a percentage, the platform
    setting by default. Returns False when the order was already credited.
    """
    rate = commission_percent() if commission is None else Decimal(commission)
    cut = percent_of(amount, rate)
    payment_id = payment.id if payment is not None else None
    movements = [Movement(SHOP_WALLET, shop_id, CREDIT, amount, SALE, order_ref, shop_id, payment_id)]
    if cut:
        movements += [
            Movement(SHOP_WALLET, shop_id, DEBIT, cut, COMMISSION, order_ref, shop_id, payment_id),
            Movement(PLATFORM, PLATFORM_OWNER, CREDIT, cut, COMMISSION, order_ref, shop_id, payment_id),
        ]
    with context.use(tenant=shop_id):
        return ledger.post(*movements)


def _commission_share(shop_id: int, order_ref: str, amount: int) -> int:
    """The part of an order's commission that ``amount`` of its sale carried (what a refund gives back)."""
    sale = ledger.entry_of(SHOP_WALLET, shop_id, SALE, order_ref)
    taken = ledger.entry_of(SHOP_WALLET, shop_id, COMMISSION, order_ref)
    if sale is None or taken is None:
        return 0
    return (2 * taken.amount * amount + sale.amount) // (2 * sale.amount)


def refund(payment: Payment, shop_id: int, order_ref: str, amount: int, reference: str) -> Refund:
    """Send ``amount`` of one shop's paid share back to the customer, once per ``reference``.

    The gateway returns the money (``gateway_refund``). If the order was
    already credited to the shop on delivery, the shop's wallet is debited the
    amount and the commission that amount carried comes back to it from the
    platform. Calling again with the same reference returns the first refund.
    Raises ``RefundError`` when the share is not paid or would be over-refunded.
    """
    if amount <= 0:
        raise RefundError("Refund a positive amount.")
    with context.use(tenant=shop_id, user=payment.user_id), db.transaction():
        existing = Refund.get_or_none(Refund.reference == reference)
        if existing is not None:
            return existing
        try:
            with db.transaction():
                row = Refund.create(
                    tenant_id=shop_id, payment=payment.id, user_id=payment.user_id, order_ref=order_ref,
                    amount=amount, reference=reference, method="pending",
                )
        except peewee.IntegrityError:
            return Refund.get(Refund.reference == reference)
        _take_from_share(payment, shop_id, amount)
        result: RefundResult | None = tenancy.plugin_host().hook.gateway_refund(
            gateway=payment.gateway, payment=payment, amount=amount, reference=reference,
        )
        if result is None:
            raise RefundError(f"No installed gateway refunds {payment.gateway} payments.")
        Refund.update(method=result.method, external_reference=result.external_reference).where(
            Refund.id == row.id
        ).execute()
        if ledger.entry_of(SHOP_WALLET, shop_id, SALE, order_ref) is not None:
            given_back = _commission_share(shop_id, order_ref, amount)
            move = functools.partial(Movement, reference=reference, tenant_id=shop_id, payment_id=payment.id)
            movements = [move(SHOP_WALLET, shop_id, DEBIT, amount, REFUND)]
            if given_back:
                movements += [
                    move(SHOP_WALLET, shop_id, CREDIT, given_back, COMMISSION_REFUND),
                    move(PLATFORM, PLATFORM_OWNER, DEBIT, given_back, COMMISSION_REFUND),
                ]
            ledger.post(*movements)
        return Refund.get_by_id(row.id)


def _take_from_share(payment: Payment, shop_id: int, amount: int) -> None:
    """Count a refund against the shop's paid share and the payment, never beyond what was paid."""
    now = utcnow()
    taken = PaymentShare.update(refunded_amount=PaymentShare.refunded_amount + amount).where(
        (PaymentShare.payment == payment.id) & (PaymentShare.tenant_id == shop_id) & (PaymentShare.status == PAID)
        & (PaymentShare.refunded_amount + amount <= PaymentShare.amount)
    ).execute()
    if not taken:
        raise RefundError("Only a paid share can be refunded, and never beyond what was paid.")
    Payment.update(refunded_amount=Payment.refunded_amount + amount, updated_at=now).where(
        Payment.id == payment.id
    ).execute()
    Payment.update(status=REFUNDED).where(
        (Payment.id == payment.id) & (Payment.status == PAID) & (Payment.refunded_amount >= Payment.amount)
    ).execute()


# -- the seller's wallet -------------------------------------------------------------

PERIODS = ("today", "this_week", "this_month", "this_year", "last_week", "last_month", "last_year")


def period_bounds(filter_type: str, now: dt.datetime) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """Return ``(start, end, previous_start)`` of a named period; the previous period ends at ``start``."""
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    week = day - dt.timedelta(days=day.weekday())
    month = day.replace(day=1)
    year = month.replace(month=1)

    def month_before(first: dt.datetime) -> dt.datetime:
        return (first - dt.timedelta(days=1)).replace(day=1)

    bounds = {
        "today": (day, day + dt.timedelta(days=1), day - dt.timedelta(days=1)),
        "this_week": (week, week + dt.timedelta(days=7), week - dt.timedelta(days=7)),
        "this_month": (month, (month + dt.timedelta(days=32)).replace(day=1), month_before(month)),
        "this_year": (year, year.replace(year=year.year + 1), year.replace(year=year.year - 1)),
        "last_week": (week - dt.timedelta(days=7), week, week - dt.timedelta(days=14)),
        "last_month": (month_before(month), month, month_before(month_before(month))),
        "last_year": (year.replace(year=year.year - 1), year, year.replace(year=year.year - 2)),
    }
    return bounds[filter_type]


def _net_sales(sums: dict[str, int]) -> int:
    return sums.get(SALE, 0) + sums.get(REFUND, 0)


def _net_commission(sums: dict[str, int]) -> int:
    return -(sums.get(COMMISSION, 0) + sums.get(COMMISSION_REFUND, 0))


def shop_wallet_summary(shop_id: int, filter_type: str | None = None) -> dict:
    """The seller's wallet figures in minor units, read from the ledger (a period's or all time).

    ``growth_percentage`` compares the period's net sales with the period before it.
    """
    with context.use(tenant=shop_id):
        lifetime = ledger.sums(SHOP_WALLET, shop_id)
        if filter_type is None:
            period, previous = lifetime, None
        else:
            start, end, previous_start = period_bounds(filter_type, utcnow())
            period = ledger.sums(SHOP_WALLET, shop_id, start, end)
            previous = ledger.sums(SHOP_WALLET, shop_id, previous_start, start)
        balance = ledger.balance(SHOP_WALLET, shop_id)
    sales, commission = _net_sales(period), _net_commission(period)
    growth = None
    if previous is not None and _net_sales(previous):
        growth = Decimal(100 * (sales - _net_sales(previous))) / Decimal(abs(_net_sales(previous)))
    minimum = min_withdraw_amount()
    return {
        "total_sales": sales, "commission": commission, "profit": sales - commission,
        "lifetime_sales": _net_sales(lifetime), "balance": balance, "growth": growth,
        "min_withdraw_amount": minimum, "is_withdrawable": balance >= minimum and balance > 0,
    }


# -- money as people read it -----------------------------------------------------------


def to_decimal(minor: int) -> Decimal:
    """Minor units as a decimal amount (``1250`` -> ``Decimal("12.50")``)."""
    return (Decimal(minor) / 100).quantize(Decimal("0.01"))


def to_minor(amount: Decimal) -> int:
    """A decimal amount with at most two places as minor units, exactly."""
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def format_money(minor: int) -> str:
    """An amount as the shop reads it, in the default currency: ``"$1,234.50"`` (or ``"1,234.50€"``)."""
    currency = platform.default_currency()
    number = f"{abs(to_decimal(minor)):,.2f}"
    text = f"{currency['symbol']}{number}" if currency["position"] == "prefix" else f"{number}{currency['symbol']}"
    return f"-{text}" if minor < 0 else text
