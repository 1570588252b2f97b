"""Thin Falcon resources of coupons: the Flutter app's voucher routes, SPEC.md's canonical ones, and management.

``/apply-voucher`` answers 200 with the discount, or 422 with ``error`` (a
key of ``services.REASONS``) and the message on ``coupon_code`` when the code
gives nothing on the customer's cart; the original's 201 for "not applied"
told the app nothing about why.
"""

from kernel.http import APIError, Route, ok, op, validation_error
from plugins.orders.cart import checkout
from plugins.orders.vouchers import schemas, services

USE = "coupons.use"
MANAGE_PLATFORM = "coupons.manage"
MANAGE_SHOP = "shop.coupons.manage"
TAGS = ("vouchers",)
ADMIN_TAGS = ("admin coupons",)
SELLER_TAGS = ("seller",)


def _user_id(req) -> int | None:
    return req.context.user.id if req.context.user is not None else None


class Vouchers:
    @op(auth="optional", query=schemas.VoucherListQuery, response=schemas.VoucherListData, tags=TAGS,
        summary="Vouchers on offer: one shop's, or the platform's and this storefront's (with the caller's collection)")
    def on_get(self, req, resp):
        data = services.vouchers(req.context.tenant, _user_id(req), req.context.query.get("shop_id"))
        ok(resp, {"coupons": data}, "Vouchers")


class VoucherCollect:
    @op(permission=USE, body=schemas.CollectIn, response=schemas.VoucherData, errors=(404,), tags=TAGS,
        summary="Collect a voucher on offer (200 without data when it was collected already)")
    def on_post(self, req, resp):
        try:
            coupon = services.collect(req.context.tenant, req.context.user.id, req.context.body["coupon_id"])
        except services.NotFound as exc:
            raise APIError(404, str(exc)) from None
        if coupon is None:
            ok(resp, message="Voucher already collected")
        else:
            ok(resp, {"coupon": coupon}, "Voucher collected successfully")


def _apply(req, resp, shop_ids) -> None:
    """Answer what the code takes off the caller's cart for ``shop_ids`` (None: every shop), or 422 with why."""
    ctx = req.context
    carts = tuple(totals.cart for totals in checkout.summarize(ctx.tenant, ctx.user.id, shop_ids, None))
    try:
        data = services.apply(carts, ctx.user.id, ctx.body["coupon_code"])
    except services.Rejected as exc:
        raise APIError(422, exc.message, errors={"coupon_code": [exc.message]}, error=exc.reason) from None
    ok(resp, data, "Coupon applied")


class ApplyVoucher:
    @op(permission=USE, body=schemas.ApplyVoucherIn, response=schemas.ApplyData, tags=TAGS,
        summary="What a code takes off the cart's shops named by `products` (the app's route), or 422 with why")
    def on_post(self, req, resp):
        products = req.context.body.get("products")
        _apply(req, resp, {product["shop_id"] for product in products} if products else None)


class CouponApply:
    @op(permission=USE, body=schemas.CouponApplyIn, response=schemas.ApplyData, tags=TAGS,
        summary="What a code takes off the cart's ticked shops (every shop when absent), or 422 with why")
    def on_post(self, req, resp):
        _apply(req, resp, req.context.body.get("shop_ids"))


# -- management: the platform's coupons by administrators, a shop's by its sellers ------------


def _invalid(exc: services.Invalid) -> APIError:
    return validation_error({exc.field: [exc.message]})


def _listing(resp, shop_id):
    ok(resp, {"coupons": services.managed(shop_id)}, "Coupons")


def _create(req, resp, shop_id):
    try:
        coupon = services.create(shop_id, req.context.body)
    except services.Invalid as exc:
        raise _invalid(exc) from None
    ok(resp, {"coupon": services.managed_payload(coupon)}, "Coupon created.", status=201)


def _update(req, resp, shop_id, coupon_id):
    try:
        coupon = services.update(shop_id, coupon_id, req.context.body)
    except services.NotFound as exc:
        raise APIError(404, str(exc)) from None
    except services.Invalid as exc:
        raise _invalid(exc) from None
    ok(resp, {"coupon": services.managed_payload(coupon)}, "Coupon updated.")


def _delete(resp, shop_id, coupon_id):
    try:
        services.delete(shop_id, coupon_id)
    except services.NotFound as exc:
        raise APIError(404, str(exc)) from None
    ok(resp, message="Coupon deleted.")


class AdminCoupons:
    @op(permission=MANAGE_PLATFORM, response=schemas.ManagedCouponListData, tags=ADMIN_TAGS,
        summary="The platform's coupons, inactive and ended ones included")
    def on_get(self, req, resp):
        _listing(resp, None)

    @op(permission=MANAGE_PLATFORM, body=schemas.CouponIn, response=schemas.ManagedCouponData, status=201,
        tags=ADMIN_TAGS, summary="Add a platform coupon (valid in every shop)")
    def on_post(self, req, resp):
        _create(req, resp, None)


class AdminCoupon:
    @op(permission=MANAGE_PLATFORM, body=schemas.CouponUpdateIn, response=schemas.ManagedCouponData,
        errors=(404,), tags=ADMIN_TAGS, summary="Change a platform coupon")
    def on_put(self, req, resp, coupon_id):
        _update(req, resp, None, coupon_id)

    @op(permission=MANAGE_PLATFORM, errors=(404,), tags=ADMIN_TAGS, summary="Remove a platform coupon")
    def on_delete(self, req, resp, coupon_id):
        _delete(resp, None, coupon_id)


class SellerCoupons:
    @op(scope="seller", permission=MANAGE_SHOP, response=schemas.ManagedCouponListData, tags=SELLER_TAGS,
        summary="The shop's coupons, inactive and ended ones included")
    def on_get(self, req, resp):
        _listing(resp, req.context.shop.id)

    @op(scope="seller", permission=MANAGE_SHOP, body=schemas.CouponIn, response=schemas.ManagedCouponData,
        status=201, tags=SELLER_TAGS, summary="Add a coupon of the shop")
    def on_post(self, req, resp):
        _create(req, resp, req.context.shop.id)


class SellerCoupon:
    @op(scope="seller", permission=MANAGE_SHOP, body=schemas.CouponUpdateIn, response=schemas.ManagedCouponData,
        errors=(404,), tags=SELLER_TAGS, summary="Change one of the shop's coupons (another shop's answers 404)")
    def on_put(self, req, resp, coupon_id):
        _update(req, resp, req.context.shop.id, coupon_id)

    @op(scope="seller", permission=MANAGE_SHOP, errors=(404,), tags=SELLER_TAGS,
        summary="Remove one of the shop's coupons (another shop's answers 404)")
    def on_delete(self, req, resp, coupon_id):
        _delete(resp, req.context.shop.id, coupon_id)


def routes() -> list[Route]:
    return [
        Route("/api/get-vouchers", Vouchers()),
        Route("/api/vouchers-collect", VoucherCollect()),
        Route("/api/apply-voucher", ApplyVoucher()),
        Route("/api/coupons", Vouchers()),
        Route("/api/coupons/apply", CouponApply()),
        Route("/api/admin/coupons", AdminCoupons()),
        Route("/api/admin/coupons/{coupon_id:int}", AdminCoupon()),
        Route("/api/seller/coupons", SellerCoupons()),
        Route("/api/seller/coupons/{coupon_id:int}", SellerCoupon()),
    ]
