"""A hook the probe plugin declares for other plugins, the way ``payments`` declares its gateways."""

from kernel.hookspecs import hookspec


@hookspec
def probe_greeting(name):
    """Return a greeting for ``name``; every live implementation contributes one."""
