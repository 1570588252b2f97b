"""Every hook the kernel declares, one function each.

Plugins that own a domain concept (payments, orders, catalog) declare that
concept's hooks for other plugins through :func:`addhooks`.
"""

import pluggy

hookspec = pluggy.HookspecMarker("qutecat")
hookimpl = pluggy.HookimplMarker("qutecat")


# -- registration: called once at start-up on every loaded plugin ----------


@hookspec(historic=True)
def addhooks(pluginmanager):
    """Declare hookspecs owned by a plugin, by calling ``pluginmanager.add_hookspecs(module)``.

    Historic, so a plugin loaded after the declaring one still sees the call and
    the declarations exist before anyone implements them.
    """


@hookspec
def register_models():
    """Return the peewee model classes this plugin owns, for introspection and RLS checks."""


@hookspec
def register_migrations():
    """Return this plugin's migrations as ``kernel.migrations.Migration`` objects.

    Versions are integers per plugin; the kernel applies the missing ones in
    dependency order and records each in the same transaction as its changes.
    """


@hookspec
def register_routes():
    """Return ``kernel.http.Route`` objects: a URI template, a Falcon resource and its feature.

    Responders carry their auth, permission and schemas through ``kernel.http.op``;
    a route whose feature the tenant lacks answers 403 ``feature_not_in_plan``.
    """


@hookspec
def register_tasks(huey):
    """Define this plugin's huey tasks on ``huey`` so web and worker processes know them."""


@hookspec
def register_permissions():
    """Return ``(permission, description, roles)`` tuples; seeding grants each to the roles named."""


@hookspec
def register_seeders():
    """Return ``kernel.seeding.Seeder`` objects, each bound to a phase (essential, demo, branding).

    Seeders must be idempotent: a second run changes no row.
    """


@hookspec
def register_settings():
    """Return ``{plugin_name: marshmallow.Schema}`` describing this plugin's per-tenant settings."""


# -- collect: request-time contributions merged by the kernel --------------


@hookspec
def master_config(tenant, request):
    """Return a dict fragment for ``GET /api/master`` on this storefront.

    ``tenant`` is the storefront's ``TenantInfo`` or None on the marketplace.
    Fragments are merged in plugin load order, so a plugin that depends on
    another overrides the keys it sets.
    """


@hookspec
def home_sections(tenant, user, request):
    """Return a dict fragment for ``GET /api/home`` (banners, categories, products...)."""


# -- life-cycle actions ------------------------------------------------------


@hookspec
def tenant_created(tenant):
    """React to a new tenant (``TenantInfo``) after its creating transaction committed."""


@hookspec
def tenant_plan_changed(tenant, old_plan, new_plan):
    """React to a tenant moving between plans (slugs), after commit; features already follow."""


@hookspec
def plugin_enabled(tenant, plugin):
    """React to a plugin becoming live for a tenant (plan change, toggle or grant)."""


@hookspec
def plugin_disabled(tenant, plugin):
    """React to a plugin ceasing to be live for a tenant; its data stays, read-only."""


@hookspec
def user_registered(user, tenant):
    """React to a new platform account (``User`` row) created on a storefront (or None)."""
