"""The accounts plugin's hook implementations."""

from kernel.hookspecs import hookimpl
from kernel.migrations import Migration, create_tables
from plugins.accounts import models, permissions, seeds


@hookimpl
def register_models():
    return models.MODELS


@hookimpl
def register_migrations():
    return [Migration(1, "one-time codes and password-reset tokens", create_tables(*models.MODELS))]


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
