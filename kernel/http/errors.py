"""API errors and the handlers that turn every failure into the JSON envelope."""

import logging

import botocore.exceptions
import falcon
import peewee
import redis
from marshmallow import ValidationError

from kernel import db
from kernel.context import NoTenantError
from kernel.plans import LimitExceeded

log = logging.getLogger("qutecat.http")
# Seconds a client is told to wait when a backing service is down for a moment.
RETRY_AFTER = 5
# Failures to reach Redis or the object storage (the database has ``kernel.db.unavailable``).
UNREACHABLE = (
    redis.ConnectionError, redis.TimeoutError,
    botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError,
)


class APIError(Exception):
    """An error answered as ``{"message": ..., **extra}`` with a status code (never with ``data``)."""

    def __init__(self, status: int, message: str, *, errors: dict | None = None, headers: dict | None = None, **extra):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict:
        body = {"message": self.message, **self.extra}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def not_found(message: str = "Not found.") -> APIError:
    return APIError(404, message)


def validation_error(errors: dict, message: str | None = None) -> APIError:
    """A 422 with ``errors: {field: [messages]}``; the message is the first problem, as Laravel does."""
    errors = _flatten(errors)
    first = next(iter(errors.values()), ["The given data was invalid."])[0]
    return APIError(422, message or first, errors=errors)


def upload_error(exc, field: str = "file") -> APIError:
    """A refused upload (``kernel.uploads.UploadRejected``) as 413 or 422, pointing at its field."""
    field = exc.field or field
    if exc.status == 413:
        return APIError(413, exc.message, errors={field: [exc.message]})
    return validation_error({field: [exc.message]})


def _flatten(errors, prefix: str = "") -> dict[str, list[str]]:
    flat: dict[str, list[str]] = {}
    if isinstance(errors, list):
        return {prefix or "_schema": [str(e) for e in errors]}
    for key, value in errors.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(_flatten(value, name))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for item in value:
                flat.update(_flatten(item, name))
        else:
            messages = value if isinstance(value, list) else [value]
            flat[name] = [_humanise(name, str(m)) for m in messages]
    return flat


def _humanise(field: str, message: str) -> str:
    if message == "Missing data for required field.":
        return f"The {field.replace('_', ' ')} field is required."
    return message


def _send(resp: falcon.Response, status: int, body: dict, headers: dict | None = None) -> None:
    resp.status = status
    resp.media = body
    for name, value in (headers or {}).items():
        resp.set_header(name, str(value))


def install(app: falcon.App) -> None:
    """Register handlers so every error, expected or not, answers in the envelope."""

    def on_exception(req, resp, ex, params):
        if isinstance(ex, UNREACHABLE) or db.unavailable(ex):
            log.warning("backing service unavailable on %s %s: %r", req.method, req.path, ex)
            _send(resp, 503, {"message": "The service is briefly unavailable. Please try again."},
                  {"Retry-After": RETRY_AFTER})
            return
        log.exception("unhandled error on %s %s", req.method, req.path)
        _send(resp, 500, {"message": "Server error."})

    def on_http_error(req, resp, ex: falcon.HTTPError, params):
        message = ex.description or ex.title or "Error"
        if isinstance(ex, falcon.HTTPNotFound):
            message = ex.description or "Not found."
        elif isinstance(ex, falcon.HTTPMethodNotAllowed):
            message = "Method not allowed."
        elif isinstance(ex, falcon.HTTPContentTooLarge):
            message = ex.description or "The request body is too large."
        headers = dict(ex.headers or {})
        _send(resp, ex.status_code, {"message": str(message)}, headers)

    def on_api_error(req, resp, ex: APIError, params):
        _send(resp, ex.status, ex.body(), ex.headers)

    def on_limit(req, resp, ex: LimitExceeded, params):
        _send(resp, 403, ex.body())

    def on_validation(req, resp, ex: ValidationError, params):
        error = validation_error(ex.normalized_messages())
        _send(resp, 422, error.body())

    def on_does_not_exist(req, resp, ex, params):
        _send(resp, 404, {"message": "Not found."})

    def on_no_tenant(req, resp, ex, params):
        log.error("tenant-scoped query without a tenant on %s %s", req.method, req.path)
        _send(resp, 404, {"message": "Not found."})

    app.add_error_handler(Exception, on_exception)
    app.add_error_handler(falcon.HTTPError, on_http_error)
    app.add_error_handler(APIError, on_api_error)
    app.add_error_handler(LimitExceeded, on_limit)
    app.add_error_handler(ValidationError, on_validation)
    app.add_error_handler(peewee.DoesNotExist, on_does_not_exist)
    app.add_error_handler(NoTenantError, on_no_tenant)
