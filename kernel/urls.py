"""Absolute URLs for what the app downloads (images, invoices), built from the request's origin."""

from kernel import config, context


def absolute(path: str) -> str:
    """Return ``path`` prefixed with the request's origin (or ``PUBLIC_URL`` outside a request)."""
    if path.startswith(("http://", "https://")):
        return path
    req = context.request()
    origin = req.prefix.rstrip("/") if req is not None else config.settings.public_url
    return f"{origin}/{path.lstrip('/')}"
