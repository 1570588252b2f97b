"""``GET /api/products`` in raw SQL: the page of product cards, the exact ``total``, the filter panel.

A request is reduced to its *shape* (engine, storefront kind, which filters
are present, the order, search or not, a customer or not); the statement
text of each shape is built once and cached, and only the parameters are
computed per request. The rules are the ones the peewee reads follow
(``queries.storefront_filter``, ``queries.SORT_KEYS``, ``pricing``).

One statement answers the page, its cards' shop, brand, live offer and
favourite flag, ``total`` and the filter panel's price range; the colours and
sizes of the page and the panel's lists take one more each. Shaped to stay
fast as the catalog grows (``bench/catalog.py`` measures it, with
``--explain`` for the plans):

* ``total`` is the exact count of every match, never an estimate or a bound.
  With a search or a narrowing filter (a category, a sub-category, a brand...)
  the matches are few and the page reads them all anyway, to rank them or
  because no index holds them in the asked order: they are gathered in one
  pass, from covering indexes (migration 10), and counted as the page is cut
  (``count(*) OVER ()``). Without one, the page walks an index in the asked
  order and stops; with no filter at all (the storefront's or a shop's whole
  catalog, the commonest listing) the count adds up the per-shop counts that
  triggers keep exact (migration 11), else it is a scalar subquery PostgreSQL
  runs once, on its own plan.
* The effective price (a running flash sale's price, else the discount, else
  the list price) is computed in SQL, so price filters and sorts agree with
  the cards. Gathered matches are priced against one hash of the running
  offers (``OFFERS``). A broad price sort reads products without an offer by
  ``BASE_PRICE``, the expression the price indexes hold, and offered ones by
  their offer (``OFFER_SLOT``), in two ``UNION ALL`` branches each cut at the
  page's end, so it walks the price index and stops; the filter panel's
  price range reads both ends of those orders and stops too.
* A sub-category's products are those filed under it and those linked to it:
  two disjoint sources, each read from its own index, rather than one
  condition with an ``OR`` that no index serves.
* Search ranks every match: relevance first, the id as the tie-break.
"""

from functools import lru_cache
from typing import NamedTuple

from kernel.http.pagination import UNPAGED_CEILING
from kernel.orm import utcnow
from plugins.catalog import money
from plugins.catalog.browse import queries, search, sql

