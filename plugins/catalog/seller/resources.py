"""Seller product and storefront-profile management: the canonical ``/api/seller/products`` and
``/api/seller/shop`` routes and the original app's ``/api/seller/product/...``, ``shop-update`` and
``shop-setting-update`` routes (FLUTTER_CONTRACT.md section 12.1), each pair over one implementation."""

from kernel import uploads
from kernel.http import APIError, Route, ok, op, paginate, upload_error, validation_error
from plugins.accounts.services import user_payload
from plugins.catalog.seller import media, profile, schemas, services

TAGS = ("seller products",)
JSON_OR_FORM = "multipart/form-data"
# A product request may carry a thumbnail, a full gallery and a video.
PRODUCT_BODY_LIMIT = uploads.LIMITS["video"] + (1 + schemas.MAX_IMAGES) * uploads.LIMITS["image"] + 1024 * 1024
PRODUCT_ERRORS = (403, 404, 413, 422)
SHOP_TAGS = ("seller shop",)
# A shop-update form may carry a logo and a banner, each at its limit.
SHOP_BODY_LIMIT = uploads.LIMITS["logo"] + uploads.LIMITS["image"] + 1024 * 1024
SHOP_ERRORS = (403, 413, 422)


def _product_or_404(product_id: int):
    product = services.find(product_id)
    if product is None:
        raise APIError(404, "Product not found.")
    return product


def _files(body: dict) -> media.ProductFiles:
    try:
        return media.files_from(body)
    except uploads.UploadRejected as exc:
        raise upload_error(exc) from None


def _create(req) -> dict:
    body = req.context.body
    files = _files(body)
    try:
        product = services.create(req.context.shop.id, body, files)
    except services.ProductInvalid as exc:
        raise validation_error(exc.errors) from None
    return {"product": services.detail(product)}


def _update(req, product_id: int) -> dict:
    product = _product_or_404(product_id)
    body = req.context.body
    files = _files(body)
    try:
        product = services.update(product, body, files)
    except services.ProductInvalid as exc:
        raise validation_error(exc.errors) from None
    return {"product": services.detail(product)}


def _set_active(product_id: int, is_active: bool | None) -> dict:
    product = _product_or_404(product_id)
    try:
        product = services.set_active(product, (not product.is_active) if is_active is None else is_active)
    except services.ProductInvalid as exc:
        raise validation_error(exc.errors) from None
    return {"product": services.detail(product)}


class Products:
    @op(scope="seller", permission="products.view", query=schemas.SellerProductListQuery, response=schemas.SellerProductListData,
        tags=TAGS, summary="The shop's products (page 1 and 20 per page by default)")
    def on_get(self, req, resp):
        page = paginate(services.list_query(req.context.query), req.context.query, "products", lambda p: p, default_per_page=20)
        page["products"] = services.rows(page["products"])
        ok(resp, page)

    @op(scope="seller", permission="products.create", body=schemas.SellerProductIn, response=schemas.SellerProductData, status=201,
        max_body=PRODUCT_BODY_LIMIT, errors=PRODUCT_ERRORS, tags=TAGS,
        summary="Create a product within the plan's product limit (JSON, or multipart with images)")
    def on_post(self, req, resp):
        ok(resp, _create(req), "Product created successfully.", status=201)


class Product:
    @op(scope="seller", permission="products.view", response=schemas.SellerProductData, errors=(404,), tags=TAGS,
        summary="One of the shop's products")
    def on_get(self, req, resp, product_id):
        ok(resp, {"product": services.detail(_product_or_404(product_id))})

    @op(scope="seller", permission="products.update", body=schemas.SellerProductUpdateIn(partial=True), response=schemas.SellerProductData,
        max_body=PRODUCT_BODY_LIMIT, errors=PRODUCT_ERRORS, tags=TAGS, summary="Change a product (only the fields sent)")
    def on_put(self, req, resp, product_id):
        ok(resp, _update(req, product_id), "Product updated successfully.")

    @op(scope="seller", permission="products.delete", errors=(404,), tags=TAGS,
        summary="Delete a product (frees its slot of the plan's product limit)")
    def on_delete(self, req, resp, product_id):
        services.delete(_product_or_404(product_id))
        ok(resp, message="Product deleted successfully.")


class ProductStatus:
    @op(scope="seller", permission="products.update", body=schemas.SellerStatusIn, response=schemas.SellerProductData,
        errors=(404, 422), tags=TAGS, summary="Publish or hide a product")
    def on_post(self, req, resp, product_id):
        ok(resp, _set_active(product_id, req.context.body["is_active"]), "Product status updated successfully.")


class SellerCreateData:
    @op(scope="seller", permission="products.view", response=schemas.SellerCreateData, tags=TAGS,
        summary="The choices of the product form: categories, sizes, colours, brands, units")
    def on_get(self, req, resp):
        ok(resp, services.create_data())


class ProductStore:
    @op(scope="seller", permission="products.create", body=schemas.SellerProductIn, response=schemas.SellerProductData,
        content_type=JSON_OR_FORM, max_body=PRODUCT_BODY_LIMIT, errors=PRODUCT_ERRORS, tags=TAGS,
        summary="Create a product (the original app's multipart ProductRequest)")
    def on_post(self, req, resp):
        ok(resp, _create(req), "Product created successfully.")


