"""The platform plugin's hook implementations."""

from kernel.hookspecs import hookimpl
from kernel.migrations import Migration, create_tables
from plugins.platform import hookspecs, master, seeds
from plugins.platform.models import MODELS
from plugins.platform.permissions import PERMISSIONS


@hookimpl
def addhooks(pluginmanager):
    pluginmanager.add_hookspecs(hookspecs)


@hookimpl
def register_models():
    return MODELS


@hookimpl
def register_migrations():
    return [Migration(1, "platform configuration tables", create_tables(*MODELS))]


@hookimpl
def register_permissions():
    return PERMISSIONS


@hookimpl
def register_seeders():
    return seeds.SEEDERS


@hookimpl
def register_routes():
    from plugins.platform.resources import routes

    return routes()


@hookimpl
def master_config(tenant, request):
    return master.base_fragment(tenant, request)
