"""The hello plugin's hook implementations."""

from kernel.hookspecs import hookimpl


@hookimpl
def register_routes():
    from qutecat_hello.resources import routes

    return routes()
