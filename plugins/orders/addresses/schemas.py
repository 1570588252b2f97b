"""Request and response schemas of the addresses (FLUTTER_CONTRACT.md sections 3.3, 3.16 and 4.3).

One body serves creating and changing an address, both route sets: the app
sends every field each time (``""`` and null for the empty ones, which the
kernel reads as absent), so an absent optional field is an empty one.
"""

import math
import re

from marshmallow import Schema, ValidationError, fields, validate

from plugins.accounts.schemas import Flag, Input, not_blank

ADDRESS_TYPES = {"home": "Home", "office": "Office", "other": "other"}
DECIMAL = re.compile(r"^-?\d{1,3}(\.\d{1,15})?$")


class AddressType(fields.String):
    """``Home``, ``Office`` or ``other`` (the app's spellings), matched in any case."""

    def _deserialize(self, value, attr, data, **kwargs):
        kind = ADDRESS_TYPES.get(super()._deserialize(value, attr, data, **kwargs).strip().lower())
        if kind is None:
            raise ValidationError("The address type must be Home, Office or other.")
        return kind


class Coordinate(fields.Field):
    """A latitude or longitude, as a number or a decimal string, kept as the string the app reads back."""

    def __init__(self, bound: int, **kwargs):
        self.bound = bound
        metadata = {"oneOf": [
            {"type": "number", "minimum": -bound, "maximum": bound},
            {"type": "string", "pattern": DECIMAL.pattern},
        ]}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and DECIMAL.match(value):
            number = float(value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            number, value = value, str(value)
        else:
            raise ValidationError("Must be a decimal number.")
        if abs(number) > self.bound:
            raise ValidationError(f"Must be between -{self.bound} and {self.bound}.")
        return value


def _text(max_length: int, **kwargs):
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


def _required_text(max_length: int):
    return fields.String(required=True, validate=[validate.Length(max=max_length), not_blank])


class AddressIn(Input):
    """``AddAddress.toMap``: ``phone`` digits within the platform's phone lengths, ``is_default`` 1/0 or a bool."""

    name = _required_text(120)
    phone = fields.String(required=True, validate=validate.Length(max=32))
    area = _text(120, load_default="")
    flat_no = _text(60, load_default="")
    post_code = _text(20, load_default="")
    address_line = _required_text(255)
    address_line2 = _text(255, load_default="")
    address_type = AddressType(load_default="Home", metadata={"description": "Home, Office or other"})
    latitude = Coordinate(90, load_default=None)
    longitude = Coordinate(180, load_default=None)
    is_default = Flag(load_default=False)


class AddressOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    phone = fields.String(required=True)
    area = fields.String(required=True)
    flat_no = fields.String(required=True)
    post_code = fields.String(required=True)
    address_line = fields.String(required=True)
    address_line2 = fields.String(required=True)
    address_type = fields.String(required=True)
    latitude = fields.String(required=True, allow_none=True)
    longitude = fields.String(required=True, allow_none=True)
    is_default = fields.Boolean(required=True)


class AddressListData(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    addresses = fields.List(fields.Nested(AddressOut), required=True)


class AddressData(Schema):
    address = fields.Nested(AddressOut, required=True)

