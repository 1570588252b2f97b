"""Flash sales as a storefront shows them: the running and the next one, and a sale's products.

A sale is platform-wide, but a storefront shows it only while it holds
products of the storefront's shops, and shows only those products.
"""

from kernel.orm import utcnow
from plugins.catalog import money, pricing
from plugins.catalog.browse.services import flash_sale_payload
from plugins.catalog.models import FlashSale, FlashSaleProduct, Product, ProductCategory
from plugins.catalog.payloads import product_cards


class FlashSaleNotFound(LookupError):
    """The sale is unknown, ended, switched off or holds none of this storefront's products."""


def _items(shop_ids):
    """Sale slots of the storefront's shops whose product is on sale (published)."""
    return (
        FlashSaleProduct.across_tenants()
        .join(Product, on=(FlashSaleProduct.product == Product.id))
        .where(
            FlashSaleProduct.tenant_id.in_(sorted(shop_ids)),
            Product.is_active == True,  # noqa: E712
            Product.is_approved == True,  # noqa: E712
        )
    )


def _shown(shop_ids):
    """Active sales, not ended, that hold at least one of the storefront's products."""
    holding = _items(shop_ids).select(FlashSaleProduct.flash_sale)
    return FlashSale.select().where(
        FlashSale.is_active == True,  # noqa: E712
        FlashSale.end_at > utcnow(),
        FlashSale.id.in_(holding),
    )


def current_sales(shop_ids) -> dict:
    """The running sale ending soonest and the next sale to start (each None when there is none)."""
    if not shop_ids:
        return {"running_flash_sale": None, "incoming_flash_sale": None}
    now = utcnow()
    running = _shown(shop_ids).where(FlashSale.start_at <= now).order_by(FlashSale.end_at, FlashSale.id).first()
    incoming = _shown(shop_ids).where(FlashSale.start_at > now).order_by(FlashSale.start_at, FlashSale.id).first()
    return {
        "running_flash_sale": flash_sale_payload(running) if running else None,
        "incoming_flash_sale": flash_sale_payload(incoming) if incoming else None,
    }


def _sale_card(card: dict, product: Product, item: FlashSaleProduct, sale_id: int) -> dict:
    """A product card priced at this sale's slot (also before the sale starts, as a preview)."""
    offer = pricing.FlashOffer(sale_id, item.price, max(item.quantity - item.sold, 0))
    return {
        **card,
        "discount_price": money.to_float(pricing.shown_discount(product, offer)),
        "discount_percentage": pricing.discount_percentage(product, offer),
        "quantity": offer.remaining,
    }


def sale_details(sale_id: int, shop_ids, params: dict, user_id: int | None) -> dict:
    """One shown sale with a page of its storefront products (page 1 of 18 by default)."""
    if not shop_ids:
        raise FlashSaleNotFound(sale_id)
    sale = _shown(shop_ids).where(FlashSale.id == sale_id).first()
    if sale is None:
        raise FlashSaleNotFound(sale_id)
    items = _items(shop_ids).where(FlashSaleProduct.flash_sale == sale.id)
    category_id = params.get("category_id")
    if category_id is not None:
        in_sub_category = ProductCategory.across_tenants(ProductCategory.product).where(
            ProductCategory.category == category_id
        )
        items = items.where((Product.category == category_id) | Product.id.in_(in_sub_category))
    page, per_page = params.get("page") or 1, params.get("per_page") or 18
    total = items.count()
    slots = list(items.order_by(FlashSaleProduct.id).paginate(page, per_page))
    products = {p.id: p for p in Product.across_tenants().where(Product.id.in_([s.product_id for s in slots] or [0]))}
    ordered = [products[s.product_id] for s in slots]
    cards = product_cards(ordered, user_id)
    return {
        "flash_sale": flash_sale_payload(sale),
        "total_products": total,
        "page": page,
        "per_page": per_page,
        "products": [_sale_card(card, p, s, sale.id) for card, p, s in zip(cards, ordered, slots)],
    }
