"""Effective prices: a running flash sale, else the discount, else the list price."""

from dataclasses import dataclass

from kernel.orm import utcnow
from plugins.catalog.models import FlashSale, FlashSaleProduct, Product


@dataclass(frozen=True)
class FlashOffer:
    """A product's live flash-sale slot."""

    sale_id: int
    price: int
    remaining: int


def running_offers(product_ids) -> dict[int, FlashOffer]:
    """Live flash-sale offers for products (running sale, units left), one query."""
    ids = list(product_ids)
    if not ids:
        return {}
    now = utcnow()
    rows = (
        FlashSaleProduct.across_tenants(FlashSaleProduct, FlashSale.id)
        .join(FlashSale)
        .where(
            FlashSaleProduct.product.in_(ids),
            FlashSale.is_active == True,  # noqa: E712
            FlashSale.start_at <= now,
            FlashSale.end_at > now,
            FlashSaleProduct.sold < FlashSaleProduct.quantity,
        )
    )
    return {
        row.product_id: FlashOffer(row.flash_sale_id, row.price, row.quantity - row.sold)
        for row in rows
    }


def effective_price(product: Product, offer: FlashOffer | None) -> int:
    if offer is not None:
        return offer.price
    if product.discount_price and 0 < product.discount_price < product.price:
        return product.discount_price
    return product.price


def shown_discount(product: Product, offer: FlashOffer | None) -> int:
    """The app's ``discount_price``: the price actually charged when below the list price, else 0."""
    price = effective_price(product, offer)
    return price if price < product.price else 0


def discount_percentage(product: Product, offer: FlashOffer | None) -> float:
    price = effective_price(product, offer)
    if not product.price or price >= product.price:
        return 0.0
    return round(100.0 * (product.price - price) / product.price, 2)
