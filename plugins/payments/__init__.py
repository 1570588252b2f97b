"""Payments: the gateway framework, payments across shops, the append-only ledger and shop wallets.

Gateway plugins (``payments_cod``, ``payments_wallet``, ``payments_stripe``)
implement the hooks ``hookspecs`` declares. Other plugins call ``services``:
which gateways a checkout may use, creating and settling payments, crediting
shops on delivery and refunds. ``ledger`` is the append-only book of every
movement of money. Hook implementations live in ``plugin.py``.
"""

from plugins.payments.plugin import (  # noqa: F401  (hook implementations pluggy collects)
    addhooks, master_config, register_migrations, register_models, register_permissions, register_routes,
    register_seeders,
)
