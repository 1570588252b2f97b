"""The accounts plugin's hook implementations."""

from kernel.hookspecs import hookimpl
from plugins.accounts import permissions, seeds


@hookimpl
def register_permissions():
    return permissions.PERMISSIONS


@hookimpl
def register_seeders():
    return seeds.SEEDERS


@hookimpl
def register_routes():
    from plugins.accounts.routes import ROUTES

    return ROUTES
