"""Small plugins the plugin-system tests load next to the real ones.

``probe`` (core) implements every kernel hook and remembers what it saw;
``gated`` lives only for tenants whose plan grants ``analytics.advanced``;
``broken`` cannot be imported; ``orphan`` names a dependency nobody provides.
"""
