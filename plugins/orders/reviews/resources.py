"""The app's review of an order line. Another customer's order answers 404; the rest of the refusals 422."""

from kernel.http import APIError, Route, ok, op, validation_error
from plugins.orders.orders import services as orders
from plugins.orders.reviews import schemas, services

REVIEW = "orders.review"


class ProductReview:
    @op(permission=REVIEW, body=schemas.ProductReviewIn, response=schemas.ProductReviewData, tags=("orders",),
        errors=(403, 404, 422), summary="Rate a product of one of the caller's delivered orders (the app's route)")
    def on_post(self, req, resp):
        body = req.context.body
        shop_id = req.context.tenant.id if req.context.tenant is not None else None
        try:
            review = services.review_line(req.context.user, body["order_id"], body["product_id"], body["rating"],
                                          body.get("description") or "", shop_id)
        except orders.NotFound as exc:
            raise APIError(404, str(exc)) from None
        except services.Refused as exc:
            raise validation_error({exc.field: [exc.message]}) from None
        ok(resp, {"review": review}, "Thanks for your review.")


def routes() -> list[Route]:
    return [Route("/api/product-review", ProductReview())]
