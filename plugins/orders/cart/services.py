"""The customer's cart: lines of any shop's products, grouped by shop.

One implementation serves both route sets: the app's, which names a line by
its product (``/api/cart/increment``), and SPEC.md's canonical ones, which
name it by its id (``/api/cart/{id}``). The cart a storefront shows holds the
lines whose product it shows (published, of a shop it lists) in a size and
colour the product still offers. Other lines stay stored, out of sight, and
come back with their product; another customer's line, or one out of sight,
is "not found".

Each change is one transaction that first locks the customer
(``locking.lock_customer``) and writes as the line's shop (``context.use``),
the tenant a cart line belongs to. Stock is checked whenever a quantity goes
up; it is taken only when an order is placed.
"""

from dataclasses import dataclass

from kernel import context, db
from kernel.orm import utcnow
from kernel.statements import Create, Slot, Statement
from plugins.catalog import money, payloads
from plugins.catalog import pricing as catalog_pricing
from plugins.catalog.browse import queries
from plugins.catalog.models import Brand, Color, Product, ProductColor, ProductSize, Size, Unit
from plugins.catalog.visibility import storefront_shop_ids
from plugins.orders.cart import pricing
from plugins.orders.locking import lock_customer
from plugins.orders.models import CartItem

OUT_OF_STOCK = "Sorry! product cart quantity is limited. No more stock"


class NotFound(LookupError):
    """The line is not in this customer's cart on this storefront."""


class Refused(Exception):
    """The cart cannot take this product, variant or quantity (answered 422 on ``field``)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Variant:
    """A line's size or colour, with the product's price add-on for it."""

    id: int
    name: str
    color_code: str | None
    extra_price: int


@dataclass(frozen=True)
class Line:
    """A cart line the storefront shows: its row, product, variants and the product's running flash offer."""

    item: CartItem
    product: Product
    size: Variant | None
    color: Variant | None
    offer: catalog_pricing.FlashOffer | None

    @property
    def shop_id(self) -> int:
        return self.product.tenant_id

    def priced(self) -> pricing.PricedLine:
        extras = (self.size.extra_price if self.size else 0) + (self.color.extra_price if self.color else 0)
        return pricing.PricedLine(
            line_id=self.item.id,
            product_id=self.product.id,
            quantity=self.item.quantity,
            unit_list_price=self.product.price + extras,
            unit_price=catalog_pricing.effective_price(self.product, self.offer) + extras,
            vat_percent=float(self.product.vat_percent or 0.0),
            is_digital=bool(self.product.is_digital),
        )


def stock(product: Product, offer: catalog_pricing.FlashOffer | None) -> int:
    """Units a line may hold: the product's stock, capped by a running flash sale's units left (as its card shows)."""
    return min(product.quantity, offer.remaining) if offer else product.quantity


def minimum(product: Product) -> int:
    return max(1, product.min_order_quantity or 1)


# -- reading -------------------------------------------------------------------------


def _sizes(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], Variant]:
    """The sizes the products still offer among ``(product_id, size_id)`` pairs."""
    if not pairs:
        return {}
    rows = (
        ProductSize.across_tenants(ProductSize, Size).join(Size)
        .where(ProductSize.product.in_({p for p, _ in pairs}), ProductSize.size.in_({s for _, s in pairs}))
    )
    return {(r.product_id, r.size_id): Variant(r.size.id, r.size.name, None, r.extra_price) for r in rows}


def _colors(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], Variant]:
    """The colours the products still offer among ``(product_id, color_id)`` pairs."""
    if not pairs:
        return {}
    rows = (
        ProductColor.across_tenants(ProductColor, Color).join(Color)
        .where(ProductColor.product.in_({p for p, _ in pairs}), ProductColor.color.in_({c for _, c in pairs}))
    )
    return {
        (r.product_id, r.color_id): Variant(r.color.id, r.color.name, r.color.color_code, r.extra_price) for r in rows
    }


def _lines_query(only: str | None, *storefront):
    """The customer's lines whose product the storefront shows; ``only`` narrows to one ``product`` or ``line``."""
    narrowed = {None: (), "product": (CartItem.product == Slot("product"),), "line": (CartItem.id == Slot("line"),)}
    return (
        CartItem.across_tenants(CartItem, Product)
        .join(Product, on=(CartItem.product == Product.id))
        .where(CartItem.user == Slot("user"),
               CartItem.product.in_(queries.visible_products_statement(storefront, Product.id)), *narrowed[only])
        .order_by(CartItem.id)
    )


