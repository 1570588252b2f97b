"""Reading request bodies (JSON or multipart) into plain dicts for the schemas."""

import falcon

from kernel.http.errors import APIError


class UploadedFile:
    """A multipart file part, read into memory within the route's size limit."""

    def __init__(self, filename: str, content_type: str, data: bytes):
        self.filename = filename
        self.content_type = content_type
        self.data = data

    def __len__(self):
        return len(self.data)


def read_json(req: falcon.Request) -> dict:
    if not req.content_length:
        return {}
    try:
        media = req.get_media()
    except falcon.MediaMalformedError:
        raise APIError(400, "The request body is not valid JSON.") from None
    if media is None:
        return {}
    if not isinstance(media, dict):
        raise APIError(422, "The request body must be a JSON object.", errors={"_schema": ["Expected a JSON object."]})
    return media


def read_multipart(req: falcon.Request) -> dict:
    """Collect form fields as strings and file parts as ``UploadedFile``; repeated ``x[]`` keys become lists."""
    values: dict = {}
    try:
        form = req.get_media()
        for part in form:
            name = part.name or ""
            if part.filename:
                data = part.stream.read()
                if not data:
                    continue
                value = UploadedFile(part.filename, part.content_type or "", data)
            else:
                value = part.get_text()
            if name.endswith("[]"):
                values.setdefault(name[:-2], []).append(value)
            else:
                values[name] = value
    except falcon.MediaMalformedError as exc:
        raise APIError(400, f"The multipart body is malformed: {exc.description or exc.title}") from None
    except falcon.HTTPError as exc:
        raise APIError(exc.status_code if isinstance(exc.status_code, int) else 400, str(exc.description or exc.title)) from None
    return values


def read_body(req: falcon.Request) -> dict:
    """Read the body by its content type: multipart or JSON (anything else is treated as JSON)."""
    content_type = (req.content_type or "").lower()
    if content_type.startswith("multipart/form-data"):
        return read_multipart(req)
    if content_type.startswith("application/x-www-form-urlencoded"):
        return {k: v for k, v in falcon.uri.parse_query_string(req.bounded_stream.read().decode("utf-8", "replace")).items()}
    return read_json(req)
