"""qutecat-hello: an example third-party QuteCat plugin.

The kernel imports this module (named by the ``qutecat.plugins`` entry point),
reads ``plugin.toml`` beside it and registers the module with pluggy, so the
hook implementations must be reachable as attributes of this module.
"""

from qutecat_hello.plugin import register_routes  # noqa: F401  (hook implementation pluggy collects)
