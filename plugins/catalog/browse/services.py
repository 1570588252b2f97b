"""Customer browsing: listings, details, categories, favourites and reviews.

One implementation serves both route sets (the Flutter app's and SPEC.md's
canonical ones). Every read goes through ``queries.visible_products`` (the
product listing through ``listing``, its SQL twin on the same storefront
filter), so a product outside the request's storefront, unpublished or
unapproved, is "not found" whichever route asks. Lists are built with a fixed
number of queries whatever their length.
"""

import peewee
from peewee import fn

from kernel import context, db
from kernel.http import paginate
from kernel.models import User
from kernel.orm import utcnow
from plugins.accounts.services import avatar_url
from plugins.catalog import money, payloads, pricing, visibility
from plugins.catalog.browse import listing, queries
from plugins.catalog.models import Category, Favorite, FlashSale, Product, Review, ShopProfile

DEFAULT_CATEGORY_IMAGE = "defaults/category.png"
RELATED_LIMIT = 6
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


class NotFound(LookupError):
    """The object does not exist for this caller in this storefront."""


class ReviewConflict(Exception):
    """The customer has already reviewed this product."""


# -- products ------------------------------------------------------------------------


def list_products(tenant, params: dict, user_id: int | None) -> dict:
    """``GET /api/products``: the page of cards, the count of all matches and the filter panel."""
    found = listing.products_page(tenant, params, user_id)
    page = {"total": found.total, "products": payloads.listing_cards(found.rows)}
    if found.per_page is not None:
        page["page"], page["per_page"] = found.page, found.per_page
    page["filters"] = filters(found.price_range)
    return page


def filters(price_range: tuple[int, int]) -> dict:
    """The filter panel: the catalog's sizes, colours and brands and the storefront's price range."""
    panel = {"sizes": [], "colors": [], "brands": []}
    sizes, colors, brands = panel["sizes"], panel["colors"], panel["brands"]
    for kind, _, _, item_id, name, color_code in listing.panel_items():
        if kind == 0:
            sizes.append({"id": item_id, "name": name, "color_code": None, "price": 0.0})
        elif kind == 1:
            colors.append({"id": item_id, "name": name, "color_code": color_code, "price": 0.0})
        else:
            brands.append({"id": item_id, "name": name})
    low, high = price_range
    panel["min_price"] = money.to_float(low)
    panel["max_price"] = money.to_float(high)
    return panel


def visible_product(tenant, product_id: int) -> Product:
    """The product if this storefront shows it, else ``NotFound``."""
    product = queries.visible_products(tenant).where(Product.id == product_id).first()
    if product is None:
        raise NotFound("Product not found.")
    return product


def product_details(tenant, product_id: int, user_id: int | None) -> dict:
    """``ProductDetails`` (FLUTTER_CONTRACT.md section 3.2): the product and up to six related cards."""
    product = visible_product(tenant, product_id)
    record_view(product)
    details = payloads.product_cards([product], user_id)[0]
    details.update(
        short_description=product.short_description or "",
        description=product.description or "",
        thumbnails=payloads.thumbnails(product),
        flash_sale=_running_sale(product.id),
    )
    related = (
        queries.visible_products(tenant)
        .where(Product.category == product.category_id, Product.id != product.id)
        .order_by(Product.sold_count.desc(), Product.id.desc())
        .limit(RELATED_LIMIT)
    )
    return {"product": details, "related_products": payloads.product_cards(related, user_id)}


def record_view(product: Product) -> None:
    """Count a view; the write runs as the product's shop, the only tenant allowed to update it."""
    with context.use(tenant=product.tenant_id), db.transaction():
        Product.update(view_count=Product.view_count + 1).where(Product.id == product.id).execute()


def flash_sale_payload(sale: FlashSale) -> dict:
    """``RunningFlashSale`` (section 3.9); the dates must be ``DateTime.parse``-able."""
    return {
        "id": sale.id,
        "name": sale.name,
        "thumbnail": payloads.image_url(sale.thumbnail),
        "start_date": sale.start_at.strftime(DATE_FORMAT),
        "end_date": sale.end_at.strftime(DATE_FORMAT),
    }


def _running_sale(product_id: int) -> dict | None:
    offer = pricing.running_offers([product_id]).get(product_id)
    if offer is None:
        return None
    return flash_sale_payload(FlashSale.get_by_id(offer.sale_id))


# -- favourites ----------------------------------------------------------------------


def toggle_favorite(tenant, user_id: int, product_id: int) -> bool:
    """Add the product to the wish list, or remove it if there; returns whether it is now a favourite."""
    product = visible_product(tenant, product_id)
    with db.transaction():
        removed = Favorite.delete().where((Favorite.user == user_id) & (Favorite.product == product.id)).execute()
        if not removed:
            _insert_favorite(user_id, product.id)
    return not removed


def add_favorite(tenant, user_id: int, product_id: int) -> None:
    """Wish-list a product (idempotent)."""
    product = visible_product(tenant, product_id)
    with db.transaction():
        _insert_favorite(user_id, product.id)


