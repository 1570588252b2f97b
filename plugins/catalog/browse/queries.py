"""Which products a storefront shows, and the orders listings put them in.

Every peewee read of products starts from :func:`visible_products`, so no
route can forget the storefront or the published flags; ``GET /api/products``
applies the same rules in raw SQL (``browse.listing``), from the same
storefront filter (:func:`storefront_filter`) and the same orders
(:data:`SORT_KEYS`).

The marketplace lists almost every shop: it is filtered as "known shops minus
the unlisted ones", a short list, rather than an ``IN`` of every shop.
"""

from peewee import Case

from kernel import invalidation
from kernel.models import Tenant
from kernel.statements import Slot, Statement
from plugins.catalog import visibility
from plugins.catalog.models import Favorite, Product

SORTS = ("high_to_low", "low_to_high", "top_selling", "newest", "just_for_you", "popular", "popular_product")
# What each order sorts on, most significant first, as (key, descending). The product id comes last as
# the tie-break (ascending for low_to_high only), so pages never overlap or skip. ``price`` is the
# effective price, ``rank`` the search relevance and ``liked`` "in one of the customer's favourite
# categories"; any other key is a product column.
SORT_KEYS = {
    "high_to_low": (("price", True),),
    "low_to_high": (("price", False),),
    "top_selling": (("sold_count", True),),
    "popular": (("review_count", True), ("rating", True)),
    "just_for_you": (("liked", True), ("created_at", True)),
    "rank": (("rank", True),),
    "newest": (("created_at", True),),
}
PRICE_SORTS = ("high_to_low", "low_to_high")

_shop_filters = invalidation.VersionedCache(max_entries=8)


def resolve_sort(sort_type: str | None, searching: bool, user_id: int | None) -> str:
    """The :data:`SORT_KEYS` order a request asks for.

    No sort means relevance when searching and newest otherwise; the original
    app's ``popular`` is ``popular_product``; "just for you" without a customer
    is newest first.
    """
    if sort_type is None:
        return "rank" if searching else "newest"
    if sort_type == "popular_product":
        return "popular"
    if sort_type == "just_for_you" and user_id is None:
        return "newest"
    return sort_type


def tie_descending(sort: str) -> bool:
    return sort != "low_to_high"


def _known_shops(shops: frozenset[int]) -> tuple[int, tuple[int, ...]]:
    """The highest shop id and the shops up to it that ``shops`` leaves out (fixed per state version)."""
    known = [row.id for row in Tenant.select(Tenant.id)]
    ceiling = max(known, default=0)
    return ceiling, tuple(sorted(set(known) - shops))


def storefront_filter(tenant) -> tuple[str, object]:
    """How to restrict products to the storefront's shops: ``(kind, value)``.

    ``("none", None)`` when it shows no shop; ``("in", ids)`` for an explicit
    list (a shop's own host, or a marketplace hiding most shops); else
    ``("ceiling", (ceiling, hidden))``: shop ids up to ``ceiling`` but not in
    ``hidden``. A shop created after the snapshot is above the ceiling, so it
    is left out until the next state version, as it would be from a list.
    """
    shops = visibility.storefront_shop_ids(tenant)
    if not shops:
        return "none", None
    if tenant is not None:
        return "in", (tenant.id,)
    ceiling, hidden = _shop_filters.get(shops, _known_shops)
    if len(hidden) >= len(shops):
        return "in", tuple(sorted(shops))
    return "ceiling", (ceiling, hidden)


def storefront_shape(tenant) -> tuple[tuple, dict]:
    """The storefront filter as a statement shape and the values of its slots (see :func:`storefront_condition`)."""
    kind, value = storefront_filter(tenant)
    if kind == "none":
        return ("none", False), {}
    if kind == "in":
        return ("in", False), {"shops": list(value)}
    ceiling, hidden = value
    return ("ceiling", bool(hidden)), {"ceiling": ceiling, "hidden": list(hidden)}


def storefront_condition(shape: tuple, value_of):
    """The condition "the product's shop is shown on this storefront", its values looked up by name.

    ``value_of`` gives literal values for a plain query, or slots for a
    compiled statement; either way the condition is this one.
    """
    kind, has_hidden = shape
    if kind == "none":
        return Product.tenant_id.in_([])
    if kind == "in":
        return Product.tenant_id.in_(value_of("shops"))
    condition = Product.tenant_id <= value_of("ceiling")
    return condition & Product.tenant_id.not_in(value_of("hidden")) if has_hidden else condition


def _slot(name: str) -> Slot:
    return Slot(name, many=name != "ceiling")


def _published(condition, fields):
    return Product.across_tenants(*fields).where(
        condition,
        Product.is_active == True,  # noqa: E712
        Product.is_approved == True,  # noqa: E712
    )


def visible_products(tenant, *fields):
    """Published products of the shops this storefront shows (``tenant`` None = the marketplace)."""
    shape, values = storefront_shape(tenant)
    return _published(storefront_condition(shape, values.__getitem__), fields)


def visible_products_statement(shape: tuple, *fields):
    """:func:`visible_products` for a compiled ``Statement`` of one storefront shape (``storefront_shape``)."""
    return _published(storefront_condition(shape, _slot), fields)


_visible_one = Statement(lambda *shape: visible_products_statement(shape).where(Product.id == Slot("id")).limit(1))


def visible_product(tenant, product_id: int) -> Product | None:
    """One product if this storefront shows it (the statement every cart change starts with)."""
    shape, values = storefront_shape(tenant)
    return _visible_one.first(*shape, id=product_id, **values)


def favorite_categories(user_id: int):
    """The main categories of a user's wish-listed products (what "just for you" leans on)."""
    liked = Product.alias("liked")
    return (
        liked.select(liked.category)
        .join(Favorite, on=(Favorite.product == liked.id))
        .where(Favorite.user == user_id)
    )


def product_listing(tenant, params: dict, user_id: int | None):
    """The storefront's products in a listing order, as a peewee query the caller pages itself.

    For sections that show a slice of a listing (home, blog posts), so "view
    more" on ``GET /api/products`` continues the same order. Only
    ``sort_type`` is read, and not the price orders (filters, search and
    prices are ``browse.listing``'s): anything else is refused rather than
    silently ignored.
    """
    unread = {key for key, value in params.items() if value is not None} - {"sort_type"}
    sort = resolve_sort(params.get("sort_type"), False, user_id)
    if unread or sort in PRICE_SORTS:
        raise ValueError(f"product_listing reads only a non-price sort_type, not {sorted(unread) or sort}")
    terms = []
    for key, descending in SORT_KEYS[sort]:
        if key == "liked":
            column = Case(None, [(Product.category.in_(favorite_categories(user_id)), 1)], 0)
        else:
            column = getattr(Product, key)
        terms.append(column.desc() if descending else column.asc())
    terms.append(Product.id.desc() if tie_descending(sort) else Product.id.asc())
    return visible_products(tenant).order_by(*terms)
