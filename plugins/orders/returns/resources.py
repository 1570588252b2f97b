"""Thin Falcon resources of returns: the Flutter app's routes and the canonical ones of SPEC.md, for
customers and for sellers, each pair over one implementation.

Another customer's return or order, and another shop's return, answer 404.
A return the order cannot take, or a move the status table forbids, answers
422 on the field at fault. The original seller app's refusals came back as
200 with ``message: "error"``; here they are 422 like every other refusal.
"""

from kernel.http import APIError, PageQuery, Route, ok, op, paginate, validation_error
from plugins.orders.returns import payloads, schemas, services, transitions

OWN, VIEW, UPDATE = "returns.own", "returns.view", "returns.update"
TAGS, SELLER_TAGS = ("returns",), ("seller returns",)
LIST_KEY = "returnOrders"


def _shop_id(req) -> int | None:
    return req.context.tenant.id if req.context.tenant is not None else None


def _found(call, *args):
    try:
        return call(*args)
    except services.NotFound as exc:
        raise APIError(404, str(exc)) from None


def _decided(call, *args):
    """Run the shop's decision; a refused refund or a forbidden move answers 422 on its field."""
    try:
        return call(*args)
    except services.Refused as exc:
        raise validation_error({exc.field: [exc.message]}) from None
    except transitions.TransitionRefused as exc:
        raise validation_error({"status": [str(exc)]}) from None


def _listing(resp, query, params) -> None:
    ok(resp, paginate(query, params, LIST_KEY, payloads.return_card), "Return orders")


def _details(resp, order_return) -> None:
    ok(resp, {LIST_KEY: payloads.return_details(order_return)}, "Return order details")


# -- the customer's returns ------------------------------------------------------------


def _request(req, resp, status: int) -> None:
    user_id = req.context.user.id
    try:
        created = services.request_return(user_id, _shop_id(req), req.context.body)
    except services.NotFound as exc:
        raise APIError(404, str(exc)) from None
    except services.Refused as exc:
        raise validation_error({exc.field: [exc.message]}) from None
    ok(resp, {"returnOrder": payloads.return_details(created)}, "Return request submitted successfully",
       status=status)


class ReturnOrderSubmit:
    @op(permission=OWN, body=schemas.ReturnOrderIn, response=schemas.ReturnOrderCreatedData, tags=TAGS,
        errors=(404, 422), summary="Ask to return products of a delivered order (the app's route; 200 on success)")
    def on_post(self, req, resp):
        _request(req, resp, 200)


class ReturnOrders:
    @op(permission=OWN, query=PageQuery, response=schemas.ReturnOrderListData, tags=TAGS,
        summary="The caller's returns, newest first (every one without page and per_page)")
    def on_get(self, req, resp):
        _listing(resp, services.customer_returns(req.context.user.id, _shop_id(req)), req.context.query)

    @op(permission=OWN, body=schemas.ReturnOrderIn, response=schemas.ReturnOrderCreatedData, status=201,
        tags=TAGS, errors=(404, 422), summary="Ask to return products of a delivered order")
    def on_post(self, req, resp):
        _request(req, resp, 201)


class ReturnOrderDetail:
    @op(permission=OWN, response=schemas.ReturnOrderDetailsData, tags=TAGS, errors=(404,),
        summary="One of the caller's returns with its products")
    def on_get(self, req, resp, return_id):
        _details(resp, _found(services.customer_return, req.context.user.id, return_id, _shop_id(req)))


# -- the seller's returns --------------------------------------------------------------


def _status(value: str) -> str:
    wanted = services.canonical_status(value)
    if wanted is None:
        raise validation_error({"status": ["Unknown return status."]})
    return wanted


class SellerReturnOrders:
    @op(scope="seller", permission=VIEW, query=schemas.SellerReturnsQuery, response=schemas.ReturnOrderListData,
        tags=SELLER_TAGS, summary="The shop's returns, newest first, optionally of one status")
    def on_get(self, req, resp):
        params = req.context.query
        status = _status(params["status"]) if params.get("status") else None
        _listing(resp, services.shop_returns(status), params)


class SellerReturnOrder:
    @op(scope="seller", permission=VIEW, response=schemas.ReturnOrderDetailsData, tags=SELLER_TAGS,
        errors=(404,), summary="One of the shop's returns with its products, customer and bank details")
    def on_get(self, req, resp, return_id):
        _details(resp, _found(services.shop_return, return_id))


class SellerReturnStatus:
    @op(scope="seller", permission=UPDATE, body=schemas.ReturnStatusIn, response=schemas.ReturnOrderDetailsData,
        tags=SELLER_TAGS, errors=(404, 422),
        summary="Approve (restock and refund) or refuse one of the shop's returns")
    def on_post(self, req, resp, return_id):
        body = req.context.body
        wanted = _status(body["status"])
        order_return = _found(services.shop_return, return_id)
        changed = _decided(services.change_status, order_return, wanted, body.get("note"))
        ok(resp, {LIST_KEY: payloads.return_details(changed)}, "Return status updated successfully")


def routes() -> list[Route]:
    return [
        Route("/api/return-order", ReturnOrderSubmit()),
        Route("/api/return-orders", ReturnOrders()),
        Route("/api/return-order-details/{return_id:int}", ReturnOrderDetail()),
        Route("/api/return-orders/{return_id:int}", ReturnOrderDetail()),
        Route("/api/seller/return-orders", SellerReturnOrders()),
        Route("/api/seller/return-order-details/{return_id:int}", SellerReturnOrder()),
        Route("/api/seller/return-orders/{return_id:int}", SellerReturnOrder()),
        Route("/api/seller/return-order/{return_id:int}/status-change", SellerReturnStatus()),
        Route("/api/seller/return-orders/{return_id:int}/status", SellerReturnStatus()),
    ]
