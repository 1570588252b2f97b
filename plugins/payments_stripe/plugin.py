"""Stripe: the hook implementations of the ``stripe`` gateway."""

import stripe

from kernel.hookspecs import hookimpl
from plugins.payments.gateways import Gateway, PaymentDeclined, PaymentStart, RefundResult
from plugins.payments.seeds import gateway_seeder
from plugins.payments.services import RefundError
from plugins.payments_stripe import links, models, services
from plugins.payments_stripe.migrations import MIGRATIONS

STRIPE = Gateway(name=links.GATEWAY, title="Card (Stripe)", online=True)


@hookimpl
def register_models():
    return models.MODELS


@hookimpl
def register_migrations():
    return MIGRATIONS


@hookimpl
def register_seeders():
    return [gateway_seeder(STRIPE, "#635BFF", sort_order=20)]


@hookimpl
def register_routes():
    from plugins.payments_stripe.resources import routes

    return routes()


@hookimpl
def payment_gateways(tenant):
    """Offer cards only once the operator configured Stripe's keys."""
    return STRIPE if services.configured() else None


@hookimpl
def gateway_start_payment(gateway, payment):
    """Send the app's web view to our payment page; the intent is created when the page first loads."""
    if gateway != STRIPE.name:
        return None
    if not services.configured():
        raise PaymentDeclined("Card payments are not available right now.")
    return PaymentStart(redirect_url=links.page_url(payment.id, payment.user_id))


@hookimpl
def gateway_refund(gateway, payment, amount, reference):
    """Refund through Stripe; a refusal rolls the whole refund back rather than recording money never sent."""
    if gateway != STRIPE.name:
        return None
    try:
        refunded = services.refund(payment, amount, reference)
    except stripe.StripeError as exc:
        raise RefundError(f"Stripe could not refund this payment: {exc.user_message or exc}") from exc
    return RefundResult(method="gateway", external_reference=refunded.id)
