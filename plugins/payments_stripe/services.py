"""Stripe as the source of truth for card payments: intents, settling from them, webhook events, refunds.

Nothing here trusts what a browser or a webhook body says about an intent:
every decision re-reads the PaymentIntent from Stripe and applies the state
it has now, so callbacks and events may arrive in any order, and twice.
"""

import functools
import logging

import peewee
import stripe

from kernel import config, context, db
from plugins.payments import services as payments
from plugins.payments.models import Payment
from plugins.payments_stripe.models import StripeEvent, StripeIntent

log = logging.getLogger("qutecat.payments_stripe")

INTENT_EVENTS = frozenset({"payment_intent.succeeded", "payment_intent.payment_failed"})
# Stripe failures worth a retry: the network, its rate limit, its own 5xx, and a key it rejects
# (an operator's mistake that is fixed without losing the event).
TRANSIENT = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError, stripe.AuthenticationError)


def configured() -> bool:
    """Whether the operator gave the keys the payment page needs."""
    settings = config.settings
    return bool(settings.stripe_secret_key and settings.stripe_publishable_key)


@functools.lru_cache(maxsize=4)
def _client(api_key: str, api_base: str) -> stripe.StripeClient:
    return stripe.StripeClient(api_key, base_addresses={"api": api_base}, max_network_retries=2)


def client() -> stripe.StripeClient:
    """The SDK client for the configured key and API base (``STRIPE_API_BASE`` points it at a local server)."""
    settings = config.settings
    return _client(settings.stripe_secret_key or "", settings.stripe_api_base)


def stored_intent(payment: Payment) -> StripeIntent | None:
    with context.use(user=payment.user_id):
        return StripeIntent.get_or_none(StripeIntent.payment == payment.id)


def ensure_intent(payment: Payment) -> stripe.PaymentIntent:
    """The payment's PaymentIntent, created on first use and reused on every later page load.

    The idempotency key makes Stripe answer two racing first loads with one
    intent; the unique row makes our side agree on it.
    """
    stored = stored_intent(payment)
    if stored is not None:
        return client().v1.payment_intents.retrieve(stored.intent_id)
    intent = client().v1.payment_intents.create(
        params={
            "amount": payment.amount, "currency": payment.currency.lower(), "payment_method_types": ["card"],
            "metadata": {"payment_id": str(payment.id), "customer_id": str(payment.user_id)},
        },
        options={"idempotency_key": f"qutecat-payment-{payment.id}-intent"},
    )
    try:
        with context.use(user=payment.user_id), db.transaction():
            StripeIntent.create(payment=payment.id, user_id=payment.user_id, intent_id=intent.id)
    except peewee.IntegrityError:
        return client().v1.payment_intents.retrieve(stored_intent(payment).intent_id)
    return intent


def attach_card(payment: Payment, token: str) -> stripe.PaymentIntent:
    """Confirm the payment's intent with the card Stripe.js tokenised in the browser.

    The card number never reaches us: the page sends the token Stripe.js
    created. A declined card leaves the intent with ``last_payment_error``,
    which the return callback reads. Raises ``LookupError`` when the payment
    has no intent yet.
    """
    stored = stored_intent(payment)
    if stored is None:
        raise LookupError("no intent for this payment")
    card = client().v1.tokens.retrieve(token).card
    api = client().v1.payment_intents
    api.update(stored.intent_id, params={"payment_method": card.id})
    try:
        return api.confirm(stored.intent_id)
    except stripe.CardError:
        return api.retrieve(stored.intent_id)


def _plain(value) -> dict:
    """A nested Stripe object as a dict (the SDK's objects are no longer dicts themselves)."""
    return value.to_dict() if value is not None else {}


def _belongs(payment: Payment, intent: stripe.PaymentIntent) -> bool:
    """Whether the intent is the one we created for this payment, for its amount and currency."""
    stored = stored_intent(payment)
    return (
        stored is not None and stored.intent_id == intent.id and intent.amount == payment.amount
        and intent.currency == payment.currency.lower()
        and _plain(intent.metadata).get("payment_id") == str(payment.id)
    )


def settle(payment: Payment, intent: stripe.PaymentIntent) -> str:
    """Apply the intent's current state to the payment; returns the payment's status afterwards.

    Only ``succeeded`` pays; a canceled intent, or one whose last attempt
    failed, fails the payment. Both changes apply to a pending payment only,
    so a late failure can never un-pay a paid payment.
    """
    if not _belongs(payment, intent):
        log.error("PaymentIntent %s does not match payment %s; left unchanged", intent.id, payment.id)
    elif intent.status == "succeeded":
        if not payments.mark_paid(payment, external_reference=intent.id) and payment.status != "paid":
            log.error("PaymentIntent %s succeeded but payment %s is %s", intent.id, payment.id, payment.status)
    elif intent.status == "canceled" or (intent.status == "requires_payment_method" and intent.last_payment_error):
        reason = _plain(intent.last_payment_error).get("message") or f"The card payment was {intent.status}."
        payments.mark_failed(payment, reason)
    return payments.get_payment(payment.id, payment.user_id).status


def payment_of(intent: stripe.PaymentIntent) -> Payment | None:
    """The payment an intent was created for, from the metadata we gave it (None for anyone else's)."""
    metadata = _plain(intent.metadata)
    payment_id, customer_id = metadata.get("payment_id", ""), metadata.get("customer_id", "")
    if not (payment_id.isdigit() and customer_id.isdigit()):
        return None
    return payments.get_payment(int(payment_id), int(customer_id))


def apply_intent_event(event_id: str, event_type: str, intent_id: str) -> bool:
    """Apply one webhook event about an intent, once; False when the event id was already applied.

    The intent is re-read from Stripe first (before any lock is taken), and
    the event's row is inserted in the same transaction as its effect, so a
    failure in between leaves the event to Stripe's retry.
    """
    intent = client().v1.payment_intents.retrieve(intent_id)
    payment = payment_of(intent)
    with db.transaction():
        try:
            with db.transaction():
                StripeEvent.create(event_id=event_id, type=event_type)
        except peewee.IntegrityError:
            return False
        if payment is not None:
            settle(payment, intent)
    return True


def refund(payment: Payment, amount: int, reference: str) -> stripe.Refund:
    """Refund ``amount`` of the payment's intent; the reference is the idempotency key, so a retry refunds once."""
    stored = stored_intent(payment)
    intent_id = stored.intent_id if stored is not None else payment.external_reference
    return client().v1.refunds.create(
        params={"payment_intent": intent_id, "amount": amount, "metadata": {"reference": reference}},
        options={"idempotency_key": reference},
    )