def remove_favorite(tenant, user_id: int, product_id: int) -> None:
    """Take a product off the wish list (idempotent)."""
    product = visible_product(tenant, product_id)
    with db.transaction():
        Favorite.delete().where((Favorite.user == user_id) & (Favorite.product == product.id)).execute()


def _insert_favorite(user_id: int, product_id: int) -> None:
    # Two taps racing each other must not fail on the unique (user, product) index.
    Favorite.insert(user=user_id, product=product_id).on_conflict_ignore().execute()


def favorite_products(tenant, user_id: int, params: dict) -> dict:
    """The user's wish-listed products this storefront shows, most recently added first."""
    query = (
        queries.visible_products(tenant)
        .join(Favorite, on=(Favorite.product == Product.id))
        .where(Favorite.user == user_id)
        .order_by(Favorite.created_at.desc(), Favorite.id.desc())
    )
    page = paginate(query, params, "products", lambda product: product)
    page["products"] = payloads.product_cards(page["products"], user_id)
    return page


def product_card(tenant, product_id: int, user_id: int | None) -> dict:
    return payloads.product_cards([visible_product(tenant, product_id)], user_id)[0]


# -- categories ----------------------------------------------------------------------


def _category_item(category: Category) -> dict:
    return {
        "id": category.id,
        "name": category.name,
        "thumbnail": payloads.image_url(category.thumbnail, DEFAULT_CATEGORY_IMAGE),
    }


def _with_children(categories) -> list[dict]:
    """``Category`` objects (section 3.3), their active sub-categories loaded in one query."""
    categories = list(categories)
    children: dict[int, list] = {c.id: [] for c in categories}
    if categories:
        for child in (
            Category.select()
            .where(Category.parent.in_(list(children)), Category.is_active == True)  # noqa: E712
            .order_by(Category.sort_order, Category.id)
        ):
            children[child.parent_id].append({**_category_item(child), "sub_categories": []})
    return [{**_category_item(c), "sub_categories": children[c.id]} for c in categories]


def categories(tenant, params: dict) -> dict:
    """Active top-level categories the storefront sells in, with their sub-categories; paged only when asked.

    As the original listed only categories with active products, a category
    none of the storefront's published products is filed under is left out:
    the app would open it on an empty list.
    """
    sold_in = queries.visible_products(tenant, Product.id).where(Product.category == Category.id)
    query = (
        Category.select()
        .where(Category.parent.is_null(), Category.is_active == True, fn.EXISTS(sold_in))  # noqa: E712
        .order_by(Category.sort_order, Category.id)
    )
    page = paginate(query, params, "categories", lambda category: category)
    page["categories"] = _with_children(page["categories"])
    return page


def category(category_id: int) -> dict:
    found = Category.select().where(Category.id == category_id, Category.is_active == True).first()  # noqa: E712
    if found is None:
        raise NotFound("Category not found.")
    return _with_children([found])[0]


def sub_categories(category_id: int) -> list[dict]:
    """A category's sub-categories, each with an empty ``sub_categories`` so the app's parser accepts it."""
    rows = (
        Category.select()
        .where(Category.parent == category_id, Category.is_active == True)  # noqa: E712
        .order_by(Category.sort_order, Category.id)
    )
    return [{**_category_item(c), "sub_categories": []} for c in rows]


# -- reviews -------------------------------------------------------------------------


def _review_payload(review: Review) -> dict:
    """``Review`` (section 3.6); ``created_at`` is shown verbatim, formatted as Laravel's ``F d, Y``."""
    return {
        "id": review.id,
        "product_id": review.product_id,
        "customer_name": review.user.name,
        "customer_profile": avatar_url(review.user),
        "rating": int(review.rating),
        "description": review.description or "",
        "created_at": review.created_at.strftime("%B %d, %Y"),
    }


def _visible_reviews(tenant, shop_id: int | None = None, product_id: int | None = None):
    products = queries.visible_products(tenant, Product.id)
    where = [Review.is_visible == True]  # noqa: E712
    if shop_id is not None:
        products = products.where(Product.tenant_id == shop_id)
        where.append(Review.tenant_id == shop_id)
    if product_id is not None:
        products = products.where(Product.id == product_id)
        where.append(Review.product == product_id)
    return Review.across_tenants().where(Review.product.in_(products), *where)


def rating_summary(reviews) -> dict:
    """``AverageRatingPercentage``: the mean rating and the share of each star, in percent."""
    counts = {str(star): 0 for star in range(1, 6)}
    for row in reviews.select(Review.rating, fn.COUNT(Review.id).alias("n")).group_by(Review.rating).dicts():
        counts[str(row["rating"])] = row["n"]
    total = sum(counts.values())
    stars = sum(int(star) * n for star, n in counts.items())
    return {
        "rating": round(stars / total, 1) if total else 0.0,
        "total_review": total,
        "percentages": {star: round(100.0 * n / total, 2) if total else 0.0 for star, n in counts.items()},
    }


