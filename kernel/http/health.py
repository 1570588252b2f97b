"""Kernel routes: liveness, readiness (database and Redis reachable) and local media files."""

from kernel import db, redis_client, storage
from kernel.http.errors import APIError
from kernel.http.responses import ok
from kernel.http.routes import op


class HealthResource:
    @op(summary="Liveness: the process answers")
    def on_get(self, req, resp):
        ok(resp, {"status": "ok"}, "ok")


class ReadyResource:
    """Ready while the database answers: without Redis the platform serves degraded (see
    docs/operations.md), so a balancer must not take every instance out for it; the
    ``redis`` check still says so."""

    @op(summary="Readiness: the database answers (Redis is reported, not required)", errors=(503,))
    def on_get(self, req, resp):
        checks = {"database": False, "redis": None}
        try:
            db.database.obj.execute_sql("SELECT 1").fetchone()
            checks["database"] = True
        except Exception:
            checks["database"] = False
        if redis_client.get() is not None:
            client = redis_client.reachable()
            try:
                checks["redis"] = client is not None and bool(client.ping())
            except Exception:
                redis_client.failed()
                checks["redis"] = False
        if not checks["database"]:
            raise APIError(503, "not ready", checks=checks)
        ok(resp, checks, "ready" if checks["redis"] is not False else "ready, degraded: Redis unreachable")


def _send_file(resp, found, cache_control: list[str]) -> None:
    if found is None:
        raise APIError(404, "Not found.")
    path, content_type = found
    resp.content_type = content_type
    resp.cache_control = cache_control
    resp.stream = open(path, "rb")
    resp.content_length = path.stat().st_size
    resp.set_header("X-Content-Type-Options", "nosniff")


class MediaResource:
    """Serve public objects of the local storage with a one-year cache."""

    @op(summary="A public media object", raw=True)
    def on_get(self, req, resp, key):
        _send_file(resp, storage.backend().open(key), ["public", "max-age=31536000", "immutable"])


class PrivateMediaResource:
    """Serve a private object of the local storage to whoever holds its signed, unexpired URL."""

    @op(summary="A private media object behind a signed URL", raw=True)
    def on_get(self, req, resp, key):
        if not storage.verify_private(key, req.get_param("expires") or "", req.get_param("signature") or ""):
            raise APIError(403, "This link is invalid or has expired.")
        _send_file(resp, storage.backend().open(key, private=True), ["private", "no-store"])

