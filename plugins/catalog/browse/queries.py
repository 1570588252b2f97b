"""The SQL of customer browsing: which products a storefront shows, filtered and sorted.

Every read starts from :func:`visible_products`, so no route can forget the
storefront or the published flags. The effective price (a running flash
sale's price, else the discount, else the list price) is computed in SQL, so
price filters and price sorts agree with what the cards show.

Shaped to stay fast as the catalog grows (``bench/catalog.py`` measures it):

* A price filter or sort reads two branches, ``UNION ALL``-ed: products with
  no running flash offer, priced by :func:`base_price` (which the indexes
  ``product_price_idx`` and ``product_shop_price_idx`` of migration 6 hold),
  and the few products with a running offer, priced by it. Each branch is
  sorted and cut at the end of the requested page on its own, so a price sort
  walks the price index and stops after a page, and the page's full rows are
  fetched by id at the end: a page costs about the same at 10,000 or
  1,000,000 products.
* Relevance ranks at most ``SEARCH_CANDIDATES`` matches: the first ones the
  index yields after every filter. Below that number the ranking is exact.
* ``total`` (:func:`count_matches`) counts at most ``COUNT_CAP`` matches past
  the requested page. Below that it is exact; beyond it, it is a lower bound
  that grows as the customer pages on, so the app's "more pages" test
  (``loaded < total``) still reaches every match and never asks for a page
  past the end. An exact count would read every match (tens of thousands of
  rows for a broad category on a large marketplace), and the planner's
  estimate, measured, was off by two orders of magnitude for a category plus
  price filter.
* A category filter names its (sub-)category ids as constants, so the planner
  reads their share of the catalog from the column statistics.
* The marketplace lists almost every shop: it is filtered as "known shops
  minus the unlisted ones", a short list, rather than an ``IN`` of every shop.
"""

from dataclasses import dataclass

from peewee import JOIN, SQL, Case, Select, fn

from kernel import invalidation
from kernel.http.pagination import UNPAGED_CEILING
from kernel.models import Tenant
from kernel.orm import utcnow
from plugins.catalog import money, visibility
from plugins.catalog.browse import search
from plugins.catalog.models import (
    Category, Favorite, FlashSale, FlashSaleProduct, Product, ProductCategory, ProductColor, ProductSize,
)

SORTS = ("high_to_low", "low_to_high", "top_selling", "newest", "just_for_you", "popular", "popular_product")
COUNT_CAP = 500
SEARCH_CANDIDATES = 1000
DEFAULT_PER_PAGE = 20
# The columns every ordering of :func:`_ordering` reads.
SORT_KEYS = (Product.id, Product.created_at, Product.sold_count, Product.review_count, Product.rating, Product.category)

_shop_filters = invalidation.VersionedCache(max_entries=8)


@dataclass(frozen=True)
class Listing:
    """A listing's page query (``rows``) and the query of its matches that ``total`` counts (``matches``)."""

    rows: object
    matches: object


def _known_shops(shops: frozenset[int]) -> tuple[int, tuple[int, ...]]:
    """The highest shop id and the shops up to it that ``shops`` leaves out (fixed per state version)."""
    known = [row.id for row in Tenant.select(Tenant.id)]
    ceiling = max(known, default=0)
    return ceiling, tuple(sorted(set(known) - shops))


def in_storefront(tenant):
    """The condition "the product's shop is shown on this storefront".

    A shop created after the snapshot is above its ceiling, so it is left out
    until the next state version, as it would be from an ``IN`` list.
    """
    shops = visibility.storefront_shop_ids(tenant)
    if tenant is not None:
        return Product.tenant_id.in_(sorted(shops))
    ceiling, hidden = _shop_filters.get(shops, _known_shops)
    if len(hidden) >= len(shops):
        return Product.tenant_id.in_(sorted(shops))
    condition = Product.tenant_id <= ceiling
    return condition & Product.tenant_id.not_in(list(hidden)) if hidden else condition


def visible_products(tenant, *fields):
    """Published products of the shops this storefront shows (``tenant`` None = the marketplace)."""
    return Product.across_tenants(*fields).where(
        in_storefront(tenant),
        Product.is_active == True,  # noqa: E712
        Product.is_approved == True,  # noqa: E712
    )


def _running_offers(*fields):
    now = utcnow()
    return (
        FlashSaleProduct.across_tenants(*fields)
        .join(FlashSale)
        .where(
            FlashSale.is_active == True,  # noqa: E712
            FlashSale.start_at <= now,
            FlashSale.end_at > now,
            FlashSaleProduct.sold < FlashSaleProduct.quantity,
        )
    )


