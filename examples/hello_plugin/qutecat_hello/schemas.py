"""Response schemas of the hello plugin (they also document it in /api/openapi.json)."""

from marshmallow import Schema, fields


class HelloData(Schema):
    greeting = fields.String(required=True)
    shop = fields.String(required=True, metadata={"description": "The storefront's slug"})
