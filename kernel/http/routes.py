"""How plugins describe routes: ``Route`` for the URI, ``op`` on each responder."""

from dataclasses import dataclass, field

from marshmallow import Schema

AUTH_MODES = ("public", "optional", "required")
SCOPES = ("host", "seller")


@dataclass(frozen=True)
class OpSpec:
    """What the kernel checks and documents for one responder."""

    auth: str = "public"
    permission: str | None = None
    roles: tuple[str, ...] = ()
    scope: str = "host"
    feature: str | None = None
    body: Schema | None = None
    query: Schema | None = None
    response: Schema | None = None
    status: int = 200
    summary: str = ""
    tags: tuple[str, ...] = ()
    content_type: str = "application/json"
    max_body: int = 1024 * 1024
    errors: tuple[int, ...] = ()
    raw: bool = False


def _instance(schema):
    if schema is None or isinstance(schema, Schema):
        return schema
    return schema()


def op(*, auth: str = "public", permission: str | None = None, roles=(), scope: str = "host",
       feature: str | None = None, body=None, query=None, response=None, status: int = 200,
       summary: str = "", tags=(), content_type: str = "application/json",
       max_body: int = 1024 * 1024, errors=(), raw: bool = False):
    """Describe a responder: who may call it, the feature it needs and its schemas.

    Args:
        auth: ``public`` (no token read), ``optional`` (a token is used when sent)
            or ``required`` (401 without one).
        permission: the permission the caller's roles must grant (403 otherwise).
        roles: if given, the caller must hold one of these roles.
        scope: ``host`` acts for the storefront of the Host header; ``seller``
            acts for the shop the calling user staffs.
        feature: the plan feature this responder needs; missing answers 403
            ``feature_not_in_plan``.
        body, query, response: marshmallow schemas for the JSON (or multipart)
            body, the query string and the envelope's ``data``.
        status: the success status code.
        raw: the responder writes a non-envelope body itself (OpenAPI document).
    """
    assert auth in AUTH_MODES and scope in SCOPES
    if (permission or roles or scope == "seller") and auth != "required":
        auth = "required"
    spec = OpSpec(
        auth=auth, permission=permission, roles=tuple(roles), scope=scope, feature=feature,
        body=_instance(body), query=_instance(query), response=_instance(response), status=status,
        summary=summary, tags=tuple(tags), content_type=content_type, max_body=max_body,
        errors=tuple(errors), raw=raw,
    )

    def decorate(responder):
        responder.__qutecat_op__ = spec
        return responder

    return decorate


@dataclass(frozen=True)
class Route:
    """A URI template served by a Falcon resource, on behalf of a plugin."""

    path: str
    resource: object
    suffix: str | None = None
    feature: str | None = None
    plugin: str | None = field(default=None, compare=False)
