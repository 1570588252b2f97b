"""Effective prices: a running flash sale, else the discount, else the list price.

The rules are written once over plain amounts (``effective_amount`` and the
two functions after it), so the model-based helpers below and the product
listing, which reads bare rows, cannot drift apart.
"""

from dataclasses import dataclass

from kernel.orm import utcnow
from kernel.statements import Slot, Statement
from plugins.catalog.models import FlashSale, FlashSaleProduct, Product


@dataclass(frozen=True)
class FlashOffer:
    """A product's live flash-sale slot."""

    sale_id: int
    price: int
    remaining: int


_running = Statement(
    lambda: FlashSaleProduct.across_tenants(FlashSaleProduct, FlashSale.id)
    .join(FlashSale)
    .where(
        FlashSaleProduct.product.in_(Slot("ids", many=True)),
        FlashSale.is_active == True,  # noqa: E712
        FlashSale.start_at <= Slot("now"),
        FlashSale.end_at > Slot("now"),
        FlashSaleProduct.sold < FlashSaleProduct.quantity,
    )
    .order_by(FlashSaleProduct.price.desc(), FlashSaleProduct.id.desc())
)


def running_offers(product_ids) -> dict[int, FlashOffer]:
    """Live flash-sale offers for products (running sale, units left), one query.

    A product in two running sales gets its cheaper offer (then the older
    slot), as the product listing prices it.
    """
    ids = list(product_ids)
    if not ids:
        return {}
    rows = _running.execute(ids=ids, now=utcnow())
    # Ordered dearest first, so the cheapest offer of a product is written last and kept.
    return {
        row.product_id: FlashOffer(row.flash_sale_id, row.price, row.quantity - row.sold)
        for row in rows
    }


def effective_amount(price: int, discount_price: int | None, offer_price: int | None = None) -> int:
    """What the product costs now: the offer's price, else a real discount, else the list price."""
    if offer_price is not None:
        return offer_price
    if discount_price and 0 < discount_price < price:
        return discount_price
    return price


def shown_discount_amount(price: int, effective: int) -> int:
    """The app's ``discount_price``: the price actually charged when below the list price, else 0."""
    return effective if effective < price else 0


def percentage_off(price: int, effective: int) -> float:
    if not price or effective >= price:
        return 0.0
    return round(100.0 * (price - effective) / price, 2)


def effective_price(product: Product, offer: FlashOffer | None) -> int:
    return effective_amount(product.price, product.discount_price, None if offer is None else offer.price)


def shown_discount(product: Product, offer: FlashOffer | None) -> int:
    return shown_discount_amount(product.price, effective_price(product, offer))


def discount_percentage(product: Product, offer: FlashOffer | None) -> float:
    return percentage_off(product.price, effective_price(product, offer))
