"""The catalog plugin's hook implementations."""

from kernel.hookspecs import hookimpl
from plugins.catalog import hookspecs, models
from plugins.catalog.migrations import MIGRATIONS


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
    from plugins.catalog.admin.permissions import PERMISSIONS as admin
    from plugins.catalog.seller.permissions import PERMISSIONS as seller

    return seller + admin


@hookimpl
def register_seeders():
    from plugins.catalog.seeds import SEEDERS

    return SEEDERS


@hookimpl
def register_tasks(huey):
    from plugins.catalog import tasks  # noqa: F401  (defining the tasks registers them on huey)


@hookimpl
def register_routes():
    from plugins.catalog.admin.resources import routes as admin
    from plugins.catalog.browse.resources import routes as browse
    from plugins.catalog.seller.resources import routes as seller
    from plugins.catalog.storefront.resources import routes as storefront

    return browse() + storefront() + seller() + admin()


@hookimpl
def home_sections(tenant, user, request):
    from plugins.catalog.storefront.home import sections

    return sections(tenant, user, request)
