"""The payments plugin's hook implementations."""

from kernel.hookspecs import hookimpl
from plugins.payments import hookspecs, models, seeds, services
from plugins.payments.migrations import MIGRATIONS
from plugins.payments.permissions import PERMISSIONS


@hookimpl
def addhooks(pluginmanager):
    pluginmanager.add_hookspecs(hookspecs)


@hookimpl
def register_models():
    return models.MODELS


@hookimpl
def register_migrations():
    return MIGRATIONS


@hookimpl
def register_permissions():
    return PERMISSIONS


@hookimpl
def register_seeders():
    return seeds.SEEDERS


@hookimpl
def register_routes():
    from plugins.payments.resources import routes

    return routes()


@hookimpl
def master_config(tenant, request):
    """The storefront's payment options as the app reads them (FLUTTER_CONTRACT.md section 10).

    Online gateways are listed in ``payment_gateways``; cash is the app's own
    "Cash on delivery" option, announced by ``cash_on_delivery``.
    """
    offered = services.storefront_gateways(tenant)
    online = [g for g in offered if g.online]
    return {
        "payment_gateways": [
            {"id": g.id, "title": g.title, "name": g.name, "logo": g.logo, "is_active": True} for g in online
        ],
        "cash_on_delivery": any(not g.online for g in offered),
        "online_payment": bool(online),
    }