def running_offer_prices():
    """Subquery ``(product_id, price)``: each product's lowest live flash-sale price with units left."""
    return (
        _running_offers(FlashSaleProduct.product.alias("product_id"), fn.MIN(FlashSaleProduct.price).alias("price"))
        .group_by(FlashSaleProduct.product)
        .alias("offer")
    )


def without_offer():
    """The condition "no live flash offer": a hashed lookup in the (short) list of offered products."""
    return Product.id.not_in(_running_offers(FlashSaleProduct.product))


def base_price():
    """The discount when it is a real one, else the list price (as ``pricing.effective_price`` without a sale).

    The partial indexes of migration 6 hold this very expression; keep them in step.
    """
    discounted = (Product.discount_price > 0) & (Product.discount_price < Product.price)
    return Case(None, [(discounted, Product.discount_price)], Product.price)


def in_category(category_id: int):
    """Products whose main category is this category or one of its sub-categories."""
    family = Category.select(Category.id).where((Category.id == category_id) | (Category.parent == category_id))
    return Product.category.in_([row.id for row in family])


def in_sub_category(category_id: int):
    """Products linked to this sub-category, or whose main category it is."""
    linked = ProductCategory.across_tenants(ProductCategory.product).where(ProductCategory.category == category_id)
    return (Product.category == category_id) | Product.id.in_(linked)


def with_size(size_id: int):
    return Product.id.in_(ProductSize.across_tenants(ProductSize.product).where(ProductSize.size == size_id))


def with_color(color_id: int):
    return Product.id.in_(ProductColor.across_tenants(ProductColor.product).where(ProductColor.color == color_id))


def favorite_categories(user_id: int):
    """The main categories of a user's wish-listed products (what "just for you" leans on)."""
    liked = Product.alias("liked")
    return (
        liked.select(liked.category)
        .join(Favorite, on=(Favorite.product == liked.id))
        .where(Favorite.user == user_id)
    )


def _filtered(tenant, params: dict):
    """The storefront's products narrowed by every attribute filter (not price, not search)."""
    query = visible_products(tenant)
    if params.get("shop_id") is not None:
        query = query.where(Product.tenant_id == params["shop_id"])
    if params.get("product_id") is not None:
        query = query.where(Product.id == params["product_id"])
    if params.get("category_id") is not None:
        query = query.where(in_category(params["category_id"]))
    if params.get("sub_category_id") is not None:
        query = query.where(in_sub_category(params["sub_category_id"]))
    if params.get("brand_id") is not None:
        query = query.where(Product.brand == params["brand_id"])
    if params.get("size_id") is not None:
        query = query.where(with_size(params["size_id"]))
    if params.get("color_id") is not None:
        query = query.where(with_color(params["color_id"]))
    if params.get("rating") is not None:
        rating = params["rating"]
        query = query.where((Product.rating >= rating) & (Product.rating < rating + 1))
    return query


def _in_price_range(price, params: dict) -> list:
    bounds = []
    if params.get("min_price") is not None:
        bounds.append(price >= money.to_minor(params["min_price"]))
    if params.get("max_price") is not None:
        bounds.append(price <= money.to_minor(params["max_price"]))
    return bounds


def _priced(query, params: dict, keys: list, limit: int, order=None):
    """The matches with their effective price as ``effective_price``: unoffered products, then offered ones.

    Each branch is cut at ``limit`` rows, in the order ``order(price)`` gives, so
    each stops early on its own index; the planner does not carry an ordering
    into ``UNION ALL`` branches by itself.
    """
    base = base_price()
    plain = query.select(*keys, base.alias("effective_price")).where(without_offer(), *_in_price_range(base, params))
    offer = running_offer_prices()
    offered = (
        query.select(*keys, offer.c.price.alias("effective_price"))
        .join(offer, JOIN.INNER, on=(offer.c.product_id == Product.id)).switch(Product)
        .where(*_in_price_range(offer.c.price, params))
    )
    branches = []
    for name, branch, price in (("plain", plain, base), ("offered", offered, offer.c.price)):
        if order is not None:
            branch = branch.order_by(*order(price))
        branches.append(Select([branch.limit(limit).alias(name)], [SQL("*")]).bind(Product._meta.database))
    return branches[0] + branches[1]


def reach(params: dict) -> int:
    """How many rows the requested page ends after (as ``kernel.http.paginate`` slices)."""
    page, per_page = params.get("page"), params.get("per_page")
    if page is None and per_page is None:
        return UNPAGED_CEILING
    return (page or 1) * (per_page or DEFAULT_PER_PAGE)