DEFAULT_PER_PAGE = 20
# The price before any flash sale; the price indexes (migrations 6 and 10) hold this very expression.
BASE_PRICE = "CASE WHEN p.discount_price > 0 AND p.discount_price < p.price THEN p.discount_price ELSE p.price END"
# Flash-sale slots selling now (running, active, units left); a query continues it with "AND ...".
LIVE_SLOTS = (
    "flash_sale_product fsp JOIN flash_sale fs ON fs.id = fsp.flash_sale_id "
    "WHERE fs.is_active AND fs.start_at <= %(now)s AND fs.end_at > %(now)s AND fsp.sold < fsp.quantity"
)
# A product's offer is its cheapest live slot, then the oldest: the live slot ``o`` that no other beats.
OFFER_SLOT = (
    "flash_sale_product o JOIN flash_sale os ON os.id = o.flash_sale_id AND os.is_active "
    "AND os.start_at <= %(now)s AND os.end_at > %(now)s"
)
IS_OFFER = (
    f"o.sold < o.quantity AND NOT EXISTS (SELECT 1 FROM {LIVE_SLOTS} AND fsp.product_id = o.product_id "
    "AND (fsp.price < o.price OR (fsp.price = o.price AND fsp.id < o.id)))"
)
NO_OFFER = f"NOT EXISTS (SELECT 1 FROM {LIVE_SLOTS} AND fsp.product_id = p.id)"
# Every offered product's price, as a common table: when all of a category's matches are priced, one hash
# of the running offers (a small share of the catalog) costs less than a lookup per match, and PostgreSQL
# estimates it so (a lookup per match of a large category priced the plan past its JIT threshold, which
# alone cost tens of milliseconds).
OFFERS = f"offer AS (SELECT fsp.product_id, MIN(fsp.price) AS price FROM {LIVE_SLOTS} GROUP BY fsp.product_id)"
# A card shows the offer's price or its units left.
CARD_OFFER = f"(SELECT fsp.{{column}} FROM {LIVE_SLOTS} AND fsp.product_id = p.id ORDER BY fsp.price, fsp.id LIMIT 1)"
LIKED = (
    "CASE WHEN p.category_id IN (SELECT liked.category_id FROM favorite f JOIN product liked "
    "ON liked.id = f.product_id WHERE f.user_id = %(user)s) THEN 1 ELSE 0 END"
)
# The attribute filters in the order their conditions are written: (request key, condition).
FILTERS = (
    ("shop_id", "p.tenant_id = %(shop_id)s"),
    ("product_id", "p.id = %(product_id)s"),
    ("category_id", "p.category_id IN (SELECT c.id FROM category c "
                    "WHERE c.id = %(category_id)s OR c.parent_id = %(category_id)s)"),
    ("brand_id", "p.brand_id = %(brand_id)s"),
    ("size_id", "p.id IN (SELECT ps.product_id FROM product_size ps WHERE ps.size_id = %(size_id)s)"),
    ("color_id", "p.id IN (SELECT pcl.product_id FROM product_color pcl WHERE pcl.color_id = %(color_id)s)"),
    ("rating", "p.rating >= %(rating)s AND p.rating < %(rating_below)s"),
)
# A sub-category holds the products filed under it and those linked to it (disjoint sources).
SUB_CATEGORY_SOURCES = (
    "p.category_id = %(sub_category_id)s",
    "p.id IN (SELECT pc.product_id FROM product_category pc WHERE pc.category_id = %(sub_category_id)s) "
    "AND p.category_id <> %(sub_category_id)s",
)
FILTER_KEYS = (*(key for key, _ in FILTERS), "sub_category_id")
# Filters that leave a small share of the catalog: their matches are gathered and counted in one pass.
NARROWING = frozenset({"product_id", "category_id", "sub_category_id", "brand_id", "size_id", "color_id"})
# A page row: these card columns, the live offer's price and units left, the favourite flag, ``total``, and
# the storefront's price range (lowest and highest without an offer, lowest and highest offer).
CARD_COLUMNS = (
    "p.id, p.tenant_id, p.name, p.thumbnail, p.price, p.discount_price, p.rating, p.review_count, p.sold_count, "
    "p.quantity, p.is_digital, b.name, t.name, sp.id, sp.logo, sp.rating, sp.delivery_charge, "
    "sp.estimated_delivery_time"
)
TOTAL_COLUMN = 21


class Shape(NamedTuple):
    """Everything the statement's text depends on; two requests of one shape differ only in parameters."""

    postgres: bool
    storefront: str
    hidden: bool
    filters: tuple[str, ...]
    min_price: bool
    max_price: bool
    search: bool
    sort: str
    customer: bool

    @property
    def priced(self) -> bool:
        return self.sort in queries.PRICE_SORTS or self.min_price or self.max_price

    @property
    def counted(self) -> bool:
        """Every published product of the storefront (or of one of its shops) matches: ``total`` is the sum
        of the shops' maintained counts (migration 11)."""
        return not self.search and not self.min_price and not self.max_price and set(self.filters) <= {"shop_id"}

    @property
    def gathered(self) -> bool:
        """Read every match in one pass and count them as the page is cut (see the module's docstring)."""
        return self.search or not NARROWING.isdisjoint(self.filters)


class Page(NamedTuple):
    total: int
    rows: list[tuple]
    page: int | None
    per_page: int | None
    price_range: tuple[int, int]


def window(params: dict) -> tuple[int, int, int | None, int | None]:
    """``(limit, offset, page, per_page)`` as ``kernel.http.paginate`` slices (page keys None when unpaged)."""
    page, per_page = params.get("page"), params.get("per_page")
    if page is None and per_page is None:
        return UNPAGED_CEILING, 0, None, None
    page, per_page = page or 1, per_page or DEFAULT_PER_PAGE
    return per_page, (page - 1) * per_page, page, per_page


