"""The theming plugin's hook implementations."""

from kernel.hookspecs import hookimpl
from kernel.migrations import Migration, create_tables, one_row_per_tenant
from plugins.theming import seeds, services
from plugins.theming.models import MODELS
from plugins.theming.permissions import PERMISSIONS


@hookimpl
def register_models():
    return MODELS


@hookimpl
def register_migrations():
    return [
        Migration(1, "shop themes", create_tables(*MODELS)),
        Migration(2, "one theme per shop", one_row_per_tenant("theme")),
    ]


@hookimpl
def register_permissions():
    return PERMISSIONS


@hookimpl
def register_seeders():
    return seeds.SEEDERS


@hookimpl
def register_routes():
    from plugins.theming.resources import routes

    return routes()


@hookimpl
def storefront_theme(tenant):
    """A shop storefront shows the shop's saved colours (only where theming is live)."""
    if tenant is None:
        return None
    return services.saved_theme(tenant.id)
