"""The catalog's JSON as the app parses it (FLUTTER_CONTRACT.md sections 3.1-3.3).

Lists are built with a fixed number of queries whatever their length: shops,
colours, sizes, favourites and flash offers are loaded in batches. A card is
built from plain values by :func:`card`, whether they come from models
(:func:`product_cards`) or from the product listing's rows
(:func:`listing_cards`), so both give the same JSON.
"""

from peewee import JOIN

from kernel import storage
from kernel.models import Tenant
from kernel.statements import Slot, Statement
from plugins.catalog import money, pricing
from plugins.catalog.browse import sql
from plugins.catalog.models import Brand, Favorite, Product, ProductImage, ShopProfile

DEFAULT_PRODUCT_IMAGE = "defaults/product.png"
DEFAULT_SHOP_LOGO = "defaults/shop-logo.png"
DEFAULT_SHOP_BANNER = "defaults/shop-banner.png"
# Colours (kind 0, in the order they were added) then sizes (kind 1, in size order) of some products.
_VARIANTS = (
    "SELECT 0 AS kind, pc.product_id, c.id, c.name, c.color_code, pc.extra_price, pc.id AS o1, 0 AS o2 "
    "FROM product_color pc JOIN color c ON c.id = pc.color_id WHERE {colors} "
    "UNION ALL SELECT 1, ps.product_id, s.id, s.name, NULL, ps.extra_price, s.sort_order, s.id "
    "FROM product_size ps JOIN size s ON s.id = ps.size_id WHERE {sizes} "
    "ORDER BY kind, o1, o2"
)
_variants_sql = {
    on_postgres: sql.dialect(_VARIANTS.format(colors=sql.any_of("pc.product_id", "ids", on_postgres),
                                              sizes=sql.any_of("ps.product_id", "ids", on_postgres)), on_postgres)
    for on_postgres in (False, True)
}


def image_url(key: str | None, default: str = DEFAULT_PRODUCT_IMAGE) -> str:
    """An absolute URL for a stored image, or the default image (the app needs non-null URLs)."""
    return storage.backend().url(key or default)


def shop_card(shop_id: int, name: str | None, has_profile: bool, logo: str | None, rating: float | None,
              delivery_charge: int | None, estimated_delivery_time: str | None) -> dict:
    """``Product.Shop`` from a shop's name and storefront profile (defaults when it has none)."""
    return {
        "id": shop_id,
        "name": name or "",
        "logo": image_url(logo, DEFAULT_SHOP_LOGO),
        "rating": float(rating or 0.0),
        "delivery_charge": money.to_float(delivery_charge or 0),
        "estimated_delivery_time": (estimated_delivery_time or "") if has_profile else "",
    }


# A shop and its storefront profile (which it may not have yet, or may not publish) in one statement.
_cards = Statement(
    lambda: Tenant.select(
        Tenant.id, Tenant.name, ShopProfile.tenant_id, ShopProfile.logo, ShopProfile.rating,
        ShopProfile.delivery_charge, ShopProfile.estimated_delivery_time,
    )
    .join(ShopProfile, JOIN.LEFT_OUTER, on=(ShopProfile.tenant_id == Tenant.id))
    .where(Tenant.id.in_(Slot("ids", many=True)))
    .tuples()
)


def shop_cards(shop_ids) -> dict[int, dict]:
    """``Product.Shop`` objects by shop id."""
    ids = list(set(shop_ids))
    if not ids:
        return {}
    found = {
        shop_id: shop_card(shop_id, name, profile_of is not None, logo, rating, delivery_charge, delivery_time)
        for shop_id, name, profile_of, logo, rating, delivery_charge, delivery_time in _cards.execute(ids=ids)
    }
    return {shop_id: found.get(shop_id) or shop_card(shop_id, None, False, None, None, None, None) for shop_id in ids}


def variants(product_ids) -> tuple[dict, dict]:
    """The colours and sizes of products, by product id, in one statement."""
    colors: dict[int, list] = {pid: [] for pid in product_ids}
    sizes: dict[int, list] = {pid: [] for pid in product_ids}
    if not colors:
        return colors, sizes
    on_postgres = sql.postgres()
    to_float = money.to_float
    for kind, product_id, item_id, name, color_code, extra, _, _ in sql.rows(
        _variants_sql[on_postgres], {"ids": sql.id_list(colors, on_postgres)}
    ):
        if kind == 0:
            colors[product_id].append({"id": item_id, "name": name, "color_code": color_code, "price": to_float(extra)})
        else:
            sizes[product_id].append({"id": item_id, "name": name, "price": to_float(extra)})
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


def card(product_id: int, name: str, thumbnail: str | None, price: int, discount_price: int | None,
         rating: float | None, review_count: int | None, sold_count: int | None, quantity: int,
         is_digital: bool, brand: str | None, shop: dict, colors: list, sizes: list, is_favorite: bool,
         offer_price: int | None, offer_left: int | None) -> dict:
    """A ``Product`` card (section 3.1); ``offer_price``/``offer_left`` are the live flash offer's, or None."""
    effective = pricing.effective_amount(price, discount_price, offer_price)
    return {
        "id": product_id,
        "name": name,
        "thumbnail": image_url(thumbnail),
        "price": money.to_float(price),
        "discount_price": money.to_float(pricing.shown_discount_amount(price, effective)),
        "discount_percentage": pricing.percentage_off(price, effective),
        "rating": float(round(rating or 0.0, 1)),
        "total_reviews": money.abbreviate(review_count or 0),
        "total_sold": money.thousands(sold_count or 0),
        "quantity": quantity if offer_left is None else offer_left,
        "colors": colors,
        "sizes": sizes,
        "is_favorite": is_favorite,
        "brand": brand or "",
        "shop": shop,
        "is_digital": bool(is_digital),
    }


def product_cards(products, user_id: int | None = None) -> list[dict]:
    """``Product`` card objects (section 3.1) for a list of products, in order."""
    products = list(products)
    ids = [p.id for p in products]
    offers = pricing.running_offers(ids)
    colors, sizes = variants(ids)
    favorites = favorite_ids(user_id, ids)
    shops = shop_cards(p.tenant_id for p in products)
    brands = _brand_names(products)
    cards = []
    for p in products:
        offer = offers.get(p.id)
        cards.append(card(
            p.id, p.name, p.thumbnail, p.price, p.discount_price, p.rating, p.review_count, p.sold_count,
            p.quantity, p.is_digital, brands.get(p.brand_id), shops[p.tenant_id], colors[p.id], sizes[p.id],
            p.id in favorites, None if offer is None else offer.price, None if offer is None else offer.remaining,
        ))
    return cards


def listing_cards(rows) -> list[dict]:
    """Cards from the product listing's rows (``browse.listing.CARD_COLUMNS``, then the favourite flag)."""
    colors, sizes = variants([row[0] for row in rows])
    shops: dict[int, dict] = {}
    cards = []
    for (product_id, shop_id, name, thumbnail, price, discount_price, rating, review_count, sold_count, quantity,
         is_digital, brand, shop_name, profile_id, logo, shop_rating, delivery_charge, delivery_time,
         offer_price, offer_left, is_favorite, *_) in rows:
        shop = shops.get(shop_id)
        if shop is None:
            shop = shops[shop_id] = shop_card(shop_id, shop_name, profile_id is not None, logo, shop_rating,
                                              delivery_charge, delivery_time)
        cards.append(card(
            product_id, name, thumbnail, price, discount_price, rating, review_count, sold_count, quantity,
            is_digital, brand, shop, colors[product_id], sizes[product_id], bool(is_favorite), offer_price,
            offer_left,
        ))
    return cards


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
