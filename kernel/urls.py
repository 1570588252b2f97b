"""Absolute URLs for what the app downloads (images, invoices), built from the request's origin."""

from contextvars import ContextVar

from kernel import config

_request: ContextVar[object | None] = ContextVar("origin_request", default=None)


def set_request(req) -> None:
    """Remember the request; its origin is computed only if a URL is actually built."""
    _request.set(req)


def absolute(path: str) -> str:
    """Return ``path`` prefixed with the request's origin (or ``PUBLIC_URL`` outside a request)."""
    if path.startswith(("http://", "https://")):
        return path
    req = _request.get()
    origin = req.prefix.rstrip("/") if req is not None else config.settings.public_url
    return f"{origin}/{path.lstrip('/')}"
