"""Theming (feature ``theming.custom``): a shop's primary colour and its shades 50-950,
the platform's default scheme and the ZARA branding phase.

Storefronts get a shop's colours through the platform's ``storefront_theme``
hook, which runs only where this plugin is live, so a shop whose plan lacks
``theming.custom`` shows the platform scheme. Hook implementations live in
``plugin.py``.
"""

from plugins.theming.plugin import (  # noqa: F401  (hook implementations pluggy collects)
    register_migrations,
    register_models,
    register_permissions,
    register_routes,
    register_seeders,
    storefront_theme,
)
