"""Platform configuration: /api/master, settings, verification rules, currencies, languages,
countries, legal pages, pages, menus, footers, social links and social sign-in.

Other plugins read configuration through ``plugins.platform.services``
(``get_setting``, ``otp_settings``, ``default_currency``) and contribute to
``/api/master`` through the ``master_config`` hook. Hook implementations live
in ``plugin.py``.
"""

from plugins.platform.plugin import (  # noqa: F401  (hook implementations pluggy collects)
    addhooks,
    master_config,
    register_migrations,
    register_models,
    register_permissions,
    register_routes,
    register_seeders,
)
