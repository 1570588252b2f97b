"""Request schemas of the theming plugin (responses reuse the platform's ``ThemeData``)."""

from marshmallow import Schema, fields, validate

from plugins.platform.schemas import HexColor, PartialUpdate, PartialUpdateBody, StrictBoolean, StrictInteger


class ThemeIn(Schema):
    primary = HexColor(required=True)


class BrandingIn(PartialUpdate):
    name = fields.String(validate=validate.Length(min=1, max=40))
    monochrome = StrictBoolean()
    shadows = StrictBoolean()
    gradients = StrictBoolean()
    corner_radius = StrictInteger(validate=validate.Range(min=0, max=64))
    flat = StrictBoolean()
    font_family = fields.String(validate=validate.Length(max=120))
    background = HexColor()
    foreground = HexColor()


class PlatformThemeIn(PartialUpdateBody):
    """The platform scheme: its primary colour and/or branding flags (only the keys sent change)."""

    primary = HexColor()
    branding = fields.Nested(BrandingIn)
