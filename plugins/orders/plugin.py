"""The orders plugin's hook implementations."""

from kernel.hookspecs import hookimpl
from plugins.orders import hookspecs, models
from plugins.orders.orders import models as order_models
from plugins.orders.migrations import MIGRATIONS
from plugins.orders.notifications import models as notification_models
from plugins.orders.notifications.hooks import (  # noqa: F401  (the order mails' hook implementations)
    mail_order_placed, mail_order_status_changed,
)
from plugins.orders.permissions import PERMISSIONS
from plugins.orders.returns import models as return_models
from plugins.orders.vouchers import models as voucher_models
from plugins.orders.vouchers.adjustments import (  # noqa: F401  (the coupons' hook implementations)
    cart_adjustments, order_placed, order_status_changed,
)


@hookimpl
def addhooks(pluginmanager):
    pluginmanager.add_hookspecs(hookspecs)


@hookimpl
def register_models():
    return (models.MODELS + order_models.MODELS + voucher_models.MODELS + return_models.MODELS
            + notification_models.MODELS)


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
    from plugins.orders.returns.resources import routes as returns
    from plugins.orders.reviews.resources import routes as reviews
    from plugins.orders.vouchers.resources import routes as vouchers

    return addresses() + cart() + orders() + vouchers() + returns() + reviews()


@hookimpl
def register_tasks(huey):
    # Defining the tasks registers them on huey.
    from plugins.orders.notifications import tasks as mail_tasks  # noqa: F401
    from plugins.orders.orders import tasks  # noqa: F401


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
