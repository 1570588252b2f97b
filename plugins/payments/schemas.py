"""Request and response schemas of the payments routes (the seller's wallet, the operator's settings)."""

from decimal import Decimal, InvalidOperation

from marshmallow import Schema, ValidationError, fields, validate

from plugins.payments.services import PERIODS
from plugins.platform.schemas import PartialUpdateBody, StrictBoolean, StrictInteger

MONEY_MAX = 1_000_000
CENT = Decimal("0.01")


class Amount(fields.Decimal):
    """A money amount in the default currency with at most two decimal places, kept exact (never a float).

    ``positive`` refuses zero as well as negative amounts.
    """

    def __init__(self, *, positive: bool = False, maximum: int = MONEY_MAX, **kwargs):
        metadata = {"type": "number", "multipleOf": 0.01}
        if positive:
            metadata["exclusiveMinimum"] = True
        super().__init__(
            allow_nan=False, validate=validate.Range(min=0, min_inclusive=not positive, max=maximum),
            metadata=metadata, **kwargs,
        )

    def _serialize(self, value, attr, obj, **kwargs):
        # Only the OpenAPI document serialises an amount (its bounds): JSON has numbers, not decimals.
        return None if value is None else float(value)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            raise ValidationError("Not a valid number.")
        amount = super()._deserialize(value, attr, data, **kwargs)
        try:
            whole_cents = amount == amount.quantize(CENT)
        except InvalidOperation:  # too many digits to hold in cents: far beyond any amount
            raise ValidationError("Not a valid amount.") from None
        if not whole_cents:
            raise ValidationError("Use at most two decimal places.")
        return amount


class LedgerEntryOut(Schema):
    id = fields.Integer(required=True)
    amount = fields.Float(required=True, metadata={"description": "Always positive; direction says which way"})
    direction = fields.String(required=True, metadata={"enum": ["credit", "debit"]})
    reason = fields.String(required=True)
    reference = fields.String(required=True)
    note = fields.String(required=True)
    created_at = fields.String(required=True)


class LedgerPageData(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    transactions = fields.List(fields.Nested(LedgerEntryOut), required=True)


class SellerWalletQuery(Schema):
    filter_type = fields.String(validate=validate.OneOf(PERIODS))


class SellerWalletData(Schema):
    """FLUTTER_CONTRACT.md section 12.1 ``GET /seller/wallet``: amounts as formatted strings."""

    total_sales = fields.String(required=True)
    commission = fields.String(required=True)
    profit = fields.String(required=True)
    lifetime_sales = fields.String(required=True)
    withdrawable_amount = fields.String(required=True)
    growth_percentage = fields.String(required=True)
    pending_withdraw = fields.Dict(required=True, allow_none=True)
    min_withdraw_amount = fields.String(required=True)
    is_withdrawable = fields.Boolean(required=True)
    balance = fields.Float(required=True)
    currency = fields.String(required=True)


class PaymentSettingsIn(PartialUpdateBody):
    commission_percent = Amount(maximum=100)
    min_withdraw_amount = Amount()


class PaymentSettingsData(Schema):
    commission_percent = fields.Float(required=True)
    min_withdraw_amount = fields.Float(required=True)


class GatewayOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    title = fields.String(required=True)
    logo = fields.String(required=True)
    is_active = fields.Boolean(required=True)
    sort_order = fields.Integer(required=True)


class GatewayListData(Schema):
    gateways = fields.List(fields.Nested(GatewayOut), required=True)


class GatewayData(Schema):
    gateway = fields.Nested(GatewayOut, required=True)


class GatewayIn(PartialUpdateBody):
    title = fields.String(validate=validate.Length(min=1, max=80))
    is_active = StrictBoolean()
    sort_order = StrictInteger(validate=validate.Range(min=0, max=10_000))
