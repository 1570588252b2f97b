"""The response envelope ``{"message": ..., "data": ...}`` the mobile app reads."""

import falcon


def ok(resp: falcon.Response, data: dict | None = None, message: str = "", status: int = 200) -> None:
    """Answer success; ``data`` is omitted when None, as the original helper did for empty data."""
    body = {"message": message}
    if data is not None:
        body["data"] = data
    resp.status = status
    resp.media = body
