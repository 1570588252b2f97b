"""Accounts: platform-wide users, their roles and permissions, and every auth flow.

Hook implementations live in ``plugin.py``; domain logic in ``services.py`` and
``otp.py``; HTTP in ``resources.py``.
"""

from plugins.accounts.plugin import (  # noqa: F401  (hook implementations pluggy collects)
    register_migrations,
    register_models,
    register_permissions,
    register_routes,
    register_seeders,
)
