"""The catalog's JSON as the app parses it (FLUTTER_CONTRACT.md sections 3.1-3.3).

Lists are built with a fixed number of queries whatever their length: shops,
colours, sizes, favourites and flash offers are loaded in batches.
"""

from kernel import storage
from kernel.models import Tenant
from plugins.catalog import money, pricing
from plugins.catalog.models import Brand, Color, Favorite, Product, ProductColor, ProductImage, ProductSize, ShopProfile, Size

DEFAULT_PRODUCT_IMAGE = "defaults/product.png"
DEFAULT_SHOP_LOGO = "defaults/shop-logo.png"
DEFAULT_SHOP_BANNER = "defaults/shop-banner.png"


def image_url(key: str | None, default: str = DEFAULT_PRODUCT_IMAGE) -> str:
    """An absolute URL for a stored image, or the default image (the app needs non-null URLs)."""
    return storage.backend().url(key or default)


def shop_cards(shop_ids) -> dict[int, dict]:
    """``Product.Shop`` objects by shop id."""
    ids = list(set(shop_ids))
    if not ids:
        return {}
    names = {t.id: t.name for t in Tenant.select(Tenant.id, Tenant.name).where(Tenant.id.in_(ids))}
    profiles = {p.tenant_id: p for p in ShopProfile.across_tenants().where(ShopProfile.tenant_id.in_(ids))}
    cards = {}
    for shop_id in ids:
        profile = profiles.get(shop_id)
        cards[shop_id] = {
            "id": shop_id,
            "name": names.get(shop_id, ""),
            "logo": image_url(profile.logo if profile else None, DEFAULT_SHOP_LOGO),
            "rating": float(profile.rating if profile else 0.0),
            "delivery_charge": money.to_float(profile.delivery_charge if profile else 0),
            "estimated_delivery_time": profile.estimated_delivery_time if profile else "",
        }
    return cards


def _variants(product_ids) -> tuple[dict, dict]:
    colors: dict[int, list] = {pid: [] for pid in product_ids}
    sizes: dict[int, list] = {pid: [] for pid in product_ids}
    if not product_ids:
        return colors, sizes
    for row in (
        ProductColor.across_tenants(ProductColor, Color).join(Color)
        .where(ProductColor.product.in_(product_ids)).order_by(ProductColor.id)
    ):
        colors[row.product_id].append({
            "id": row.color.id, "name": row.color.name, "color_code": row.color.color_code,
            "price": money.to_float(row.extra_price),
        })
    for row in (
        ProductSize.across_tenants(ProductSize, Size).join(Size)
        .where(ProductSize.product.in_(product_ids)).order_by(Size.sort_order, Size.id)
    ):
        sizes[row.product_id].append({"id": row.size.id, "name": row.size.name, "price": money.to_float(row.extra_price)})
    return colors, sizes


def favorite_ids(user_id: int | None, product_ids) -> set[int]:
    """Which of these products the user has wish-listed (none without a user)."""
    if user_id is None or not product_ids:
        return set()
    return {
        f.product_id
        for f in Favorite.select(Favorite.product).where((Favorite.user == user_id) & Favorite.product.in_(product_ids))
    }


def _brand_names(products) -> dict[int, str]:
    ids = {p.brand_id for p in products if p.brand_id}
    if not ids:
        return {}
    return {b.id: b.name for b in Brand.select(Brand.id, Brand.name).where(Brand.id.in_(ids))}


def product_cards(products, user_id: int | None = None) -> list[dict]:
    """``Product`` card objects (section 3.1) for a list of products, in order."""
    products = list(products)
    ids = [p.id for p in products]
    offers = pricing.running_offers(ids)
    colors, sizes = _variants(ids)
    favorites = favorite_ids(user_id, ids)
    shops = shop_cards(p.tenant_id for p in products)
    brands = _brand_names(products)
    return [
        _card(p, offers.get(p.id), colors[p.id], sizes[p.id], p.id in favorites, shops[p.tenant_id], brands.get(p.brand_id, ""))
        for p in products
    ]


def _card(product: Product, offer, colors, sizes, is_favorite: bool, shop: dict, brand: str) -> dict:
    return {
        "id": product.id,
        "name": product.name,
        "thumbnail": image_url(product.thumbnail),
        "price": money.to_float(product.price),
        "discount_price": money.to_float(pricing.shown_discount(product, offer)),
        "discount_percentage": pricing.discount_percentage(product, offer),
        "rating": float(round(product.rating or 0.0, 1)),
        "total_reviews": money.abbreviate(product.review_count or 0),
        "total_sold": money.thousands(product.sold_count or 0),
        "quantity": offer.remaining if offer else product.quantity,
        "colors": colors,
        "sizes": sizes,
        "is_favorite": is_favorite,
        "brand": brand,
        "shop": shop,
        "is_digital": bool(product.is_digital),
    }


def thumbnails(product: Product) -> list[dict]:
    """The gallery in the original's order: the video first, then the main image, then the others."""
    items = []
    if product.video:
        is_file = product.video_type == "file"
        items.append({
            "id": 0,
            "thumbnail": image_url(product.thumbnail),
            "url": storage.backend().url(product.video) if is_file else product.video,
            "type": "file" if is_file else (product.video_type or "youtube"),
        })
    items.append({"id": product.id, "thumbnail": image_url(product.thumbnail), "url": None, "type": "image"})
    for image in ProductImage.across_tenants().where(ProductImage.product == product.id).order_by(ProductImage.sort_order, ProductImage.id):
        items.append({"id": image.id, "thumbnail": image_url(image.key), "url": None, "type": "image"})
    return items
