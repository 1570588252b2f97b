"""``GET /api/home``: the fragments of every live plugin (kernel ``home_sections`` hook), and the catalog's own."""

from plugins.catalog.browse.queries import product_listing
from plugins.catalog.payloads import product_cards
from plugins.catalog.storefront.categories import top_categories
from plugins.catalog.storefront.shops import top_shops
from plugins.catalog.visibility import storefront_shop_ids
from plugins.platform.master import merge

TOP_CATEGORIES = 10
TOP_SHOPS = 8
POPULAR_PRODUCTS = 6
JUST_FOR_YOU_PAGE = 1
JUST_FOR_YOU_PER_PAGE = 8
# Every section the app requires, present even when no live plugin fills it.
EMPTY_HOME = {
    "banners": [], "categories": [], "shops": [], "popular_products": [], "just_for_you": {"total": 0, "products": []},
}


def assemble(request) -> dict:
    """Collect the storefront's ``home_sections`` fragments through its hook view and merge them in load order."""
    ctx = request.context
    fragments = ctx.hooks.home_sections(tenant=ctx.tenant, user=ctx.user, request=request)
    return {**EMPTY_HOME, **merge([fragment for fragment in fragments if fragment])}


def sections(tenant, user, request) -> dict:
    """Categories, shops (none on a shop's own host), popular products and a page of just-for-you.

    The product lists are ``GET /api/products`` with ``sort_type`` popular and
    just_for_you, so "view more" continues the same order.
    """
    shop_ids = storefront_shop_ids(tenant)
    user_id = user.id if user is not None else None
    params = request.context.query if request is not None else {}
    page = params.get("page") or JUST_FOR_YOU_PAGE
    per_page = params.get("per_page") or JUST_FOR_YOU_PER_PAGE
    if not shop_ids:
        return {}
    popular = product_listing(tenant, {"sort_type": "popular"}, user_id).limit(POPULAR_PRODUCTS)
    picks = product_listing(tenant, {"sort_type": "just_for_you"}, user_id)
    return {
        "categories": top_categories(shop_ids, TOP_CATEGORIES),
        "shops": [] if tenant is not None else top_shops(shop_ids, TOP_SHOPS),
        "popular_products": product_cards(popular, user_id),
        "just_for_you": {"total": picks.count(), "products": product_cards(picks.paginate(page, per_page), user_id)},
    }