def products_page(tenant, params: dict, user_id: int | None) -> Page:
    """The requested page of matches (rows as ``CARD_COLUMNS`` says), their count and the price range."""
    limit, offset, page, per_page = window(params)
    on_postgres = sql.postgres()
    kind, value = queries.storefront_filter(tenant)
    if kind == "none":
        return Page(0, [], page, per_page, (0, 0))
    match = search.matches(params["search"]) if params.get("search") else None
    shape = Shape(
        postgres=on_postgres,
        storefront=kind,
        hidden=kind == "ceiling" and bool(value[1]),
        filters=tuple(key for key in FILTER_KEYS if params.get(key) is not None),
        min_price=params.get("min_price") is not None,
        max_price=params.get("max_price") is not None,
        search=match is not None,
        sort=queries.resolve_sort(params.get("sort_type"), match is not None, user_id),
        customer=user_id is not None,
    )
    values = _parameters(shape, params, value, match, user_id)
    if params.get("search") and match is None:
        # A search text without a searchable word matches nothing; the panel still shows the range.
        return Page(0, [], page, per_page, _price_range(sql.rows(_range_statement(shape), values)[0]))
    values.update(limit=limit, offset=offset, reach=limit + offset)
    page_sql, alone_sql = _statements(shape)
    rows = sql.rows(page_sql, values)
    # Past the last page there is no row to carry the count and the range on.
    summary = rows[0][TOTAL_COLUMN:] if rows else sql.rows(alone_sql, values)[0]
    return Page(summary[0], rows, page, per_page, _price_range(summary[1:]))


def _price_range(ends) -> tuple[int, int]:
    low, high, offer_low, offer_high = ends
    lows = [v for v in (low, offer_low) if v is not None]
    highs = [v for v in (high, offer_high) if v is not None]
    return min(lows, default=0), max(highs, default=0)


def _parameters(shape: Shape, params: dict, storefront, match, user_id) -> dict:
    on_postgres = shape.postgres
    values = {key: params[key] for key in shape.filters}
    if "rating" in values:
        values["rating_below"] = values["rating"] + 1
    if shape.storefront == "in":
        values["shops"] = sql.id_list(storefront, on_postgres)
    else:
        values["ceiling"] = storefront[0]
        if shape.hidden:
            values["hidden"] = sql.id_list(storefront[1], on_postgres)
    if shape.min_price:
        values["min_price"] = money.to_minor(params["min_price"])
    if shape.max_price:
        values["max_price"] = money.to_minor(params["max_price"])
    if match is not None:
        values.update(match.parameters(on_postgres))
    values["user"] = user_id
    values["now"] = sql.timestamp(utcnow(), on_postgres)
    return values


class _Order(NamedTuple):
    """A shape's order: its keys (``queries.SORT_KEYS``) as columns ``k0, k1...``, then the id."""

    keys: tuple
    inner: str
    outer: str

    @classmethod
    def of(cls, shape: Shape) -> "_Order":
        keys = queries.SORT_KEYS[shape.sort]
        tie = "DESC" if queries.tie_descending(shape.sort) else "ASC"
        terms = [(f"k{n}", "DESC" if descending else "ASC") for n, (_, descending) in enumerate(keys)]
        terms.append(("id", tie))
        return cls(keys, ", ".join(f"{name} {way}" for name, way in terms),
                   ", ".join(f"m.{name} {way}" for name, way in terms))

    @property
    def page_cut(self) -> str:
        return f" ORDER BY {self.inner} LIMIT %(limit)s OFFSET %(offset)s"


@lru_cache(maxsize=256)
def _statements(shape: Shape) -> tuple[str, str]:
    """The page statement and, for an empty page, the statement of its count and price range alone."""
    order = _Order.of(shape)
    if shape.gathered:
        ctes, matches, counted = _gathered(shape, order)
        total = "m.total"
    else:
        ctes, (matches, counted) = [], (_walked_by_price if shape.priced else _walked)(shape, order)
        total = counted
    if shape.counted:
        total = counted = _maintained_count(shape)
    favorite = ("EXISTS (SELECT 1 FROM favorite f WHERE f.user_id = %(user)s AND f.product_id = p.id)"
                if shape.customer else "false")
    offer = CARD_OFFER.format(column="price") + ", " + CARD_OFFER.format(column="quantity - fsp.sold")
    price_range = _price_range_columns(shape)
    page = (
        f"SELECT {CARD_COLUMNS}, {offer}, {favorite}, {total}, {price_range} FROM ({matches}) m "
        "JOIN product p ON p.id = m.id "
        "LEFT JOIN tenant t ON t.id = p.tenant_id "
        "LEFT JOIN brand b ON b.id = p.brand_id "
        "LEFT JOIN shop_profile sp ON sp.tenant_id = p.tenant_id "
        f"ORDER BY {order.outer}"
    )
    alone = f"SELECT {counted}, {price_range}"
    prefix = f"WITH {', '.join(ctes)} " if ctes else ""
    return sql.dialect(prefix + page, shape.postgres), sql.dialect(prefix + alone, shape.postgres)


