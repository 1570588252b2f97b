"""HTTP for plugins: routes, responder contracts, the envelope, errors and pagination."""

from kernel.http.bodies import UploadedFile
from kernel.http.errors import APIError, not_found, upload_error, validation_error
from kernel.http.pagination import PageQuery, paginate
from kernel.http.responses import ok
from kernel.http.routes import Route, op

__all__ = ["APIError", "PageQuery", "Route", "UploadedFile", "not_found", "ok", "op", "paginate", "upload_error",
           "validation_error"]