def list_reviews(tenant, params: dict) -> dict:
    """Reviews of a shop or a product, newest first; the rating summary on the first page.

    Without ``shop_id`` and ``product_id`` the storefront's reviews are listed and
    the summary is null, as the original did.
    """
    shop_id, product_id = params.get("shop_id"), params.get("product_id")
    scope = _visible_reviews(tenant, shop_id, product_id)
    query = scope
    if params.get("rating") is not None:
        query = query.where(Review.rating == int(params["rating"]))
    query = (
        query.select(Review, User).join(User, on=(Review.user == User.id))
        .order_by(Review.created_at.desc(), Review.id.desc())
    )
    page = paginate(query, params, "reviews", _review_payload)
    first_page = params.get("page") in (None, 1)
    has_subject = shop_id is not None or product_id is not None
    page["average_rating_percentage"] = rating_summary(scope) if first_page and has_subject else None
    return page


def product_reviews(tenant, product_id: int, params: dict) -> dict:
    visible_product(tenant, product_id)
    return list_reviews(tenant, {**params, "product_id": product_id, "shop_id": None})


def _locked(query):
    """Lock the selected rows for the rest of the transaction (PostgreSQL; SQLite's writer lock already serialises)."""
    return query.for_update() if db.is_postgres() else query


def _lock_counters(product_id: int) -> None:
    """Lock the shop profile, then the product, before touching a review (the shop's tenant is in context).

    Concurrent reviews of one shop then run one after another, so no count is
    lost; taking the locks before the review row is written (which share-locks
    the product through its foreign key) keeps two writers from deadlocking.
    """
    _locked(ShopProfile.select(ShopProfile.id)).first()
    _locked(Product.select(Product.id).where(Product.id == product_id)).first()


def _refresh_ratings(product_id: int) -> None:
    """Recompute the product's and its shop's rating and review count from the visible reviews."""
    visible = Review.select().where(Review.is_visible == True)  # noqa: E712
    count, mean = visible.where(Review.product == product_id).select(fn.COUNT(Review.id), fn.AVG(Review.rating)).scalar(as_tuple=True)
    Product.update(rating=float(mean or 0.0), review_count=count).where(Product.id == product_id).execute()
    count, mean = visible.select(fn.COUNT(Review.id), fn.AVG(Review.rating)).scalar(as_tuple=True)
    ShopProfile.update(rating=float(mean or 0.0), review_count=count).execute()


def _post_review(shop_id: int, product_id: int, user: User, rating: int, description: str,
                 order_id: int | None = None) -> dict:
    """Write the customer's one review of a product and recompute the product's and shop's ratings.

    Raises ``ReviewConflict`` when the customer has reviewed the product before
    (also when a concurrent request got there first: the unique index decides).
    """
    try:
        with context.use(tenant=shop_id), db.transaction():
            _lock_counters(product_id)
            if Review.select().where(Review.product == product_id, Review.user == user.id).exists():
                raise ReviewConflict()
            review = Review.create(product=product_id, user=user.id, order_id=order_id, rating=rating,
                                   description=description)
            _refresh_ratings(product_id)
    except peewee.IntegrityError:
        raise ReviewConflict() from None
    review.user = user
    return _review_payload(review)


def create_review(tenant, user: User, product_id: int, rating: int, description: str) -> dict:
    """Post the customer's one review of a product this storefront shows."""
    product = visible_product(tenant, product_id)
    return _post_review(product.tenant_id, product.id, user, rating, description)


def review_purchase(user: User, shop_id: int, product_id: int, order_id: int, rating: int, description: str) -> dict:
    """Post the customer's one review of a product they bought in order ``order_id`` of shop ``shop_id``.

    The caller (the orders plugin) has checked that the order is the
    customer's, delivered, and holds the product; the product need not be
    listed any more (a customer may rate what they received after the shop
    unpublished it), only still exist. Raises ``NotFound`` and ``ReviewConflict``.
    """
    with context.use(tenant=shop_id):
        if not Product.select(Product.id).where(Product.id == product_id).exists():
            raise NotFound("Product not found.")
    return _post_review(shop_id, product_id, user, rating, description, order_id)


def _own_review(tenant, user_id: int, review_id: int) -> Review:
    shops = visibility.storefront_shop_ids(tenant)
    review = Review.across_tenants().where(
        Review.id == review_id, Review.user == user_id, Review.tenant_id.in_(list(shops)),
    ).first()
    if review is None:
        raise NotFound("Review not found.")
    return review


def update_review(tenant, user: User, review_id: int, rating: int, description: str) -> dict:
    """Change the author's own review; anyone else's answers ``NotFound``."""
    review = _own_review(tenant, user.id, review_id)
    with context.use(tenant=review.tenant_id), db.transaction():
        _lock_counters(review.product_id)
        Review.update(rating=rating, description=description, updated_at=utcnow()).where(
            Review.id == review.id
        ).execute()
        _refresh_ratings(review.product_id)
    review = Review.across_tenants().where(Review.id == review.id).get()
    review.user = user
    return _review_payload(review)


def delete_review(tenant, user_id: int, review_id: int) -> None:
    review = _own_review(tenant, user_id, review_id)
    with context.use(tenant=review.tenant_id), db.transaction():
        _lock_counters(review.product_id)
        Review.delete().where(Review.id == review.id).execute()
        _refresh_ratings(review.product_id)