def _gathered(shape: Shape, order: _Order) -> tuple[list[str], str, str]:
    """Every match once (``matched``), with its effective price; then filtered by price, counted over the
    window and cut. Returns the common tables, the page of matches and the count."""
    joins, where = _conditions(shape)
    published = search.published_sql(shape.postgres)
    if published and not shape.filters and not shape.priced and shape.sort == "rank":
        # A bare search: matched, counted and ranked on the public search rows alone.
        table, condition = published
        branches = [f"SELECT s.product_id AS id, {search.rank_sql(True)} AS k0 FROM {table} "
                    f"WHERE {' AND '.join([condition, *_shop_conditions(shape, 's.tenant_id')])}"]
    else:
        columns = ["p.id AS id"] + [f"{_key_sql(key, None, shape)} AS k{n}"
                                    for n, (key, _) in enumerate(order.keys) if key != "price"]
        if shape.priced:
            columns.append(f"{BASE_PRICE} AS base")
        sources = SUB_CATEGORY_SOURCES if "sub_category_id" in shape.filters else (None,)
        branches = [f"SELECT {', '.join(columns)} FROM product p{joins} "
                    f"WHERE {' AND '.join([*where, *([source] if source else [])])}" for source in sources]
    # Materialised, so the matches are read by the filters' indexes: planned under the page's ORDER BY
    # and LIMIT, PostgreSQL would walk an index in that order expecting to stop early, which a count over
    # the window never lets it do (it read the whole catalog for a department's newest).
    ctes = [f"matched AS MATERIALIZED ({' UNION ALL '.join(branches)})"]
    if shape.priced:
        # Then priced: the offers of these matches only (one hash of their ids against the running slots).
        ctes = [
            ctes[0].replace("matched AS", "unpriced AS", 1),
            f"offer AS (SELECT fsp.product_id, MIN(fsp.price) AS price FROM {LIVE_SLOTS} "
            "AND fsp.product_id IN (SELECT id FROM unpriced) GROUP BY fsp.product_id)",
            "matched AS (SELECT u.*, COALESCE(o.price, u.base) AS price FROM unpriced u "
            "LEFT JOIN offer o ON o.product_id = u.id)",
        ]
    picked = ["g.id AS id"] + [f"g.{'price' if key == 'price' else f'k{n}'} AS k{n}"
                               for n, (key, _) in enumerate(order.keys)]
    in_range = _in_range("g.price", shape)
    where = f" WHERE {' AND '.join(in_range)}" if in_range else ""
    matches = f"SELECT {', '.join(picked)}, count(*) OVER () AS total FROM matched g{where}" + order.page_cut
    return ctes, matches, f"(SELECT count(*) FROM matched g{where})"


def _select(shape: Shape, order: _Order, price: str | None, more_joins: str = "", more_where=()) -> str:
    joins, where = _conditions(shape)
    columns = ["p.id AS id"] + [f"{_key_sql(key, price, shape)} AS k{n}" for n, (key, _) in enumerate(order.keys)]
    return (f"SELECT {', '.join(columns)} FROM product p{joins}{more_joins} "
            f"WHERE {' AND '.join([*where, *more_where])}")


def _count(shape: Shape, more_joins: str = "", more_where=()) -> str:
    joins, where = _conditions(shape)
    return f"(SELECT count(*) FROM product p{joins}{more_joins} WHERE {' AND '.join([*where, *more_where])})"


def _walked(shape: Shape, order: _Order) -> tuple[str, str]:
    """The page read in order off an index, stopping at its end; the count on its own plan."""
    return _select(shape, order, None) + order.page_cut, _count(shape)


def _walked_by_price(shape: Shape, order: _Order) -> tuple[str, str]:
    """Unoffered products by the price the indexes hold, offered ones by their offer; each branch cut at
    the page's end in the page's order, so a price order walks the price index and stops."""
    plain_where = (NO_OFFER, *_in_range(BASE_PRICE, shape))
    offered_join = f" JOIN ({OFFER_SLOT}) ON o.product_id = p.id"
    offered_where = (IS_OFFER, *_in_range("o.price", shape))
    matches = (f"SELECT * FROM ({_select(shape, order, BASE_PRICE, '', plain_where)} "
               f"ORDER BY {order.inner} LIMIT %(reach)s) plain UNION ALL "
               f"SELECT * FROM ({_select(shape, order, 'o.price', offered_join, offered_where)} "
               f"ORDER BY {order.inner} LIMIT %(reach)s) offered" + order.page_cut)
    return matches, f"({_count(shape, '', plain_where)} + {_count(shape, offered_join, offered_where)})"


