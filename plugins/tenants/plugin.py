"""The tenants plugin's hook implementations."""

from kernel.hookspecs import hookimpl
from plugins.tenants import seeds
from plugins.tenants.permissions import PERMISSIONS


@hookimpl
def register_permissions():
    return PERMISSIONS


@hookimpl
def register_seeders():
    return seeds.SEEDERS


@hookimpl
def register_routes():
    from plugins.tenants.resources import routes

    return routes()
