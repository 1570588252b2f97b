"""Thin Falcon resources of the content plugin: banners and blogs, and banner management.

A shop's banners are managed through the canonical ``/api/seller/banners`` routes and the original
seller app's ``banners/store``, ``banners/update`` and ``DELETE banners/{id}`` (FLUTTER_CONTRACT.md
section 12.1), over the same service functions.
"""

from kernel import uploads
from kernel.http import APIError, Route, ok, op, paginate, upload_error
from plugins.accounts.services import user_payload
from plugins.content import banners, blogs, schemas
from plugins.content.blog_admin.resources import routes as blog_admin_routes
from plugins.content.models import PlatformBanner, ShopBanner

TAGS = ("content",)
FORM = "multipart/form-data"
IMAGE_BODY_LIMIT = 6 * 1024 * 1024
BANNER_ERRORS = (413,)
SELLER_TAGS = ("seller",)


class Banners:
    @op(response=schemas.BannerListData, tags=TAGS,
        summary="This storefront's banners: the platform's on the marketplace, the shop's on its host")
    def on_get(self, req, resp):
        ok(resp, {"banners": banners.storefront_banners(req.context.tenant)})


class Blogs:
    @op(query=schemas.BlogListQuery, response=schemas.BlogListData, tags=TAGS,
        summary="Blogs, newest first, optionally of one category, with the blog categories")
    def on_get(self, req, resp):
        q = req.context.query
        data = paginate(blogs.blog_list(q.get("category_id")), q, "blogs", blogs.blog_payload)
        ok(resp, {**data, "categories": blogs.categories()})


class BlogDetails:
    @op(auth="optional", response=schemas.BlogDetailsData, tags=TAGS,
        summary="One blog by id or slug with its tags, related and popular blogs and products (counts a view)")
    def on_get(self, req, resp, key):
        ctx = req.context
        try:
            data = blogs.details(key, ctx.tenant, ctx.user.id if ctx.user is not None else None)
        except blogs.BlogNotFound:
            raise APIError(404, "Blog not found.") from None
        ok(resp, data)


# -- management ------------------------------------------------------------------------------


def _managed_or_404(model, banner_id: int):
    banner = banners.find_managed(model, banner_id)
    if banner is None:
        raise APIError(404, "Banner not found.")
    return banner


def _create(req, resp, model, tenant_id):
    try:
        banner = banners.create_banner(model, req.context.body, tenant_id)
    except uploads.UploadRejected as exc:
        raise upload_error(exc, "thumbnail") from None
    ok(resp, {"banner": banners.managed_payload(banner)}, "Banner created.")


def _update(req, resp, model, banner_id, tenant_id):
    banner = _managed_or_404(model, banner_id)
    try:
        banners.update_banner(banner, req.context.body, tenant_id)
    except uploads.UploadRejected as exc:
        raise upload_error(exc, "thumbnail") from None
    ok(resp, {"banner": banners.managed_payload(banner)}, "Banner updated.")


def _delete(resp, model, banner_id, tenant_id):
    banners.delete_banner(_managed_or_404(model, banner_id), tenant_id)
    ok(resp, message="Banner deleted.")


class SellerBanners:
    @op(scope="seller", permission="shop.banners.manage", response=schemas.ManagedBannerListData, tags=SELLER_TAGS,
        summary="The shop's storefront banners, hidden ones included")
    def on_get(self, req, resp):
        ok(resp, {"banners": banners.managed_banners(ShopBanner)})

    @op(scope="seller", permission="shop.banners.manage", body=schemas.BannerCreateIn, content_type=FORM,
        max_body=IMAGE_BODY_LIMIT, response=schemas.ManagedBannerData, errors=BANNER_ERRORS, tags=SELLER_TAGS,
        summary="Add a storefront banner (its image counts against the plan's storage)")
    def on_post(self, req, resp):
        _create(req, resp, ShopBanner, req.context.shop.id)