def _maintained_count(shape: Shape) -> str:
    """The storefront's (or one of its shops') published products, from the counts kept per shop."""
    where = _shop_conditions(shape, "c.tenant_id")
    if shape.filters:
        where.append("c.tenant_id = %(shop_id)s")
    return f"(SELECT COALESCE(SUM(c.published), 0) FROM shop_product_count c WHERE {' AND '.join(where)})"


@lru_cache(maxsize=16)
def _range_statement(shape: Shape) -> str:
    return sql.dialect(f"SELECT {_price_range_columns(shape)}", shape.postgres)


def _storefront_conditions(shape: Shape) -> list[str]:
    """Published and in one of the storefront's shops."""
    return ["p.is_active AND p.is_approved", *_shop_conditions(shape, "p.tenant_id")]


def _shop_conditions(shape: Shape, column: str) -> list[str]:
    """The shop id in ``column`` is one the storefront shows."""
    if shape.storefront == "in":
        return [sql.any_of(column, "shops", shape.postgres)]
    where = [f"{column} <= %(ceiling)s"]
    if shape.hidden:
        where.append("NOT (" + sql.any_of(column, "hidden", shape.postgres) + ")")
    return where


def _conditions(shape: Shape) -> tuple[str, list[str]]:
    """The joins and conditions every match meets: the storefront's, the filters, the search.

    A sub-category is not among them: it splits the matches into sources (``SUB_CATEGORY_SOURCES``).
    """
    where = _storefront_conditions(shape)
    where.extend(condition for key, condition in FILTERS if key in shape.filters)
    joins = ""
    if shape.search:
        joins, condition = search.sql(shape.postgres)
        where.append(condition)
    return joins, where


def _price_range_columns(shape: Shape) -> str:
    """The storefront's price range as four scalar subqueries, each reading one end of an order and stopping.

    Products without an offer: the price index, from either end. Offered
    ones: the live slots in price order (their price index), the first whose
    product the storefront shows; from the top, also the first that is its
    product's offer (a dearer second slot is not what the product costs).
    """
    shown = " AND ".join(_storefront_conditions(shape))
    plain = f"SELECT {BASE_PRICE} FROM product p WHERE {shown} AND {NO_OFFER} ORDER BY {BASE_PRICE}"
    offered = (f"SELECT o.price FROM {OFFER_SLOT} WHERE {{slot}} "
               f"AND EXISTS (SELECT 1 FROM product p WHERE p.id = o.product_id AND {shown}) ORDER BY o.price")
    return (f"({plain} LIMIT 1), ({plain} DESC LIMIT 1), ({offered.format(slot='o.sold < o.quantity')} LIMIT 1), "
            f"({offered.format(slot=IS_OFFER)} DESC LIMIT 1)")


def _in_range(price: str, shape: Shape) -> tuple[str, ...]:
    bounds = []
    if shape.min_price:
        bounds.append(f"{price} >= %(min_price)s")
    if shape.max_price:
        bounds.append(f"{price} <= %(max_price)s")
    return tuple(bounds)


def _key_sql(key: str, price: str | None, shape: Shape) -> str:
    if key == "price":
        return price
    if key == "rank":
        return search.rank_sql(shape.postgres)
    if key == "liked":
        return LIKED
    return f"p.{key}"


# -- the filter panel's lists ------------------------------------------------------------


def panel_items() -> list[tuple]:
    """The catalog's sizes, colours and brands for the filter panel, in one statement.

    Rows are ``(kind, sort_order, sort_name, id, name, color_code)`` with kind 0
    size, 1 colour, 2 brand, each kind in its display order.
    """
    return sql.rows(_panel_statement(sql.postgres()), {})


@lru_cache(maxsize=2)
def _panel_statement(on_postgres: bool) -> str:
    return sql.dialect(
        "SELECT 0 AS kind, s.sort_order AS sort_order, '' AS sort_name, s.id, s.name, NULL AS color_code FROM size s "
        "UNION ALL SELECT 1, 0, c.name, c.id, c.name, c.color_code FROM color c "
        "UNION ALL SELECT 2, 0, b.name, b.id, b.name, NULL FROM brand b WHERE b.is_active "
        "ORDER BY kind, sort_order, sort_name, id",
        on_postgres,
    )
