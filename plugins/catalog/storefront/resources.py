"""Thin Falcon resources of the storefront: home, shops, shop categories and flash sales."""

from kernel.http import APIError, PageQuery, Route, ok, op, paginate, validation_error
from plugins.catalog.browse.schemas import CategoryListData
from plugins.catalog.storefront import categories, flash_sales, home, schemas, shops
from plugins.catalog.visibility import storefront_shop_ids

TAGS = ("storefront",)


def _user_id(req) -> int | None:
    return req.context.user.id if req.context.user is not None else None


class Home:
    @op(auth="optional", query=PageQuery, response=schemas.HomeData, tags=TAGS,
        summary="The home screen: every live plugin adds its sections (page/per_page page just-for-you)")
    def on_get(self, req, resp):
        ok(resp, home.assemble(req))


class Shops:
    @op(query=PageQuery, response=schemas.ShopCardListData, tags=TAGS,
        summary="The shops of this storefront (the listed shops on the marketplace, the shop itself on its host)")
    def on_get(self, req, resp):
        query = shops.listed_shops(storefront_shop_ids(req.context.tenant))
        data = paginate(query, req.context.query, "shops", lambda profile: profile)
        data["shops"] = shops.shop_cards(data["shops"])
        ok(resp, data)


class Shop:
    @op(response=schemas.ShopDetailsData, tags=TAGS, summary="One shop's storefront details with its banners")
    def on_get(self, req, resp, shop_id):
        try:
            shop = shops.shop_details(shop_id, storefront_shop_ids(req.context.tenant))
        except shops.ShopNotFound:
            raise APIError(404, "Shop not found.") from None
        ok(resp, {"shop": shop})


class ShopCategories:
    @op(query=schemas.ShopCategoriesQuery, response=CategoryListData, tags=TAGS,
        summary="Categories a shop sells in, with the sub-categories its products use")
    def on_get(self, req, resp):
        ctx = req.context
        shop_id = ctx.query.get("shop_id") or (ctx.tenant.id if ctx.tenant is not None else None)
        if shop_id is None:
            raise validation_error({"shop_id": ["The shop id field is required."]})
        try:
            shops.shown_profile(shop_id, storefront_shop_ids(ctx.tenant))
        except shops.ShopNotFound:
            raise APIError(404, "Shop not found.") from None
        data = paginate(categories.roots_by_product_count({shop_id}), ctx.query, "categories", lambda row: row.id)
        data["categories"] = categories.category_cards(data["categories"], categories.used_sub_category_ids(shop_id))
        ok(resp, data)


class FlashSales:
    @op(response=schemas.FlashSalesData, tags=TAGS, summary="The running flash sale and the next one (each or null)")
    def on_get(self, req, resp):
        ok(resp, flash_sales.current_sales(storefront_shop_ids(req.context.tenant)))


class FlashSaleDetails:
    @op(auth="optional", query=schemas.FlashSaleDetailsQuery, response=schemas.FlashSaleDetailsData, tags=TAGS,
        summary="A flash sale's products on this storefront at their sale price (page 1 of 18 by default)")
    def on_get(self, req, resp, sale_id):
        ctx = req.context
        try:
            data = flash_sales.sale_details(sale_id, storefront_shop_ids(ctx.tenant), ctx.query, _user_id(req))
        except flash_sales.FlashSaleNotFound:
            raise APIError(404, "Flash sale not found.") from None
        ok(resp, data)


def routes() -> list[Route]:
    return [
        Route("/api/home", Home()),
        Route("/api/shops", Shops()),
        Route("/api/shops/{shop_id:int}", Shop()),
        Route("/api/shop-categories", ShopCategories()),
        Route("/api/flash-sales", FlashSales()),
        Route("/api/flash-sale/{sale_id:int}/details", FlashSaleDetails()),
    ]