def listing(tenant, params: dict, user_id: int | None) -> Listing | None:
    """The filtered, sorted listing of ``GET /api/products`` and the query of its matches for ``total``.

    Returns None when a search text holds no searchable word: nothing matches.
    """
    query = _filtered(tenant, params)
    rank = None
    if params.get("search"):
        found = search.matches(params["search"])
        if found is None:
            return None
        query, rank = found.apply(query)
    sort = params.get("sort_type")
    ranked = sort is None and rank is not None
    priced = sort in ("high_to_low", "low_to_high") or any(
        params.get(key) is not None for key in ("min_price", "max_price"))
    if not priced and not ranked:
        columns = _columns(lambda name: Product._meta.columns[name], price=None, rank=None)
        return Listing(query.order_by(*_ordering(sort, columns, user_id)), query)
    # The matches carry only what the orderings read; the page's rows are fetched by id at the end.
    keys = [*SORT_KEYS, rank.alias("rank")] if ranked else list(SORT_KEYS)
    counted = reach(params) + COUNT_CAP + 1
    if not priced:
        matches = query.select(*keys)
        source = matches.limit(SEARCH_CANDIDATES)
    elif ranked:
        matches = _priced(query, params, keys, counted)
        source = _priced(query, params, keys, SEARCH_CANDIDATES)
    else:
        matches = _priced(query, params, keys, counted)
        source = _priced(query, params, keys, reach(params), lambda price: _ordering(
            sort, _columns(lambda name: Product._meta.columns[name], price=price, rank=None), user_id))
    source = source.alias("listing")
    columns = _columns(lambda name: source.c[name], price=source.c.effective_price if priced else None,
                       rank=source.c.rank if ranked else None)
    rows = (
        Product.across_tenants()
        .join(source, on=(source.c.id == Product.id))
        .order_by(*_ordering(sort, columns, user_id))
    )
    return Listing(rows, matches)


def product_listing(tenant, params: dict, user_id: int | None):
    """The filtered, sorted listing query of ``GET /api/products`` (None when a search cannot match)."""
    found = listing(tenant, params, user_id)
    return None if found is None else found.rows


def _columns(column, price, rank) -> dict:
    return {**{key.column_name: column(key.column_name) for key in SORT_KEYS}, "price": price, "rank": rank}


def _ordering(sort: str | None, c: dict, user_id: int | None) -> list:
    """ORDER BY terms; every order ends on the id so pages never overlap or skip."""
    if sort == "high_to_low":
        return [c["price"].desc(), c["id"].desc()]
    if sort == "low_to_high":
        return [c["price"].asc(), c["id"].asc()]
    if sort == "top_selling":
        return [c["sold_count"].desc(), c["id"].desc()]
    if sort in ("popular", "popular_product"):
        return [c["review_count"].desc(), c["rating"].desc(), c["id"].desc()]
    if sort == "just_for_you" and user_id is not None:
        liked = Case(None, [(c["category_id"].in_(favorite_categories(user_id)), 1)], 0)
        return [liked.desc(), c["created_at"].desc(), c["id"].desc()]
    if sort is None and c["rank"] is not None:
        return [c["rank"].desc(), c["id"].desc()]
    return [c["created_at"].desc(), c["id"].desc()]


def count_matches(matches, params: dict) -> int:
    """``total``: exact when the matches end within ``COUNT_CAP`` rows past the requested page, else a lower bound.

    The bound (the rows up to the page's end, plus ``COUNT_CAP`` plus one) keeps
    ``loaded < total`` true while more matches exist, and grows page by page.
    """
    return matches.order_by().limit(reach(params) + COUNT_CAP + 1).count()


def _offer_end(tenant, descending: bool):
    """The lowest (or highest) running offer price of the storefront: offers sorted, the first shown one."""
    lowest = fn.MIN(FlashSaleProduct.price)
    ordered = running_offer_prices().order_by(lowest.desc() if descending else lowest).alias("ranked_offer")
    shown = visible_products(tenant, Product.id).where(Product.id == ordered.c.product_id)
    return Select([ordered], [ordered.c.price]).where(fn.EXISTS(shown)).limit(1)


def price_bounds(tenant) -> tuple[int, int]:
    """The lowest and highest effective price over the storefront's products (minor units).

    Four scalar subqueries, each reading one end of an ordering and stopping:
    the price index for products without an offer, the (short) sorted running
    offers for the others.
    """
    base = base_price()
    plain = visible_products(tenant, base.alias("price")).where(without_offer())
    ends = Select(columns=[
        plain.order_by(base).limit(1).alias("low"),
        plain.order_by(base.desc()).limit(1).alias("high"),
        _offer_end(tenant, descending=False).alias("offer_low"),
        _offer_end(tenant, descending=True).alias("offer_high"),
    ]).bind(Product._meta.database)
    row = ends.dicts().get()
    lows = [v for v in (row["low"], row["offer_low"]) if v is not None]
    highs = [v for v in (row["high"], row["offer_high"]) if v is not None]
    return min(lows, default=0), max(highs, default=0)
