"""Hooks the platform plugin declares for other plugins (added through ``addhooks``)."""

from kernel.hookspecs import hookspec


@hookspec(firstresult=True)
def storefront_theme(tenant):
    """Return the theme a storefront shows, as ``{"primary": "#RRGGBB"}``, or None for the platform default.

    ``tenant`` is the storefront's ``TenantInfo`` or None on the marketplace.
    Called through the storefront's hook view, so a plugin answers only for
    tenants where it is live; the first non-None answer wins. Both
    ``GET /api/theme`` and ``theme_colors`` in ``GET /api/master`` use it.
    """