class SellerBanner:
    @op(scope="seller", permission="shop.banners.manage", body=schemas.BannerUpdateIn, content_type=FORM,
        max_body=IMAGE_BODY_LIMIT, response=schemas.ManagedBannerData, errors=BANNER_ERRORS, tags=SELLER_TAGS,
        summary="Change one of the shop's banners (another shop's answers 404)")
    def on_put(self, req, resp, banner_id):
        _update(req, resp, ShopBanner, banner_id, req.context.shop.id)

    @op(scope="seller", permission="shop.banners.manage", response=schemas.SellerBannerUserData, errors=(404,),
        tags=SELLER_TAGS, summary="Remove one of the shop's banners (also the original app's route)")
    def on_delete(self, req, resp, banner_id):
        banners.delete_banner(_managed_or_404(ShopBanner, banner_id), req.context.shop.id)
        ok(resp, {"user": user_payload(req.context.user)}, "Banner deleted.")


class SellerBannerStore:
    @op(scope="seller", permission="shop.banners.manage", body=schemas.SellerBannerStoreIn, content_type=FORM,
        max_body=IMAGE_BODY_LIMIT, response=schemas.SellerBannerChangeData, errors=BANNER_ERRORS, tags=SELLER_TAGS,
        summary="Add a storefront banner (the original app's form; the image is `banner`)")
    def on_post(self, req, resp):
        try:
            banner = banners.create_banner(ShopBanner, req.context.body, req.context.shop.id)
        except uploads.UploadRejected as exc:
            raise upload_error(exc, "banner") from None
        data = {"user": user_payload(req.context.user), "banner": banners.managed_payload(banner)}
        ok(resp, data, "Banner created.")


class SellerBannerUpdate:
    @op(scope="seller", permission="shop.banners.manage", body=schemas.SellerBannerUpdateIn, content_type=FORM,
        max_body=IMAGE_BODY_LIMIT, response=schemas.SellerBannerChangeData, errors=(404, 413), tags=SELLER_TAGS,
        summary="Replace one of the shop's banners by `id` (the original app's form; another shop's answers 404)")
    def on_post(self, req, resp):
        changes = dict(req.context.body)
        banner = _managed_or_404(ShopBanner, changes.pop("id"))
        try:
            banners.update_banner(banner, changes, req.context.shop.id)
        except uploads.UploadRejected as exc:
            raise upload_error(exc, "banner") from None
        data = {"user": user_payload(req.context.user), "banner": banners.managed_payload(banner)}
        ok(resp, data, "Banner updated.")


class AdminBanners:
    @op(permission="banners.manage", response=schemas.ManagedBannerListData, tags=("admin content",),
        summary="The marketplace's banners, hidden ones included")
    def on_get(self, req, resp):
        ok(resp, {"banners": banners.managed_banners(PlatformBanner)})

    @op(permission="banners.manage", body=schemas.BannerCreateIn, content_type=FORM, max_body=IMAGE_BODY_LIMIT,
        response=schemas.ManagedBannerData, errors=BANNER_ERRORS, tags=("admin content",),
        summary="Add a marketplace banner")
    def on_post(self, req, resp):
        _create(req, resp, PlatformBanner, None)


class AdminBanner:
    @op(permission="banners.manage", body=schemas.BannerUpdateIn, content_type=FORM, max_body=IMAGE_BODY_LIMIT,
        response=schemas.ManagedBannerData, errors=BANNER_ERRORS, tags=("admin content",),
        summary="Change a marketplace banner")
    def on_put(self, req, resp, banner_id):
        _update(req, resp, PlatformBanner, banner_id, None)

    @op(permission="banners.manage", tags=("admin content",), summary="Remove a marketplace banner")
    def on_delete(self, req, resp, banner_id):
        _delete(resp, PlatformBanner, banner_id, None)


def routes() -> list[Route]:
    return [
        Route("/api/banners", Banners()),
        Route("/api/blogs", Blogs()),
        Route("/api/blog/{key}/details", BlogDetails()),
        Route("/api/seller/banners", SellerBanners()),
        Route("/api/seller/banners/store", SellerBannerStore()),
        Route("/api/seller/banners/update", SellerBannerUpdate()),
        Route("/api/seller/banners/{banner_id:int}", SellerBanner()),
        Route("/api/admin/banners", AdminBanners()),
        Route("/api/admin/banners/{banner_id:int}", AdminBanner()),
        *blog_admin_routes(),
    ]
