"""Accounts: platform-wide users, their roles and permissions, and every auth flow.

Hook implementations live in ``plugin.py``; domain logic in ``services.py``.
"""

from plugins.accounts.plugin import (  # noqa: F401  (hook implementations pluggy collects)
    register_permissions,
    register_routes,
    register_seeders,
)
