"""Categories as a storefront shows them: only those its shops sell in, with their sub-categories."""

from peewee import fn

from plugins.catalog.models import Category, Product, ProductCategory
from plugins.catalog.payloads import image_url

DEFAULT_CATEGORY_IMAGE = "defaults/category.png"


def roots_by_product_count(shop_ids):
    """Top-level categories with products in these shops, most products first (one grouped query)."""
    count = fn.COUNT(Product.id)
    return (
        Category.select(Category.id)
        .join(Product, on=(Product.category == Category.id))
        .where(
            Product.tenant_id.in_(sorted(shop_ids)),
            Product.is_active == True,  # noqa: E712
            Product.is_approved == True,  # noqa: E712
            Category.is_active == True,  # noqa: E712
            Category.parent.is_null(),
        )
        .group_by(Category.id, Category.sort_order)
        .order_by(count.desc(), Category.sort_order, Category.id)
    )


def _card(category: Category, children: list[Category]) -> dict:
    return {
        "id": category.id,
        "name": category.name,
        "thumbnail": image_url(category.thumbnail, DEFAULT_CATEGORY_IMAGE),
        "sub_categories": [
            {
                "id": c.id, "name": c.name, "thumbnail": image_url(c.thumbnail, DEFAULT_CATEGORY_IMAGE),
                "sub_categories": [],
            }
            for c in children
        ],
    }


def category_cards(root_ids: list[int], only_children: set[int] | None = None) -> list[dict]:
    """``Category`` objects (section 3.3) in the given order, each with its active sub-categories
    (each with an empty ``sub_categories``, as browse's, so every item parses as a Category).

    ``only_children`` narrows the sub-categories to those ids (a shop's own).
    Two queries whatever the number of categories.
    """
    if not root_ids:
        return []
    roots = {c.id: c for c in Category.select().where(Category.id.in_(root_ids))}
    children: dict[int, list[Category]] = {rid: [] for rid in root_ids}
    query = Category.select().where(Category.parent.in_(root_ids), Category.is_active == True)  # noqa: E712
    if only_children is not None:
        query = query.where(Category.id.in_(sorted(only_children) or [0]))
    for child in query.order_by(Category.sort_order, Category.id):
        children[child.parent_id].append(child)
    return [_card(roots[rid], children[rid]) for rid in root_ids if rid in roots]


def top_categories(shop_ids, limit: int) -> list[dict]:
    """The storefront's busiest categories with all their active sub-categories (the home screen's)."""
    return category_cards([row.id for row in roots_by_product_count(shop_ids).limit(limit)])


def used_sub_category_ids(shop_id: int) -> set[int]:
    """The sub-categories a shop's published products are filed under."""
    rows = (
        ProductCategory.across_tenants(ProductCategory.category)
        .join(Product, on=(ProductCategory.product == Product.id))
        .where(
            ProductCategory.tenant_id == shop_id,
            Product.is_active == True,  # noqa: E712
            Product.is_approved == True,  # noqa: E712
        )
        .distinct()
    )
    return {row.category_id for row in rows}
