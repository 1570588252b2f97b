"""Stripe's tables: the PaymentIntent of each payment, and the webhook events already applied."""

import peewee

from kernel.orm import BaseModel, utcnow
from plugins.payments.models import Payment


class StripeIntent(BaseModel):
    """The one PaymentIntent a payment is collected through (a page reload reuses it).

    ``user_id`` repeats the payment's customer so row-level security can show
    the row to them alone, as it does the payment.
    """

    payment = peewee.ForeignKeyField(Payment, unique=True, on_delete="CASCADE")
    user_id = peewee.IntegerField()
    intent_id = peewee.CharField(max_length=190, unique=True)
    created_at = peewee.DateTimeField(default=utcnow)


class StripeEvent(BaseModel):
    """A webhook event already applied: inserted in the transaction of its effect, so each applies once."""

    event_id = peewee.CharField(max_length=190, unique=True)
    type = peewee.CharField(max_length=80)
    processed_at = peewee.DateTimeField(default=utcnow)


MODELS = [StripeIntent, StripeEvent]