_lines = Statement(_lines_query)


def visible_lines(tenant, user_id: int, product_id: int | None = None, line_id: int | None = None) -> list[Line]:
    """The customer's lines this storefront shows (all, of one product, or one line), oldest first, in a fixed
    number of queries."""
    only = "product" if product_id is not None else "line" if line_id is not None else None
    shape, values = queries.storefront_shape(tenant)
    rows = _lines.rows(only, *shape, user=user_id, product=product_id, line=line_id, **values)
    sizes = _sizes({(r.product_id, r.size_id) for r in rows if r.size_id})
    colors = _colors({(r.product_id, r.color_id) for r in rows if r.color_id})
    offers = catalog_pricing.running_offers({r.product_id for r in rows})
    lines = []
    for row in rows:
        size = sizes.get((row.product_id, row.size_id))
        color = colors.get((row.product_id, row.color_id))
        if (row.size_id and size is None) or (row.color_id and color is None):
            continue
        lines.append(Line(row, row.product, size, color, offers.get(row.product_id)))
    return lines


def by_shop(lines: list[Line]) -> dict[int, list[Line]]:
    """Lines grouped by shop, shops in the order their first line was added."""
    groups: dict[int, list[Line]] = {}
    for line in lines:
        groups.setdefault(line.shop_id, []).append(line)
    return groups


def _line(tenant, user_id: int, line_id: int) -> Line:
    found = visible_lines(tenant, user_id, line_id=line_id)
    if not found:
        raise NotFound("This product is not in your cart.")
    return found[0]


# -- changing ------------------------------------------------------------------------


def _check(product: Product, offer, quantity: int, current: int) -> None:
    """Refuse a quantity below the product's minimum, or above its stock when it goes up."""
    if quantity > current and quantity > stock(product, offer):
        raise Refused("quantity", OUT_OF_STOCK)
    if quantity < minimum(product):
        raise Refused("quantity", f"The minimum order quantity of this product is {minimum(product)}.")


def _save(line: Line, quantity: int) -> None:
    with context.use(tenant=line.shop_id):
        CartItem.update(quantity=quantity, updated_at=utcnow()).where(CartItem.id == line.item.id).execute()


def _delete(shop_id: int, line_ids) -> None:
    with context.use(tenant=shop_id):
        CartItem.delete().where(CartItem.id.in_(list(line_ids))).execute()


def _same_line_query(no_size: bool, no_color: bool):
    """The customer's line of a product in a size and colour (either may be none)."""
    return CartItem.across_tenants().where(
        CartItem.user == Slot("user"), CartItem.product == Slot("product"),
        CartItem.size.is_null() if no_size else CartItem.size == Slot("size"),
        CartItem.color.is_null() if no_color else CartItem.color == Slot("color"),
    ).limit(1)


_same_line = Statement(_same_line_query)
_new_line = Create(CartItem)


def add(tenant, user_id: int, product_id: int, quantity: int, size_id: int | None, color_id: int | None) -> None:
    """Put a product in the cart; a line of the same product, size and colour grows instead.

    The product must be one this storefront shows, the size and colour ones it
    comes in, and the line's new quantity within its minimum and its stock.
    """
    product = queries.visible_product(tenant, product_id)
    if product is None:
        raise Refused("product_id", "This product is not available.")
    if size_id is not None and not _sizes({(product.id, size_id)}):
        raise Refused("size", "This product does not come in this size.")
    if color_id is not None and not _colors({(product.id, color_id)}):
        raise Refused("color", "This product does not come in this colour.")
    offer = catalog_pricing.running_offers([product.id]).get(product.id)
    # The whole change runs as the product's shop (its line, if any, is that shop's): the shop is sent with
    # BEGIN instead of being switched to and back inside the transaction.
    with context.use(tenant=product.tenant_id), db.transaction():
        lock_customer(user_id)
        item = _same_line.first(size_id is None, color_id is None, user=user_id, product=product.id, size=size_id,
                                color=color_id)
        current = item.quantity if item else 0
        _check(product, offer, current + quantity, current)
        if item is None:
            _new_line(tenant_id=product.tenant_id, user=user_id, product=product.id, size=size_id, color=color_id,
                      quantity=quantity)
        else:
            item.quantity, item.updated_at = current + quantity, utcnow()
            item.save(only=[CartItem.quantity, CartItem.updated_at])


