"""Assemble the Falcon app from the plugins' routes."""

import re

import falcon

from kernel.http import errors, openapi
from kernel.http.pipeline import QuteCatRequest, compile_responder
from kernel.http.router import Router
from kernel.http.routes import OpSpec, Route, op

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_INT_SEGMENT = re.compile(r"{(\w+):int}")


class OpenAPIResource:
    def __init__(self, document_factory):
        self._factory = document_factory
        self._document = None

    @op(raw=True, summary="The OpenAPI 3 document of every route")
    def on_get(self, req, resp):
        if self._document is None:
            self._document = self._factory()
        resp.media = self._document


class CompiledResource:
    """What Falcon routes to: one compiled pipeline per responder of a route."""


def _responders(route: Route):
    for method in METHODS:
        name = f"on_{method.lower()}" + (f"_{route.suffix}" if route.suffix else "")
        responder = getattr(route.resource, name, None)
        if responder is not None:
            yield method, name, responder, getattr(responder, "__qutecat_op__", None) or OpSpec()


def _bounded_ids(path: str) -> str:
    """Bound ``{x:int}`` segments to positive 32-bit ids, so a huge number is a 404, not an overflow."""
    return _INT_SEGMENT.sub(lambda m: "{%s:int(min=1, max=%d)}" % (m.group(1), openapi.MAX_ID), path)


def create_app(plugin_host, routes: list[Route], title: str = "QuteCat", version: str = "1.0.0") -> falcon.App:
    """Build the WSGI app: each responder compiled with its contract, and error envelopes."""
    app = falcon.App(request_type=QuteCatRequest, router=Router(), cors_enable=False)
    app.req_options.strip_url_path_trailing_slash = True
    app.req_options.auto_parse_qs_csv = False
    app.resp_options.default_media_type = falcon.MEDIA_JSON
    errors.install(app)
    documented = []
    spec_resource = OpenAPIResource(lambda: openapi.build(documented, title, version))
    for route in routes + [Route("/api/openapi.json", spec_resource)]:
        plugin = plugin_host.loaded.get(route.plugin) if route.plugin else None
        gated_plugin = None if plugin is None or plugin.manifest.core else route.plugin
        path = _bounded_ids(route.path)
        compiled = CompiledResource()
        for method, name, responder, spec in _responders(route):
            feature = spec.feature or route.feature or getattr(route.resource, "feature", None)
            setattr(compiled, name, compile_responder(
                plugin_host, responder, spec, method=method, path=route.path, feature=feature,
                plugin=gated_plugin, plugin_features=plugin.manifest.features if plugin else (),
            ))
            documented.append((route.path, method, spec, feature))
        app.add_route(path, compiled, **({"suffix": route.suffix} if route.suffix else {}))
    return app
