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


class WholeNumber(fields.Integer):
    """An integer, also given as a decimal string; a JSON number with a fraction (1.5) is refused, not cut to 1.

    Marshmallow's ``Integer`` turns 1.5 into 1, so an id sent as 1.5 would
    silently name row 1; ids and counts use this field instead.
    """

    def _validated(self, value):
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class Line(fields.String):
    """One line of text with the surrounding spaces trimmed; blank or multi-line input is refused.

    Names and titles use it, so " Red" and "Red" cannot become two rows and a
    name never renders as an empty label. Length validators see the trimmed text.
    """

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text:
            raise ValidationError("Must not be blank.")
        if "\n" in text or "\r" in text:
            raise ValidationError("Must be one line.")
        return text
