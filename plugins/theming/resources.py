"""Thin Falcon resources of the theming plugin: the seller's theme and the platform scheme.

``GET /api/theme`` (what a storefront shows) is served by the platform plugin
through the ``storefront_theme`` hook, so it answers on every storefront,
including those where this plugin is not live.
"""

from kernel import db
from kernel.http import Route, ok, op
from plugins.platform import theme
from plugins.platform.schemas import ThemeData
from plugins.theming import schemas, services

FEATURE = "theming.custom"
TAGS = ("theme",)


class SellerTheme:
    @op(scope="seller", permission="theme.view", feature=FEATURE, response=ThemeData, tags=TAGS,
        summary="The shop's theme (its own colours, or the platform scheme it inherits)")
    def on_get(self, req, resp):
        ok(resp, services.shop_theme(req.context.shop.id))

    @op(scope="seller", permission="theme.update", feature=FEATURE, body=schemas.ThemeIn, response=ThemeData,
        tags=TAGS, summary="Set the shop's primary colour; the shades 50-950 follow")
    def on_put(self, req, resp):
        shop = req.context.shop
        with db.transaction():
            services.save_theme(req.context.body["primary"])
        ok(resp, services.shop_theme(shop.id), "Theme updated.")


class AdminTheme:
    @op(permission="theme.branding.manage", response=ThemeData, tags=TAGS,
        summary="The platform's default colour scheme and branding")
    def on_get(self, req, resp):
        ok(resp, theme.describe(None))

    @op(permission="theme.branding.manage", body=schemas.PlatformThemeIn, response=ThemeData, tags=TAGS,
        summary="Change the platform's default primary colour and branding flags")
    def on_put(self, req, resp):
        body = req.context.body
        with db.transaction():
            services.update_platform_scheme(body.get("primary"), body.get("branding"))
        ok(resp, theme.describe(None), "Theme updated.")


def routes() -> list[Route]:
    return [
        Route("/api/seller/theme", SellerTheme()),
        Route("/api/admin/theme", AdminTheme()),
    ]
