"""Absolute URLs for what the app downloads (images, invoices), built from the request's origin."""

from contextvars import ContextVar

from kernel import config

_origin: ContextVar[str | None] = ContextVar("origin", default=None)


def set_origin(origin: str | None) -> None:
    _origin.set(origin.rstrip("/") if origin else None)


def absolute(path: str) -> str:
    """Return ``path`` prefixed with the request's origin (or ``PUBLIC_URL`` outside a request)."""
    if path.startswith(("http://", "https://")):
        return path
    origin = _origin.get() or config.settings.public_url
    return f"{origin}/{path.lstrip('/')}"
