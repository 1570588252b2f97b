"""Request and response schemas of reference-data management.

Categories, sub-categories and brands carry an image, so their bodies are
multipart forms (JSON works too when no file is sent); sizes, colours and
units are JSON. A change (PUT) sends only the fields it changes.
"""

import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from kernel.http.fields import File, Line, WholeNumber
from kernel.http.openapi import MAX_ID
from kernel.http.pagination import PageQuery
from plugins.catalog.models import Brand, Category, Color, Size, Unit

ID = validate.Range(min=1, max=MAX_ID)
SORT_ORDER = validate.Range(min=0, max=100_000)
HEX_PATTERN = "^#[0-9A-Fa-f]{6}$"


def _hex_color(value: str) -> None:
    # fullmatch, not a "$" pattern: "$" also matches before a trailing newline.
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
        raise ValidationError("Must be a colour code like #1A2B3C.")


def _color_code(**kwargs) -> fields.String:
    return fields.String(validate=_hex_color, metadata={"pattern": HEX_PATTERN, "example": "#1A2B3C"}, **kwargs)


def _name(model, **kwargs) -> Line:
    return Line(validate=validate.Length(min=1, max=model.name.max_length), **kwargs)


class Changes(Schema):
    """A change must change something, and an image cannot be both replaced and removed."""

    @validates_schema
    def _changes_something(self, data, **kwargs):
        if not data:
            raise ValidationError("Send at least one field to change.")
        for name in ("thumbnail", "logo"):
            if data.get(name) is not None and data.get(f"remove_{name}"):
                raise ValidationError(f"Send a new {name} or remove it, not both.", name)


# -- queries ----------------------------------------------------------------------------------


class AdminListQuery(PageQuery):
    search = Line(validate=validate.Length(max=120), metadata={"description": "Part of the name"})


class SubCategoryListQuery(AdminListQuery):
    category_id = WholeNumber(validate=ID, metadata={"description": "Only this category's sub-categories"})


# -- categories and sub-categories ------------------------------------------------------------


class CategoryChangesIn(Changes):
    """``thumbnail`` is a JPEG, PNG, GIF or WebP of at most 5 MB; ``remove_thumbnail`` brings the default image back."""

    name = _name(Category)
    thumbnail = File()
    remove_thumbnail = fields.Boolean()
    sort_order = WholeNumber(validate=SORT_ORDER)
    is_active = fields.Boolean()


class CategoryIn(CategoryChangesIn):
    name = _name(Category, required=True)


MAIN_CATEGORY = {"description": "The top-level category it belongs to"}


class SubCategoryChangesIn(CategoryChangesIn):
    category_id = WholeNumber(validate=ID, metadata=MAIN_CATEGORY)


class SubCategoryIn(SubCategoryChangesIn):
    name = _name(Category, required=True)
    category_id = WholeNumber(required=True, validate=ID, metadata=MAIN_CATEGORY)


class ManagedCategoryOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)
    thumbnail = fields.String(required=True, allow_none=True, metadata={"description": "Null: the default image"})
    sort_order = fields.Integer(required=True)
    is_active = fields.Boolean(required=True)


class CategoryRefOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class ManagedSubCategoryOut(ManagedCategoryOut):
    category = fields.Nested(CategoryRefOut, required=True)


class ManagedCategoryData(Schema):
    category = fields.Nested(ManagedCategoryOut, required=True)


class ManagedCategoryListData(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    categories = fields.List(fields.Nested(ManagedCategoryOut), required=True)


class ManagedSubCategoryData(Schema):
    sub_category = fields.Nested(ManagedSubCategoryOut, required=True)


class ManagedSubCategoryListData(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    sub_categories = fields.List(fields.Nested(ManagedSubCategoryOut), required=True)


# -- brands ----------------------------------------------------------------------------------


class BrandChangesIn(Changes):
    """``logo`` is a JPEG, PNG, GIF or WebP of at most 2 MB; ``remove_logo`` leaves the brand without one."""

    name = _name(Brand)
    logo = File()
    remove_logo = fields.Boolean()
    is_active = fields.Boolean()


class BrandIn(BrandChangesIn):
    name = _name(Brand, required=True)


class ManagedBrandOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)
    logo = fields.String(required=True, allow_none=True)
    is_active = fields.Boolean(required=True)


class ManagedBrandData(Schema):
    brand = fields.Nested(ManagedBrandOut, required=True)


class ManagedBrandListData(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    brands = fields.List(fields.Nested(ManagedBrandOut), required=True)


# -- sizes, colours, units --------------------------------------------------------------------


class SizeChangesIn(Changes):
    name = _name(Size)
    sort_order = WholeNumber(validate=SORT_ORDER)


class SizeIn(SizeChangesIn):
    name = _name(Size, required=True)


class ManagedSizeOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    sort_order = fields.Integer(required=True)


class ManagedSizeData(Schema):
    size = fields.Nested(ManagedSizeOut, required=True)


class ManagedSizeListData(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    sizes = fields.List(fields.Nested(ManagedSizeOut), required=True)


class ColorChangesIn(Changes):
    name = _name(Color)
    color_code = _color_code()


class ColorIn(ColorChangesIn):
    name = _name(Color, required=True)
    color_code = _color_code(required=True)


class ManagedColorOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    color_code = fields.String(required=True)


class ManagedColorData(Schema):
    color = fields.Nested(ManagedColorOut, required=True)


class ManagedColorListData(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    colors = fields.List(fields.Nested(ManagedColorOut), required=True)


class UnitIn(Schema):
    """A unit has only its name, so creating and renaming send the same body."""

    name = _name(Unit, required=True)


class ManagedUnitOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class ManagedUnitData(Schema):
    unit = fields.Nested(ManagedUnitOut, required=True)


class ManagedUnitListData(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    units = fields.List(fields.Nested(ManagedUnitOut), required=True)
