"""The orders plugin's hook implementations."""

from kernel.hookspecs import hookimpl
from plugins.orders import hookspecs, models
from plugins.orders.orders import models as order_models
from plugins.orders.migrations import MIGRATIONS
from plugins.orders.permissions import PERMISSIONS
from plugins.orders.vouchers import models as voucher_models
from plugins.orders.vouchers.adjustments import (  # noqa: F401  (the coupons' hook implementations)
    cart_adjustments, order_placed, order_status_changed,
)


@hookimpl
def addhooks(pluginmanager):
    pluginmanager.add_hookspecs(hookspecs)


@hookimpl
def register_models():
    return models.MODELS + order_models.MODELS + voucher_models.MODELS


@hookimpl
def register_migrations():
    return MIGRATIONS


@hookimpl
def register_permissions():
    return PERMISSIONS


@hookimpl
def register_seeders():
    from plugins.orders.seeds import SEEDERS

    return SEEDERS


@hookimpl
def register_routes():
    from plugins.orders.addresses.resources import routes as addresses
    from plugins.orders.cart.resources import routes as cart
    from plugins.orders.orders.resources import routes as orders
    from plugins.orders.vouchers.resources import routes as vouchers

    return addresses() + cart() + orders() + vouchers()


@hookimpl
def register_tasks(huey):
    from plugins.orders.orders import tasks  # noqa: F401  (defining the tasks registers them on huey)


@hookimpl
def payment_succeeded(payment):
    """The payment's orders become paid."""
    from plugins.orders.orders import services

    services.payment_settled(payment)


@hookimpl
def payment_failed(payment):
    """The payment's orders still pending are cancelled and their stock released."""
    from plugins.orders.orders import services

    services.payment_given_up(payment)
