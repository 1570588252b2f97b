"""Thin Falcon resources of customer browsing: the Flutter app's routes and the canonical ones of SPEC.md.

Public routes read a bearer token when one is sent (``auth="optional"``) so
``is_favorite`` is the caller's; writes need a customer.
"""

from kernel.http import APIError, PageQuery, Route, ok, op, validation_error
from plugins.catalog.browse import schemas, services

CUSTOMER = ("customer",)
TAGS = ("catalog",)


def _user_id(req) -> int | None:
    return req.context.user.id if req.context.user else None


def _found(call, *args):
    """Run a service call, turning ``NotFound`` into a 404 (the original answered 422; 404 says what happened)."""
    try:
        return call(*args)
    except services.NotFound as exc:
        raise APIError(404, str(exc)) from None


class Products:
    @op(auth="optional", query=schemas.BrowseQuery, response=schemas.ProductListData, tags=TAGS,
        summary="Search, filter and sort the storefront's products")
    def on_get(self, req, resp):
        ok(resp, services.list_products(req.context.tenant, req.context.query, _user_id(req)))


class ProductDetailsByQuery:
    @op(auth="optional", query=schemas.ProductDetailsQuery, response=schemas.ProductDetailsData, tags=TAGS,
        errors=(404,), summary="A product's details and related products (the app's route)")
    def on_get(self, req, resp):
        product_id = req.context.query["product_id"]
        ok(resp, _found(services.product_details, req.context.tenant, product_id, _user_id(req)))


class ProductDetails:
    @op(auth="optional", response=schemas.ProductDetailsData, tags=TAGS, summary="A product's details")
    def on_get(self, req, resp, product_id):
        ok(resp, _found(services.product_details, req.context.tenant, product_id, _user_id(req)))


class FavoriteToggle:
    @op(roles=CUSTOMER, body=schemas.FavoriteToggleIn, response=schemas.FavoriteData, tags=TAGS,
        summary="Add a product to the wish list or remove it (the app's route)")
    def on_post(self, req, resp):
        tenant, user_id = req.context.tenant, req.context.user.id
        product_id = req.context.body["product_id"]
        added = _found(services.toggle_favorite, tenant, user_id, product_id)
        message = "Product added to favorite." if added else "Product removed from favorite."
        ok(resp, {"is_favorite": added, "product": services.product_card(tenant, product_id, user_id)}, message)


class FavoriteProducts:
    @op(roles=CUSTOMER, query=PageQuery, response=schemas.ProductCardListData, tags=TAGS,
        summary="The caller's wish-listed products")
    def on_get(self, req, resp):
        ok(resp, services.favorite_products(req.context.tenant, req.context.user.id, req.context.query))


class ProductFavorite:
    @op(roles=CUSTOMER, response=schemas.FavoriteData, tags=TAGS, summary="Wish-list a product")
    def on_post(self, req, resp, product_id):
        tenant, user_id = req.context.tenant, req.context.user.id
        _found(services.add_favorite, tenant, user_id, product_id)
        ok(resp, {"is_favorite": True, "product": services.product_card(tenant, product_id, user_id)},
           "Product added to favorite.")

    @op(roles=CUSTOMER, response=schemas.FavoriteData, tags=TAGS, summary="Take a product off the wish list")
    def on_delete(self, req, resp, product_id):
        tenant, user_id = req.context.tenant, req.context.user.id
        _found(services.remove_favorite, tenant, user_id, product_id)
        ok(resp, {"is_favorite": False, "product": services.product_card(tenant, product_id, user_id)},
           "Product removed from favorite.")


class Categories:
    @op(query=PageQuery, response=schemas.CategoryListData, tags=TAGS,
        summary="The storefront's top-level categories (those it has products in) with their sub-categories")
    def on_get(self, req, resp):
        ok(resp, services.categories(req.context.tenant, req.context.query))


class CategoryDetail:
    @op(response=schemas.CategoryData, tags=TAGS, summary="A category with its sub-categories")
    def on_get(self, req, resp, category_id):
        ok(resp, {"category": _found(services.category, category_id)})


class SubCategories:
    @op(query=schemas.SubCategoryQuery, response=schemas.SubCategoryListData, tags=TAGS,
        summary="A category's sub-categories")
    def on_get(self, req, resp):
        ok(resp, {"sub_categories": services.sub_categories(req.context.query["category_id"])})


class Reviews:
    @op(query=schemas.BrowseQuery, response=schemas.ReviewListData, tags=TAGS,
        summary="Reviews of a shop or a product, with the rating summary on the first page")
    def on_get(self, req, resp):
        ok(resp, services.list_reviews(req.context.tenant, req.context.query))


class ProductReviews:
    @op(query=PageQuery, response=schemas.ReviewListData, tags=TAGS, summary="A product's reviews")
    def on_get(self, req, resp, product_id):
        ok(resp, _found(services.product_reviews, req.context.tenant, product_id, req.context.query))

    @op(roles=CUSTOMER, body=schemas.ReviewIn, response=schemas.ReviewData, status=201, tags=TAGS,
        summary="Review a product (once per customer)")
    def on_post(self, req, resp, product_id):
        body = req.context.body
        try:
            review = _found(services.create_review, req.context.tenant, req.context.user, product_id,
                            int(body["rating"]), body["description"] or "")
        except services.ReviewConflict:
            raise validation_error({"product_id": ["You have already reviewed this product."]}) from None
        ok(resp, {"review": review}, "Review posted.", status=201)


class ReviewDetail:
    @op(roles=CUSTOMER, body=schemas.ReviewIn, response=schemas.ReviewData, tags=TAGS,
        summary="Change one's own review")
    def on_put(self, req, resp, review_id):
        body = req.context.body
        review = _found(services.update_review, req.context.tenant, req.context.user, review_id,
                        int(body["rating"]), body["description"] or "")
        ok(resp, {"review": review}, "Review updated.")

    @op(roles=CUSTOMER, tags=TAGS, summary="Delete one's own review")
    def on_delete(self, req, resp, review_id):
        _found(services.delete_review, req.context.tenant, req.context.user.id, review_id)
        ok(resp, message="Review deleted.")


def routes() -> list[Route]:
    return [
        Route("/api/products", Products()),
        Route("/api/product-details", ProductDetailsByQuery()),
        Route("/api/products/{product_id:int}", ProductDetails()),
        Route("/api/favorite-add-or-remove", FavoriteToggle()),
        Route("/api/favorite-products", FavoriteProducts()),
        Route("/api/favorites", FavoriteProducts()),
        Route("/api/products/{product_id:int}/favorite", ProductFavorite()),
        Route("/api/categories", Categories()),
        Route("/api/categories/{category_id:int}", CategoryDetail()),
        Route("/api/sub-categories", SubCategories()),
        Route("/api/reviews", Reviews()),
        Route("/api/products/{product_id:int}/reviews", ProductReviews()),
        Route("/api/reviews/{review_id:int}", ReviewDetail()),
    ]
