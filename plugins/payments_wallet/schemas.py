"""Request and response schemas of the wallet routes."""

from marshmallow import Schema, fields, validate

from plugins.payments.schemas import Amount, LedgerEntryOut


class WalletData(Schema):
    balance = fields.Float(required=True)
    balance_text = fields.String(required=True, metadata={"description": "The balance as people read it"})
    currency = fields.String(required=True)
    total = fields.Integer(required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    transactions = fields.List(fields.Nested(LedgerEntryOut), required=True)


class WalletCreditIn(Schema):
    amount = Amount(required=True, positive=True)
    note = fields.String(validate=validate.Length(max=255), load_default="")
    reference = fields.String(
        validate=validate.Length(min=1, max=120),
        metadata={"description": "Your key for this top-up: sending it again credits nothing more"},
    )


class WalletCreditData(Schema):
    user_id = fields.Integer(required=True)
    credited = fields.Boolean(required=True, metadata={"description": "False when the reference was already used"})
    balance = fields.Float(required=True)
    balance_text = fields.String(required=True)
    currency = fields.String(required=True)
