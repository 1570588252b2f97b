"""The response envelope ``{"message": ..., "data": ...}`` the mobile app reads."""

import falcon


def ok(resp: falcon.Response, data: dict | None = None, message: str = "", status: int = 200) -> None:
    """Answer success; ``data`` is omitted when None, as the original helper did for empty data.

    Falcon's response already says 200, so that status is left alone rather than
    normalised again from an int on every request.
    """
    body = {"message": message}
    if data is not None:
        body["data"] = data
    if status != 200:
        resp.status = status
    resp.media = body
