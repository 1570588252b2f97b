"""The content plugin's hook implementations."""

from kernel.hookspecs import hookimpl
from plugins.content import banners, models, seeds
from plugins.content.migrations import MIGRATIONS
from plugins.content.permissions import PERMISSIONS


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
    from plugins.content.resources import routes

    return routes()


@hookimpl
def home_sections(tenant, user, request):
    return {"banners": banners.storefront_banners(tenant)}


@hookimpl
def shop_banners(shop_id):
    return banners.shop_banners(shop_id)
