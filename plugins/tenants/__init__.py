"""Tenants: plans and limits, shop creation, plan changes, feature toggles and usage."""

from plugins.tenants.plugin import (  # noqa: F401  (hook implementations pluggy collects)
    register_permissions,
    register_routes,
    register_seeders,
)
