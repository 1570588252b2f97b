"""Thin Falcon resources of orders: the Flutter app's routes and the canonical ones of SPEC.md, for
customers and for sellers, each pair over one implementation.

Another customer's order and another shop's order answer 404 on every route.
A move the status table forbids answers 422 on ``order_status``.
"""

from kernel.http import APIError, Route, ok, op, paginate, validation_error
from plugins.orders.orders import invoice, payloads, schemas, seller, services, transitions
from plugins.orders.orders.models import CANCELLED
from plugins.orders.placing import services as placing
from plugins.payments.gateways import GatewayNotOffered, PaymentDeclined

PLACE, OWN, VIEW, UPDATE = "orders.place", "orders.own", "orders.view", "orders.update"
TAGS, SELLER_TAGS = ("orders",), ("seller orders",)
ERRORS = (403, 404, 422)
IDEMPOTENCY_HEADER = "Idempotency-Key"
STATUS_ALIASES = {"cancel": CANCELLED, "on_the_way": "On The Way", "pickup": "Pickup"}


def _shop_id(req) -> int | None:
    return req.context.tenant.id if req.context.tenant is not None else None


def _customer_order(req, order_id: int):
    try:
        return services.customer_order(req.context.user.id, order_id, _shop_id(req))
    except services.NotFound as exc:
        raise APIError(404, str(exc)) from None


def _changed(call, *args):
    """Run a status change; a forbidden move or a refused one answers 422 on ``order_status``."""
    try:
        return call(*args)
    except transitions.TransitionRefused as exc:
        raise validation_error({"order_status": [str(exc)]}) from None
    except services.Refused as exc:
        raise validation_error({exc.field: [exc.message]}) from None


# -- placing -------------------------------------------------------------------------


def _place(req, resp, status: int) -> None:
    body = dict(req.context.body)
    request = placing.Request(
        user_id=req.context.user.id, address_id=body["address_id"], payment_method=body["payment_method"],
        shop_ids=tuple(body["shop_ids"]) if body.get("shop_ids") is not None else None,
        coupon_code=body.get("coupon_code") or None, note=body.get("note") or "",
    )
    key = req.get_header(IDEMPOTENCY_HEADER)
    if key is not None and not 0 < len(key) <= 255:
        raise validation_error({IDEMPOTENCY_HEADER: ["Send a key of 1 to 255 characters."]})
    idempotency = (key, placing.fingerprint(req.path, body)) if key else None
    try:
        answer = placing.place(req.context.tenant, request, idempotency)
    except placing.Refused as exc:
        raise validation_error({exc.field: [exc.message]}) from None
    except placing.KeyReused:
        raise validation_error({IDEMPOTENCY_HEADER: ["This key was already used for a different request."]}) from None
    ok(resp, answer.data, "Order placed successfully", status=status)


class PlaceOrder:
    @op(permission=PLACE, body=schemas.PlaceOrderIn, response=schemas.PlacedData, tags=TAGS, errors=ERRORS,
        summary="Place the ticked shops' cart lines: one order per shop under one payment (the app's route)")
    def on_post(self, req, resp):
        _place(req, resp, 200)


class Orders:
    @op(permission=OWN, query=schemas.OrdersQuery, response=schemas.OrderListData, tags=TAGS,
        summary="The caller's orders, newest first, optionally of one status")
    def on_get(self, req, resp):
        query = services.customer_orders(req.context.user.id, _shop_id(req), req.context.query.get("order_status"))
        titles = payloads.gateway_titles()
        ok(resp, paginate(query, req.context.query, "orders", lambda o: payloads.order_card(o, titles)), "Orders")

    @op(permission=PLACE, body=schemas.PlaceOrderIn, response=schemas.PlacedData, status=201, tags=TAGS,
        errors=ERRORS, summary="Place the cart's lines as orders, one per shop under one payment")
    def on_post(self, req, resp):
        _place(req, resp, 201)


