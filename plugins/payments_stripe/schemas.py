"""Request and response schemas of the Stripe payment page's JSON call."""

from marshmallow import Schema, fields, validate


class SignedLinkQuery(Schema):
    """The signature that makes a payment link usable without a token (see ``links``)."""

    gateway = fields.String(validate=validate.Length(max=40))
    customer = fields.Integer(required=True, validate=validate.Range(min=1))
    expires = fields.Integer(required=True, validate=validate.Range(min=0))
    signature = fields.String(required=True, validate=validate.Length(max=128))


class ConfirmIn(Schema):
    token = fields.String(required=True, validate=validate.Regexp(r"^tok_[A-Za-z0-9_]{1,180}$"),
                          metadata={"description": "The card token Stripe.js created in the browser"})


class ConfirmData(Schema):
    status = fields.String(required=True, metadata={"description": "The PaymentIntent's status at Stripe"})
    requires_action = fields.Boolean(
        required=True, metadata={"description": "True when Stripe.js must authenticate the card (3-D Secure)"},
    )
