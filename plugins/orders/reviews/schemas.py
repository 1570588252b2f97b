"""The app's review body (``add_product_review_model.dart``) and the review it gets back."""

from marshmallow import Schema, fields, validate

from kernel.http.fields import WholeNumber
from kernel.http.openapi import MAX_ID
from plugins.accounts.schemas import Input
from plugins.catalog.browse.schemas import ReviewOut


class ProductReviewIn(Input):
    order_id = WholeNumber(required=True, validate=validate.Range(min=1, max=MAX_ID))
    product_id = WholeNumber(required=True, validate=validate.Range(min=1, max=MAX_ID))
    # The app's star bar allows half stars and sends a double (4.5); reviews keep whole stars.
    rating = fields.Float(required=True, validate=validate.Range(min=1, max=5),
                          metadata={"description": "1.0 to 5.0; a half star counts as the next whole star"})
    description = fields.String(load_default="", validate=validate.Length(max=2000))


class ProductReviewData(Schema):
    review = fields.Nested(ReviewOut, required=True)
