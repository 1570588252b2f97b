"""Card payments through Stripe (feature ``payments.stripe``, Starter and up): the ``stripe`` gateway.

Placing an order with ``stripe`` answers the URL of our payment page, which
the app opens in its web view. The page creates one PaymentIntent per
payment, collects the card with Stripe.js, and sends the browser to our
return callback, which asks Stripe (never the query string) whether the
intent succeeded before marking the payment paid. ``POST /api/webhooks/stripe``
applies Stripe's own word on each intent once per event, and refunds go back
through Stripe. The gateway is offered only when ``STRIPE_SECRET_KEY`` and
``STRIPE_PUBLISHABLE_KEY`` are set.
"""

from plugins.payments_stripe.plugin import (  # noqa: F401  (hook implementations pluggy collects)
    gateway_refund, gateway_start_payment, payment_gateways, register_migrations, register_models,
    register_routes, register_seeders,
)
