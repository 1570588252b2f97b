"""Prices of a cart: each line at the catalog's effective price, each shop's totals with its adjustments.

Everything is in integer minor units. A line costs the catalog's effective
unit price (a running flash sale's price, else the discount, else the list
price) plus its size's and colour's add-ons; VAT is not in it. Each shop's
part of the cart adds the shop's delivery charge, the catalog's VAT on its
subtotal, and whatever the live plugins answer to ``cart_adjustments``
(coupons, discounts, fees, gifts).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kernel import tenancy

KINDS = ("discount", "coupon", "delivery", "tax", "gift")
VAT_LABEL = "VAT"


@dataclass(frozen=True)
class PricedLine:
    """A cart line with its prices: ``unit_list_price`` before any discount, ``unit_price`` charged."""

    line_id: int
    product_id: int
    quantity: int
    unit_list_price: int
    unit_price: int
    vat_percent: float
    is_digital: bool

    @property
    def total(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class ShopCart:
    """One shop's part of a customer's cart, as ``cart_adjustments`` receives it."""

    shop_id: int
    user_id: int
    lines: tuple[PricedLine, ...]
    delivery_charge: int

    @property
    def subtotal(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def vat(self) -> tuple["Adjustment", ...]:
        """The catalog's VAT: each rate applied once to the subtotal of the lines it covers."""
        by_rate: dict[float, int] = {}
        for line in self.lines:
            if line.vat_percent > 0:
                by_rate[line.vat_percent] = by_rate.get(line.vat_percent, 0) + line.total
        return tuple(
            Adjustment("tax", percent_of(amount, rate), VAT_LABEL, rate) for rate, amount in sorted(by_rate.items())
        )


@dataclass(frozen=True)
class Adjustment:
    """A change to what the customer pays for one shop's part of the cart.

    ``amount`` is added to the payable amount (negative for ``discount`` and
    ``coupon``); ``rate`` is the percentage a ``tax`` shows (``"VAT (5.0%)"``).
    """

    kind: str
    amount: int
    label: str
    rate: float = 0.0

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown adjustment kind {self.kind!r}; use one of {', '.join(KINDS)}")


@dataclass(frozen=True)
class ShopTotals:
    """A shop's part of the summary: the cart, and every adjustment in a stable order."""

    cart: ShopCart
    adjustments: tuple[Adjustment, ...]

    def _sum(self, kind: str) -> int:
        return sum(a.amount for a in self.adjustments if a.kind == kind)

    @property
    def delivery_charge(self) -> int:
        return self.cart.delivery_charge + self._sum("delivery")

    @property
    def coupon_discount(self) -> int:
        return -self._sum("coupon")

    @property
    def discount(self) -> int:
        return -self._sum("discount")

    @property
    def tax(self) -> int:
        return self._sum("tax")

    @property
    def gift_charge(self) -> int:
        return self._sum("gift")

    @property
    def taxes(self) -> tuple[Adjustment, ...]:
        return tuple(a for a in self.adjustments if a.kind == "tax")

    @property
    def payable(self) -> int:
        total = self.cart.subtotal + self.cart.delivery_charge + sum(a.amount for a in self.adjustments)
        return max(0, total)


def percent_of(amount: int, rate: float) -> int:
    """``rate`` percent of ``amount``, rounded half up to a whole minor unit."""
    value = Decimal(amount) * Decimal(str(rate)) / 100
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def delivery_charge(lines, shop_delivery_charge: int) -> int:
    """The shop's delivery charge, unless every line is a digital product (nothing to deliver)."""
    return 0 if all(line.is_digital for line in lines) else shop_delivery_charge


def totals(cart: ShopCart, coupon_code: str | None, checkout: tuple[ShopCart, ...] = ()) -> ShopTotals:
    """The shop's totals: its VAT, then the live plugins' adjustments, in load order and then by kind.

    ``checkout`` is every shop's part of the same checkout (this one alone
    when not given), so an adjustment that spans shops can share itself out.
    """
    hooks = tenancy.get(cart.shop_id).hooks
    answers = hooks.cart_adjustments(cart=cart, coupon_code=coupon_code, checkout=checkout or (cart,))
    contributed = [adjustment for answer in reversed(answers) for adjustment in answer or ()]
    ordered = sorted((*cart.vat, *contributed), key=lambda a: KINDS.index(a.kind))
    return ShopTotals(cart, tuple(ordered))
