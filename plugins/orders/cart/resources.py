"""Thin Falcon resources of the cart: the Flutter app's routes and the canonical ones of SPEC.md.

Every change answers 200 with the whole cart, as the app requires (it reads
``data.cart_items`` and tests ``status == 200``). A product that cannot go in
the cart answers 422 on the field at fault; a line not in the caller's cart
answers 404 on every route (the original answered 422 for the app's routes;
the app treats both alike, and 404 says what happened).
"""

from kernel.http import APIError, Route, ok, op, validation_error
from plugins.orders.cart import checkout, schemas, services

PERMISSION = "cart.manage"
TAGS = ("cart",)


def _changed(req, resp, change, *args, message: str) -> None:
    """Run a change as the caller, then answer with their cart."""
    tenant, user_id = req.context.tenant, req.context.user.id
    try:
        change(tenant, user_id, *args)
    except services.NotFound as exc:
        raise APIError(404, str(exc)) from None
    except services.Refused as exc:
        raise validation_error({exc.field: [exc.message]}) from None
    ok(resp, services.cart_payload(tenant, user_id), message)


class Carts:
    @op(permission=PERMISSION, response=schemas.CartData, tags=TAGS, summary="The caller's cart, grouped by shop")
    def on_get(self, req, resp):
        ok(resp, services.cart_payload(req.context.tenant, req.context.user.id), "Cart items")


class CartStore:
    @op(permission=PERMISSION, body=schemas.CartAddIn, response=schemas.CartData, tags=TAGS,
        summary="Put a product in the cart (a line of the same product, size and colour grows)")
    def on_post(self, req, resp):
        body = req.context.body
        _changed(req, resp, services.add, body["product_id"], body["quantity"], body.get("size"), body.get("color"),
                 message="Product added to cart")


class CartIncrement:
    @op(permission=PERMISSION, body=schemas.CartProductIn, response=schemas.CartData, tags=TAGS,
        summary="One more of a product in the cart (the app's route)")
    def on_post(self, req, resp):
        _changed(req, resp, services.step, req.context.body["product_id"], 1, message="Product quantity increased")


class CartDecrement:
    @op(permission=PERMISSION, body=schemas.CartProductIn, response=schemas.CartData, tags=TAGS,
        summary="One less of a product in the cart; below its minimum the line is removed (the app's route)")
    def on_post(self, req, resp):
        tenant, user_id = req.context.tenant, req.context.user.id
        try:
            removed = services.step(tenant, user_id, req.context.body["product_id"], -1)
        except services.NotFound as exc:
            raise APIError(404, str(exc)) from None
        message = "product removed from cart" if removed else "Product quantity decreased"
        ok(resp, services.cart_payload(tenant, user_id), message)


class CartCheckout:
    @op(permission=PERMISSION, body=schemas.CheckoutIn, response=schemas.CheckoutData, tags=TAGS,
        summary="The summary of the ticked shops' lines: totals, delivery, taxes, coupon and payable amount")
    def on_post(self, req, resp):
        body = req.context.body
        code = body.get("coupon_code")
        summaries = checkout.summarize(req.context.tenant, req.context.user.id, body.get("shop_ids"), code)
        data = checkout.checkout_payload(summaries, code)
        if not code:
            message = "Checkout information"
        else:
            message = "Coupon applied" if data["apply_coupon"] else "Coupon not applied"
        ok(resp, data, message)


class Cart(Carts, CartStore):
    """The canonical ``/api/cart``: the app's list and add, plus emptying."""

    @op(permission=PERMISSION, response=schemas.CartData, tags=TAGS,
        summary="Empty the cart of this storefront's shops")
    def on_delete(self, req, resp):
        _changed(req, resp, services.clear, message="Cart emptied")


class CartLine:
    @op(permission=PERMISSION, body=schemas.CartQuantityIn, response=schemas.CartData, tags=TAGS,
        summary="Set a line's quantity")
    def on_put(self, req, resp, line_id):
        _changed(req, resp, services.set_quantity, line_id, req.context.body["quantity"], message="Cart updated")

    @op(permission=PERMISSION, response=schemas.CartData, tags=TAGS, summary="Remove a line")
    def on_delete(self, req, resp, line_id):
        _changed(req, resp, services.remove, line_id, message="product removed from cart")


def routes() -> list[Route]:
    return [
        Route("/api/carts", Carts()),
        Route("/api/cart/store", CartStore()),
        Route("/api/cart/increment", CartIncrement()),
        Route("/api/cart/decrement", CartDecrement()),
        Route("/api/cart/checkout", CartCheckout()),
        Route("/api/cart", Cart()),
        Route("/api/cart/{line_id:int}", CartLine()),
    ]
