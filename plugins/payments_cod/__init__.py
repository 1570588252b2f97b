"""Cash on delivery (feature ``payments.cod``, on every plan): the ``cash`` gateway.

Placing an order with cash leaves its payment pending; each shop's share is
paid when the rider delivers and collects it. Refunds of cash are paid out by
the operator (a bank transfer), so they are recorded as ``manual``.
"""

from plugins.payments_cod.plugin import (  # noqa: F401  (hook implementations pluggy collects)
    gateway_refund, gateway_start_payment, payment_gateways, register_seeders,
)
