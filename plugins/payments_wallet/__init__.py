"""Customer wallets (feature ``payments.wallet``, Starter and up): the ``wallet`` gateway.

Paying by wallet debits the customer's ledger balance inside the placing
transaction and settles the payment at once; refunds of wallet payments go
back to it; the operator tops wallets up. Routes: ``GET /api/wallet`` (the
customer's balance and history) and ``POST /api/admin/wallets/{user_id}/credit``.
"""

from plugins.payments_wallet.plugin import (  # noqa: F401  (hook implementations pluggy collects)
    gateway_refund, gateway_start_payment, payment_gateways, register_permissions, register_routes,
    register_seeders,
)