class OrderAgain:
    @op(permission=PLACE, body=schemas.OrderAgainIn, response=schemas.PlacedData, tags=TAGS, errors=ERRORS,
        summary="Order a delivered order again (a new order and payment at today's prices)")
    def on_post(self, req, resp):
        body = req.context.body
        try:
            answer = placing.reorder(req.context.tenant, req.context.user.id, body["order_id"], body["payment_method"])
        except services.NotFound as exc:
            raise APIError(404, str(exc)) from None
        except placing.Refused as exc:
            raise validation_error({exc.field: [exc.message]}) from None
        ok(resp, answer.data, "Order placed successfully")


# -- the customer's orders -----------------------------------------------------------


def _details(resp, order, message="Order details") -> None:
    ok(resp, {"order": payloads.order_details(order)}, message)


class OrderDetailsByQuery:
    @op(permission=OWN, query=schemas.OrderIdQuery, response=schemas.OrderDetailsData, tags=TAGS, errors=(404,),
        summary="One of the caller's orders (the app's route)")
    def on_get(self, req, resp):
        _details(resp, _customer_order(req, req.context.query["order_id"]))


class OrderDetail:
    @op(permission=OWN, response=schemas.OrderDetailsData, tags=TAGS, errors=(404,),
        summary="One of the caller's orders")
    def on_get(self, req, resp, order_id):
        _details(resp, _customer_order(req, order_id))


def _cancel(req, resp, order_id: int) -> None:
    order = _customer_order(req, order_id)
    changed = _changed(services.change_status, order, CANCELLED, transitions.CUSTOMER, req.context.user.id)
    _details(resp, changed, "Order cancelled successfully")


class OrderCancelByBody:
    @op(permission=OWN, body=schemas.OrderIdIn, response=schemas.OrderDetailsData, tags=TAGS, errors=(404, 422),
        summary="Cancel one of the caller's pending orders (the app's route)")
    def on_post(self, req, resp):
        _cancel(req, resp, req.context.body["order_id"])


class OrderCancel:
    @op(permission=OWN, response=schemas.OrderDetailsData, tags=TAGS, errors=(404, 422),
        summary="Cancel one of the caller's pending orders; its stock comes back")
    def on_post(self, req, resp, order_id):
        _cancel(req, resp, order_id)


def _invoice(resp, order) -> None:
    ok(resp, {"invoice_url": invoice.url_now(order), "expires_in": invoice.URL_LIFETIME}, "Invoice")


class OrderInvoice:
    @op(permission=OWN, response=schemas.InvoiceData, tags=TAGS, errors=(404,),
        summary="A signed, expiring link to the PDF invoice of one of the caller's orders")
    def on_get(self, req, resp, order_id):
        _invoice(resp, _customer_order(req, order_id))


class OrderPayment:
    """The app's "Pay Now": a new payment of the one unpaid online order, through the gateway chosen."""

    def _pay(self, req, resp, order_id, method):
        order = _customer_order(req, order_id)
        if method == services.CASH or order.payment_method == services.CASH:
            raise validation_error({"method": ["Choose an online payment method."]})
        if order.order_status != "Pending" or order.payment_status != "Pending":
            raise validation_error({"order_id": ["This order has nothing left to pay."]})
        try:
            url = services.repay(order, method)
        except (GatewayNotOffered, PaymentDeclined) as exc:
            raise validation_error({"method": [str(exc) or "This payment method cannot be used."]}) from None
        ok(resp, {"order_payment_url": url}, "Payment")

    @op(permission=OWN, response=schemas.PaymentUrlData, tags=TAGS, errors=(404, 422),
        summary="The payment web view for an unpaid online order")
    def on_get(self, req, resp, order_id, method):
        self._pay(req, resp, order_id, method)

    @op(permission=OWN, response=schemas.PaymentUrlData, tags=TAGS, errors=(404, 422),
        summary="The payment web view for an unpaid online order")
    def on_post(self, req, resp, order_id, method):
        self._pay(req, resp, order_id, method)


# -- the seller's orders -------------------------------------------------------------


def _shop_order(order_id: int):
    try:
        return services.shop_order(order_id)
    except services.NotFound as exc:
        raise APIError(404, str(exc)) from None


def _seller_order(order) -> dict:
    return {"order": payloads.seller_order(order, seller.customers_of([order]).get(order.user_id))}


