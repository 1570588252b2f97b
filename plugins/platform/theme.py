"""The storefront's theme: a live plugin's answer to ``storefront_theme``, else the platform scheme."""

from plugins.platform import colors, services

# The look before any branding phase ran: the original's pink on soft, rounded surfaces.
DEFAULT_BRANDING = {
    "name": "default",
    "monochrome": False,
    "shadows": True,
    "gradients": True,
    "corner_radius": 8,
    "flat": False,
    "font_family": "",
    "background": "#FFFFFF",
    "foreground": "#1F2937",
}


def branding() -> dict:
    """The platform-wide style flags (the ZARA branding phase stores its own under ``branding``)."""
    return {**DEFAULT_BRANDING, **(services.get_setting("branding", None) or {})}


def platform_primary() -> str:
    return colors.normalize(services.get_setting("theme_primary", "#EE456B"))


def describe(shop_theme: dict | None) -> dict:
    """Return ``{"source", "colors", "branding"}`` for a shop's theme, or the platform scheme for None.

    Branding flags are platform-wide: a shop chooses its colours, not its style.
    """
    if shop_theme:
        return {"source": "shop", "colors": colors.palette(shop_theme["primary"]), "branding": branding()}
    return {"source": "platform", "colors": colors.palette(platform_primary()), "branding": branding()}


def storefront(hooks, tenant) -> dict:
    """The theme a storefront shows (``tenant`` None = marketplace), through its hook view."""
    return describe(hooks.storefront_theme(tenant=tenant))
