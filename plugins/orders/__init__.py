"""Orders: the customer's delivery addresses, cart across shops and checkout summary, and their orders.

Shared pieces: ``models`` (addresses and cart lines), ``locking`` (one
customer's changes in turn), ``hookspecs`` (``cart_adjustments``,
``order_placed``, ``order_status_changed``). Routes live in ``addresses``,
``cart`` (lines, prices in ``cart.pricing``, the summary in
``cart.checkout``) and ``orders`` (reading and moving orders; the status
table in ``orders.transitions``); ``placing`` turns a cart into orders;
``vouchers`` are the coupons, platform-wide and per shop, priced into the
summary through the plugin's own ``cart_adjustments``. Each
serves the Flutter app's routes and the canonical ones of SPEC.md through one
implementation.
"""

from plugins.orders.plugin import (  # noqa: F401
    addhooks, cart_adjustments, mail_order_placed, mail_order_status_changed, order_placed, order_status_changed,
    payment_failed, payment_succeeded,
    register_migrations, register_models, register_permissions, register_routes, register_seeders, register_tasks,
)
