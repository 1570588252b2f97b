"""The cart summary the app shows before an order is placed (``POST /api/cart/checkout``).

For each shop the customer ticked: the subtotal of its lines at their
effective prices, the shop's delivery charge (none when every line is
digital), the catalog's VAT, and the live plugins' ``cart_adjustments``
(coupons, discounts, fees, gifts). The app shows the sums over those shops.
"""

from kernel.statements import Slot, Statement
from plugins.catalog import money
from plugins.catalog.models import ShopProfile
from plugins.catalog.payloads import shop_cards
from plugins.orders.cart import pricing
from plugins.orders.cart.services import Line, by_shop, visible_lines


_profiles = Statement(
    lambda: ShopProfile.across_tenants(
        ShopProfile.tenant_id, ShopProfile.delivery_charge, ShopProfile.min_order_amount, ShopProfile.prefix,
    ).where(ShopProfile.tenant_id.in_(Slot("shops", many=True)))
)


def shop_profiles(shop_ids) -> dict[int, ShopProfile]:
    """What pricing and placing read of each shop's profile (delivery charge, minimum order, order prefix)."""
    shop_ids = list(shop_ids)
    return {row.tenant_id: row for row in _profiles.execute(shops=shop_ids)} if shop_ids else {}


def priced_parts(tenant, user_id: int, shop_ids, coupon_code: str | None):
    """:func:`shop_parts`, and the chosen shops' profiles it read, which placing goes on to use."""
    groups = by_shop(visible_lines(tenant, user_id))
    chosen = [shop_id for shop_id in groups if shop_ids is None or shop_id in shop_ids]
    profiles = shop_profiles(chosen)
    carts = []
    for shop_id in chosen:
        lines = tuple(line.priced() for line in groups[shop_id])
        profile = profiles.get(shop_id)
        carts.append(pricing.ShopCart(shop_id, user_id, lines,
                                      pricing.delivery_charge(lines, profile.delivery_charge if profile else 0)))
    parts = [(groups[cart.shop_id], pricing.totals(cart, coupon_code, tuple(carts))) for cart in carts]
    return parts, profiles


def shop_parts(tenant, user_id: int, shop_ids, coupon_code: str | None) -> list[tuple[list[Line], pricing.ShopTotals]]:
    """Each chosen shop's visible cart lines with its totals, for ``shop_ids`` (None: every shop in the cart).

    Shops named but not in the cart are ignored: the app names the shops
    whose box is ticked, and a shop whose lines went out of sight has none.
    Placing an order reads the same parts the summary shows, so the customer
    pays what they were shown.
    """
    return priced_parts(tenant, user_id, shop_ids, coupon_code)[0]


def summarize(tenant, user_id: int, shop_ids, coupon_code: str | None) -> list[pricing.ShopTotals]:
    """Totals per shop of the cart on this storefront (see :func:`shop_parts`)."""
    return [totals for _, totals in shop_parts(tenant, user_id, shop_ids, coupon_code)]


def _taxes(summaries: list[pricing.ShopTotals]) -> list[dict]:
    """``all_vat_taxes``: each tax (name and rate) once, summed over every shop."""
    merged: dict[tuple[str, float], int] = {}
    for summary in summaries:
        for tax in summary.taxes:
            merged[(tax.label, tax.rate)] = merged.get((tax.label, tax.rate), 0) + tax.amount
    return [
        {"name": name, "percentage": float(rate), "amount": money.to_float(amount)}
        for (name, rate), amount in merged.items()
    ]


def _amounts(summaries: list[pricing.ShopTotals]) -> dict:
    return {
        "total_amount": money.to_float(sum(s.cart.subtotal for s in summaries)),
        "delivery_charge": money.to_float(sum(s.delivery_charge for s in summaries)),
        "coupon_discount": money.to_float(sum(s.coupon_discount for s in summaries)),
        "discount": money.to_float(sum(s.discount for s in summaries)),
        "order_tax_amount": money.to_float(sum(s.tax for s in summaries)),
        "gift_charge": money.to_float(sum(s.gift_charge for s in summaries)),
        "payable_amount": money.to_float(sum(s.payable for s in summaries)),
    }


def checkout_payload(summaries: list[pricing.ShopTotals], coupon_code: str | None) -> dict:
    """``data`` of ``/cart/checkout``: the sums (``checkout``), whether a coupon took effect, and each shop's part."""
    names = shop_cards(s.cart.shop_id for s in summaries)
    return {
        "checkout": {**_amounts(summaries), "all_vat_taxes": _taxes(summaries)},
        "apply_coupon": bool(coupon_code) and any(s.coupon_discount > 0 for s in summaries),
        "checkout_items": [
            {
                "shop_id": s.cart.shop_id,
                "shop_name": names[s.cart.shop_id]["name"],
                "quantity": s.cart.quantity,
                **_amounts([s]),
            }
            for s in summaries
        ],
    }
