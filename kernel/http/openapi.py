"""OpenAPI 3 document generated from the routes' marshmallow schemas."""

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields

from kernel.http.routes import OpSpec

_PARAM = re.compile(r"{(\w+)(?::(\w+))?[^}]*}")
_CONVERTER_TYPES = {"int": "integer", "uuid": "string", "dt": "string", "float": "number"}
MAX_ID = 2_147_483_647
ERROR_STATUSES = {400: "Bad request", 401: "Unauthenticated", 403: "Forbidden", 404: "Not found",
                  405: "Method not allowed", 413: "Body too large", 422: "Invalid input", 429: "Too many requests",
                  503: "A backing service is briefly unavailable; retry after Retry-After seconds"}


class ErrorSchema(Schema):
    """Every error body: a message, field errors on 422, and details on gated or limited routes."""

    message = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    error = fields.String()
    feature = fields.String()
    current_plan = fields.String()
    upgrade_to = fields.List(fields.String())
    limit_type = fields.String()
    details = fields.Dict()


def _path_schema(converter: str | None) -> dict:
    if converter == "int":
        return {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    return {"type": _CONVERTER_TYPES.get(converter or "", "string")}


def _schema_name(schema: Schema) -> str:
    return _class_name(type(schema))


def _class_name(schema_class) -> str:
    name = schema_class.__name__
    return name[:-6] if name.endswith("Schema") and len(name) > 6 else name


def _envelope(spec_doc: APISpec, op: OpSpec) -> dict:
    properties = {"message": {"type": "string"}}
    required = ["message"]
    if op.response is not None:
        name = _schema_name(op.response)
        if name not in spec_doc.components.schemas:
            spec_doc.components.schema(name, schema=op.response)
        properties["data"] = {"$ref": f"#/components/schemas/{name}"}
        required.append("data")
    return {"type": "object", "properties": properties, "required": required}


def _empty_means_absent(self, field, ret=None, **kwargs) -> dict:
    """Query keys sent bare or empty mean "absent" (the app's Dio does that), so say so."""
    if ret and ret.get("in") == "query" and not field.required:
        return {"allowEmptyValue": True}
    return {}


def _null_means_absent(json_bodies: set):
    """Optional top-level keys of a JSON body may be null: the pipeline drops null and "" as absent.

    The app sends ``null`` for a field the user left empty, so the document must
    allow it; only request bodies are loosened, never the responses.
    """

    def attribute(self, field, ret=None, **kwargs) -> dict:
        if not field.required and type(field.parent) in json_bodies:
            return {"nullable": True}
        return {}

    return attribute


_EMPTY_STRING = {"type": "string", "enum": [""]}


def _accepts_empty_string(prop: dict) -> bool:
    return (prop.get("type") == "string" and not prop.get("minLength")
            and not any(key in prop for key in ("enum", "pattern", "format")))


def _empty_means_absent_in_bodies(document: dict, json_bodies: set) -> None:
    """Optional top-level keys of a JSON body may be "" too, which the pipeline drops as absent.

    Each such key whose own schema refuses "" (a number, a switch, an
    enumeration) becomes "its schema, or the empty string".
    """
    components = document.get("components", {}).get("schemas", {})
    for schema in json_bodies:
        component = components.get(_class_name(schema))
        if component is None:
            continue
        required = set(component.get("required", ()))
        properties = component.get("properties", {})
        for key, prop in properties.items():
            if key not in required and not _accepts_empty_string(prop):
                properties[key] = {"anyOf": [prop, _EMPTY_STRING]}


def build(routes_with_ops, title: str, version: str) -> dict:
    """Build the document from ``(path, method, OpSpec, feature)`` tuples."""
    marshmallow_plugin = MarshmallowPlugin()
    doc = APISpec(title=title, version=version, openapi_version="3.0.3", plugins=[marshmallow_plugin])
    marshmallow_plugin.converter.add_parameter_attribute_function(_empty_means_absent)
    json_bodies = {
        type(op.body) for _, _, op, _ in routes_with_ops
        if op.body is not None and op.content_type == "application/json"
    }
    marshmallow_plugin.converter.add_attribute_function(_null_means_absent(json_bodies))
    doc.components.schema("Error", schema=ErrorSchema)
    doc.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    paths: dict[str, dict] = {}
    for path, method, op, feature in routes_with_ops:
        if op.raw:
            continue
        template = _PARAM.sub(lambda m: "{" + m.group(1) + "}", path)
        parameters = [
            {"in": "path", "name": m.group(1), "required": True, "schema": _path_schema(m.group(2))}
            for m in _PARAM.finditer(path)
        ]
        if op.query is not None:
            parameters.append({"in": "query", "schema": op.query})
        operation = {
            "summary": op.summary or f"{method} {template}",
            "tags": list(op.tags) or [template.split("/")[2] if template.count("/") > 1 else "root"],
            "parameters": parameters,
            "responses": {
                str(op.status): {
                    "description": "Success",
                    "content": {"application/json": {"schema": _envelope(doc, op)}},
                },
            },
        }
        if feature:
            operation["x-feature"] = feature
        if op.body is not None:
            operation["requestBody"] = {"required": True, "content": {op.content_type: {"schema": op.body}}}
        # Any route may meet its database (or Redis, or storage) down: 503 with Retry-After.
        statuses = {404, 405, 503}
        if op.body is not None or op.query is not None or parameters:
            statuses |= {400, 413, 422}
        if op.auth != "public":
            statuses |= {401, 403}
            # An optional token is documented as "bearer, or nothing" (the empty requirement).
            operation["security"] = [{"bearer": []}] if op.auth == "required" else [{"bearer": []}, {}]
        if feature or op.scope == "seller":
            statuses.add(403)
        statuses |= set(op.errors)
        for status in sorted(statuses):
            operation["responses"][str(status)] = {
                "description": ERROR_STATUSES.get(status, "Error"),
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        paths.setdefault(template, {})[method.lower()] = operation
    for template, operations in paths.items():
        doc.path(path=template, operations=operations)
    document = doc.to_dict()
    _empty_means_absent_in_bodies(document, json_bodies)
    return document