def step(tenant, user_id: int, product_id: int, delta: int) -> bool:
    """Add ``delta`` (+1 or -1) to the product's line; returns True when a decrement removed the line.

    The app names a line by its product only; when a product is in the cart
    in several sizes or colours, the most recently added line is the one
    changed. A decrement below the product's minimum removes the line.
    """
    with db.transaction():
        lock_customer(user_id)
        lines = visible_lines(tenant, user_id, product_id=product_id)
        if not lines:
            raise NotFound("This product is not in your cart.")
        line = lines[-1]
        quantity = line.item.quantity + delta
        if delta < 0 and quantity < minimum(line.product):
            _delete(line.shop_id, [line.item.id])
            return True
        _check(line.product, line.offer, quantity, line.item.quantity)
        _save(line, quantity)
    return False


def set_quantity(tenant, user_id: int, line_id: int, quantity: int) -> None:
    """Set a line's quantity (within its minimum, and its stock when it goes up)."""
    with db.transaction():
        lock_customer(user_id)
        line = _line(tenant, user_id, line_id)
        _check(line.product, line.offer, quantity, line.item.quantity)
        _save(line, quantity)


def remove(tenant, user_id: int, line_id: int) -> None:
    with db.transaction():
        lock_customer(user_id)
        line = _line(tenant, user_id, line_id)
        _delete(line.shop_id, [line.item.id])


def clear(tenant, user_id: int) -> None:
    """Empty the cart of this storefront: every line of the shops it shows, out-of-sight ones included."""
    shops = storefront_shop_ids(tenant)
    with db.transaction():
        lock_customer(user_id)
        groups: dict[int, list[int]] = {}
        for item in CartItem.across_tenants(CartItem.id, CartItem.tenant_id).where(CartItem.user == user_id):
            if item.tenant_id in shops:
                groups.setdefault(item.tenant_id, []).append(item.id)
        for shop_id, line_ids in groups.items():
            _delete(shop_id, line_ids)


# -- the app's JSON ------------------------------------------------------------------


def _names(model, ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {row.id: row.name for row in model.select(model.id, model.name).where(model.id.in_(ids))}


def _variant(variant: Variant | None) -> dict | None:
    """``Color(c)`` (FLUTTER_CONTRACT.md section 3.8), used for the size too."""
    if variant is None:
        return None
    return {"id": variant.id, "name": variant.name, "color_code": variant.color_code,
            "price": money.to_float(variant.extra_price)}


def _product(line: Line, brands: dict, units: dict) -> dict:
    """``CartProduct``: ``id`` is the product's (the app's handle), ``cart_id`` the line's; prices include add-ons."""
    product, priced = line.product, line.priced()
    listed, charged = priced.unit_list_price, priced.unit_price
    return {
        "id": product.id,
        "cart_id": line.item.id,
        "quantity": line.item.quantity,
        "name": product.name,
        "thumbnail": payloads.image_url(product.thumbnail),
        "brand": brands.get(product.brand_id, ""),
        "price": money.to_float(listed),
        "discount_price": money.to_float(catalog_pricing.shown_discount_amount(listed, charged)),
        "discount_percentage": catalog_pricing.percentage_off(listed, charged),
        "rating": float(round(product.rating or 0.0, 1)),
        "total_reviews": money.abbreviate(product.review_count or 0),
        "total_sold": money.thousands(product.sold_count or 0),
        "color": _variant(line.color),
        "size": _variant(line.size),
        "unit": units.get(product.unit_id),
        "is_digital": bool(product.is_digital),
    }


def cart_payload(tenant, user_id: int) -> dict:
    """The cart as the app reads it: ``cart_items``, one ``CartItem`` per shop, and ``total`` lines."""
    lines = visible_lines(tenant, user_id)
    groups = by_shop(lines)
    shops = payloads.shop_cards(groups)
    brands = _names(Brand, (line.product.brand_id for line in lines))
    units = _names(Unit, (line.product.unit_id for line in lines))
    return {
        "cart_items": [
            {
                "shop_id": shop_id,
                "shop_name": shops[shop_id]["name"],
                "shop_logo": shops[shop_id]["logo"],
                "shop_rating": shops[shop_id]["rating"],
                "has_gift": False,
                "products": [_product(line, brands, units) for line in shop_lines],
            }
            for shop_id, shop_lines in groups.items()
        ],
        "total": len(lines),
    }