def _status(value: str) -> str:
    wanted = STATUS_ALIASES.get(value.strip().lower()) or services.canonical_status(value)
    if wanted is None:
        raise validation_error({"order_status": ["Unknown order status."]})
    return wanted


def _seller_change(req, resp, order_id: int) -> None:
    body = req.context.body
    wanted = _status(body["order_status"])
    order = _shop_order(order_id)
    changed = _changed(services.change_status, order, wanted, transitions.SELLER, req.context.user.id,
                       body.get("note") or "")
    ok(resp, _seller_order(changed), "Order status updated successfully")


class SellerOrders:
    @op(scope="seller", permission=VIEW, query=schemas.SellerOrdersQuery, response=schemas.SellerOrderListData,
        tags=SELLER_TAGS, summary="The shop's orders with counts per status tab")
    def on_get(self, req, resp):
        params = req.context.query
        query, tabs = seller.listing(params)
        page = paginate(query, params, "orders", lambda o: o, default_per_page=seller.DEFAULT_PER_PAGE)
        users = seller.customers_of(page["orders"])
        page["orders"] = [payloads.seller_order(o, users.get(o.user_id), with_lines=False) for o in page["orders"]]
        ok(resp, {**page, "total_items": page["total"], "status_orders": tabs}, "Orders")


class SellerOrderByQuery:
    @op(scope="seller", permission=VIEW, query=schemas.OrderIdQuery, response=schemas.SellerOrderData,
        tags=SELLER_TAGS, errors=(404,), summary="One of the shop's orders (the original seller app's route)")
    def on_get(self, req, resp):
        ok(resp, _seller_order(_shop_order(req.context.query["order_id"])), "Order details")


class SellerOrder:
    @op(scope="seller", permission=VIEW, response=schemas.SellerOrderData, tags=SELLER_TAGS, errors=(404,),
        summary="One of the shop's orders")
    def on_get(self, req, resp, order_id):
        ok(resp, _seller_order(_shop_order(order_id)), "Order details")


class SellerOrderInvoice:
    @op(scope="seller", permission=VIEW, response=schemas.InvoiceData, tags=SELLER_TAGS, errors=(404,),
        summary="A signed, expiring link to the PDF invoice of one of the shop's orders")
    def on_get(self, req, resp, order_id):
        _invoice(resp, _shop_order(order_id))


class SellerStatusByBody:
    @op(scope="seller", permission=UPDATE, body=schemas.SellerOrderStatusIn, response=schemas.SellerOrderData,
        tags=SELLER_TAGS, errors=(404, 422), summary="Move one of the shop's orders on (the original app's route)")
    def on_post(self, req, resp):
        _seller_change(req, resp, req.context.body["order_id"])


class SellerStatus:
    @op(scope="seller", permission=UPDATE, body=schemas.StatusIn, response=schemas.SellerOrderData,
        tags=SELLER_TAGS, errors=(404, 422), summary="Move one of the shop's orders to another status")
    def on_post(self, req, resp, order_id):
        _seller_change(req, resp, order_id)


def routes() -> list[Route]:
    return [
        Route("/api/v1/place-order", PlaceOrder()),
        Route("/api/orders", Orders()),
        Route("/api/place-order/again", OrderAgain()),
        Route("/api/order-details", OrderDetailsByQuery()),
        Route("/api/orders/{order_id:int}", OrderDetail()),
        Route("/api/orders/cancel", OrderCancelByBody()),
        Route("/api/orders/{order_id:int}/cancel", OrderCancel()),
        Route("/api/orders/{order_id:int}/invoice", OrderInvoice()),
        Route("/api/order-payment/{order_id:int}/{method}", OrderPayment()),
        Route("/api/seller/orders", SellerOrders()),
        Route("/api/seller/orders/details", SellerOrderByQuery()),
        Route("/api/seller/orders/{order_id:int}", SellerOrder()),
        Route("/api/seller/orders/{order_id:int}/invoice", SellerOrderInvoice()),
        Route("/api/seller/orders/status-update", SellerStatusByBody()),
        Route("/api/seller/orders/{order_id:int}/status", SellerStatus()),
    ]