class ProductUpdate:
    @op(scope="seller", permission="products.update", body=schemas.SellerProductUpdateIn(partial=True), response=schemas.SellerProductData,
        content_type=JSON_OR_FORM, max_body=PRODUCT_BODY_LIMIT, errors=PRODUCT_ERRORS, tags=TAGS,
        summary="Change a product (the original app's multipart ProductRequest)")
    def on_post(self, req, resp, product_id):
        ok(resp, _update(req, product_id), "Product updated successfully.")


class ProductShow:
    @op(scope="seller", permission="products.view", response=schemas.SellerProductData, errors=(404,), tags=TAGS,
        summary="One of the shop's products (original route)")
    def on_get(self, req, resp, product_id):
        ok(resp, {"product": services.detail(_product_or_404(product_id))})


class ProductToggle:
    @op(scope="seller", permission="products.update", response=schemas.SellerProductData, errors=(404, 422), tags=TAGS,
        summary="Switch a product between published and hidden")
    def on_post(self, req, resp, product_id):
        ok(resp, _set_active(product_id, None), "Product status updated successfully.")


class ProductDestroy:
    @op(scope="seller", permission="products.delete", errors=(404,), tags=TAGS,
        summary="Delete a product (original route)")
    def on_delete(self, req, resp, product_id):
        services.delete(_product_or_404(product_id))
        ok(resp, message="Product deleted successfully.")


class ProductImageDelete:
    @op(scope="seller", permission="products.update", body=schemas.SellerThumbnailDeleteIn, response=schemas.SellerProductData,
        errors=(404, 422), tags=TAGS, summary="Remove one gallery image of a product")
    def on_delete(self, req, resp):
        body = req.context.body
        product = _product_or_404(body["product_id"])
        if not services.delete_image(product, body["thumbnail_id"]):
            raise APIError(404, "Image not found.")
        ok(resp, {"product": services.detail(services.find(product.id))}, "Image deleted successfully.")


# -- the shop's storefront profile -------------------------------------------------


def _save_profile(req) -> dict:
    """Apply the request's profile changes; the shop's profile as its seller sees it afterwards."""
    body = req.context.body
    try:
        images = profile.images_from(body)
    except uploads.UploadRejected as exc:
        raise upload_error(exc) from None
    shop_id = req.context.shop.id
    return profile.payload(profile.update(shop_id, body, images), shop_id)


class SellerShop:
    @op(scope="seller", permission="shop.profile.view", response=schemas.SellerShopData, tags=SHOP_TAGS,
        summary="The shop's storefront profile and settings")
    def on_get(self, req, resp):
        ok(resp, {"shop": profile.payload(profile.current(), req.context.shop.id)})

    @op(scope="seller", permission="shop.profile.update", body=schemas.ShopProfileIn, response=schemas.SellerShopData,
        errors=SHOP_ERRORS, tags=SHOP_TAGS, summary="Change the shop's profile and settings (only the fields sent)")
    def on_put(self, req, resp):
        ok(resp, {"shop": _save_profile(req)}, "Shop updated successfully.")


class ShopUpdate:
    @op(scope="seller", permission="shop.profile.update", body=schemas.ShopUpdateIn, response=schemas.SellerShopUserData,
        content_type=JSON_OR_FORM, max_body=SHOP_BODY_LIMIT, errors=SHOP_ERRORS, tags=SHOP_TAGS,
        summary="Change the shop's name, logo, banner and texts (the original app's form; images count against storage)")
    def on_post(self, req, resp):
        shop = _save_profile(req)
        ok(resp, {"user": user_payload(req.context.user), "shop": shop}, "Shop updated successfully.")


class ShopSettingUpdate:
    @op(scope="seller", permission="shop.profile.update", body=schemas.ShopSettingsIn, response=schemas.SellerShopUserData,
        errors=SHOP_ERRORS, tags=SHOP_TAGS,
        summary="Change the shop's order minimum, delivery days, order prefix, opening hours and days off")
    def on_post(self, req, resp):
        shop = _save_profile(req)
        ok(resp, {"user": user_payload(req.context.user), "shop": shop}, "Shop settings updated successfully.")


def routes() -> list[Route]:
    return [
        Route("/api/seller/shop", SellerShop()),
        Route("/api/seller/shop-update", ShopUpdate()),
        Route("/api/seller/shop-setting-update", ShopSettingUpdate()),
        Route("/api/seller/products", Products()),
        Route("/api/seller/products/{product_id:int}", Product()),
        Route("/api/seller/products/{product_id:int}/status", ProductStatus()),
        Route("/api/seller/product/create-data", SellerCreateData()),
        Route("/api/seller/product/store", ProductStore()),
        Route("/api/seller/product/{product_id:int}/update", ProductUpdate()),
        Route("/api/seller/product/{product_id:int}/show", ProductShow()),
        Route("/api/seller/product/status/toggle/{product_id:int}", ProductToggle()),
        Route("/api/seller/product/{product_id:int}/destroy", ProductDestroy()),
        Route("/api/seller/product/thumbnail/delete", ProductImageDelete()),
    ]
