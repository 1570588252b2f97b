"""Start a QuteCat process: configuration, database, plugins, tasks and the WSGI app."""

import logging
from dataclasses import dataclass

import falcon

from kernel import config, db, invalidation, plugins, queue, redis_client, storage, tenancy
from kernel.http.app import create_app
from kernel.http.health import HealthResource, MediaResource, PrivateMediaResource, ReadyResource
from kernel.http.routes import Route

log = logging.getLogger("qutecat")


@dataclass
class Platform:
    """One process's platform: its plugin host, routes and (lazily) its WSGI app."""

    host: plugins.PluginHost
    routes: list[Route]
    _app: falcon.App | None = None

    @property
    def app(self) -> falcon.App:
        if self._app is None:
            kernel_routes = [
                Route("/healthz", HealthResource()),
                Route("/readyz", ReadyResource()),
                Route("/media/{key:path}", MediaResource()),
                Route("/media-private/{key:path}", PrivateMediaResource()),
            ]
            self._app = create_app(self.host, kernel_routes + self.routes)
        return self._app


def collect_routes(host: plugins.PluginHost) -> list[Route]:
    """Ask every loaded plugin for its routes, tagging each with the plugin that owns it."""
    routes = []
    for impl in reversed(host.pm.hook.register_routes.get_hookimpls()):
        for route in impl.function() or []:
            routes.append(Route(route.path, route.resource, route.suffix, route.feature, impl.plugin_name))
    return routes


def boot(manifests: list[plugins.Manifest] | None = None) -> Platform:
    """Build this process's platform from the current environment."""
    settings = config.reload()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    redis_client.reset()
    invalidation.reset()
    storage.reset()
    db.init(settings.database_url)
    host = plugins.PluginHost(manifests if manifests is not None else plugins.discover())
    tenancy.bind(host)
    host.hook.register_tasks(huey=queue.huey)
    return Platform(host=host, routes=collect_routes(host))
