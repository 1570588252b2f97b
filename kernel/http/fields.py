"""Marshmallow fields every plugin's schemas share."""

from marshmallow import ValidationError, fields

from kernel.http.bodies import UploadedFile


class File(fields.Field):
    """A multipart file part (documented as a binary string in OpenAPI)."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"type": "string", "format": "binary"}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, UploadedFile):
            raise ValidationError("Must be a file upload.")
        return value
