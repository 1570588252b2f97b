"""The kernel's request pipeline: storefront, identity, permission, plan gate, input.

Everything cross-cutting happens here, so resources stay thin: a responder
runs only after its ``op`` contract is satisfied. The pipeline is compiled
per responder when the app is assembled, so a request pays only for the
checks its route declares (no per-request lookup of what to check).
"""

from types import MappingProxyType

import falcon
from marshmallow import ValidationError

from kernel import context, db, permissions, plans, tenancy, tokens
from kernel.http.bodies import read_body
from kernel.http.errors import APIError, validation_error
from kernel.http.routes import OpSpec

UNSCOPED_PATHS = ("/healthz", "/readyz", "/api/openapi.json")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def gate_body(feature: str, tenant) -> dict:
    """The 403 body for a feature the tenant's plan lacks."""
    return {
        "message": f"Your plan does not include {feature}. Upgrade to use it.",
        "error": "feature_not_in_plan",
        "feature": feature,
        "current_plan": tenant.plan,
        "upgrade_to": plans.plans_granting(feature),
    }


def _has_nul(value) -> bool:
    """Text columns cannot hold NUL (PostgreSQL rejects it), so such input is invalid everywhere."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class RequestContext:
    """What the pipeline learns about a request; class attributes are the defaults."""

    tenant = None
    shop = None
    user = None
    token = None
    roles = frozenset()
    body = MappingProxyType({})
    query = MappingProxyType({})
    hooks = None


class QuteCatRequest(falcon.Request):
    context_type = RequestContext


def compile_responder(plugin_host, responder, spec: OpSpec, *, method: str, path: str,
                      feature: str | None, plugin: str | None, plugin_features: tuple):
    """Wrap one responder in the checks its ``op`` declares, as a closure.

    Every decision that depends only on the route (scoped or not, body or not,
    authenticated, seller, gated) is taken here, once; the returned function
    reads them as closure cells, the cheapest lookup Python has, because this
    code runs on every request and the kernel's budget is a fraction of a
    bare Falcon handler.
    """
    unscoped = path.startswith(UNSCOPED_PATHS)
    body_schema = spec.body if method in BODY_METHODS else None
    limit = spec.max_body if method in BODY_METHODS else None
    authenticates = spec.auth != "public"
    seller = spec.scope == "seller"
    query_schema = spec.query
    gated = feature is not None or plugin is not None
    full_view = plugin_host.full_view
    resolve_host = tenancy.resolve_host
    bind = context.bind
    leave = context.leave
    release = db.release_function()

    def pipeline(req: falcon.Request, resp: falcon.Response, **params):
        ctx = req.context
        if unscoped:
            ctx.hooks = full_view
        else:
            env = req.env
            try:
                tenant = resolve_host(env.get("HTTP_HOST") or env.get("SERVER_NAME") or "")
            except tenancy.UnknownHost:
                raise APIError(404, "No storefront is served at this address.") from None
            if tenant is None:
                ctx.hooks = full_view
            elif tenant.active:
                ctx.tenant = ctx.shop = tenant
                ctx.hooks = tenant.hooks
            else:
                raise APIError(404, "This shop is not available.")
        if limit is not None and (req.content_length or 0) > limit:
            raise falcon.HTTPContentTooLarge(description=f"The request body exceeds {limit // 1024} KB.")
        if authenticates:
            _authenticate(req, spec)
        if seller:
            owned = tenancy.shop_of(ctx.user.id)
            if owned is None:
                raise APIError(403, "This account does not manage a shop.")
            ctx.shop = owned
            ctx.hooks = owned.hooks
        shop = ctx.shop
        if gated and shop is not None:
            if feature is not None and feature not in shop.features:
                raise APIError(403, **gate_body(feature, shop))
            if plugin is not None and plugin not in shop.live:
                _refuse_plugin(shop, plugin_features)
        user = ctx.user
        token = bind((None if shop is None else shop.id, None if user is None else user.id, req))
        try:
            if query_schema is not None:
                ctx.query = _load(query_schema, req.params)
            if body_schema is not None:
                ctx.body = _load(body_schema, read_body(req))
            return responder(req, resp, **params)
        finally:
            leave(token)
            if release is not None:
                release()

    return pipeline


def _authenticate(req, spec: OpSpec) -> None:
    """Resolve the bearer token, then check the route's roles and permission."""
    ctx = req.context
    found = tokens.authenticate(req.get_header("Authorization"))
    if found is None:
        if spec.auth == "required":
            raise APIError(401, "Unauthenticated.")
        return
    ctx.user, ctx.token = found
    ctx.roles = ctx.token.roles
    if spec.roles and not ctx.roles & (set(spec.roles) | permissions.ALL_POWERFUL):
        raise APIError(403, "This action is unauthorized.")
    if spec.permission and not permissions.allowed(ctx.roles, spec.permission):
        raise APIError(403, "This action is unauthorized.")


def _refuse_plugin(tenant, plugin_features: tuple):
    """Refuse a route of a plugin that is not live for the tenant, naming the missing feature."""
    missing = next((f for f in plugin_features if f not in tenant.features), None)
    if missing is None:
        raise APIError(403, "This feature is not available for this shop.", error="plugin_unavailable")
    raise APIError(403, **gate_body(missing, tenant))


def _load(schema, data) -> dict:
    """Validate input with its schema; 422 with field errors when it does not fit."""
    # Dio sends null query values as bare keys and the app sends "" for "no value":
    # both mean absent, as Laravel's ConvertEmptyStringsToNull made them.
    data = {k: v for k, v in data.items() if v is not None and not (isinstance(v, str) and v == "")}
    nul = [key for key, value in data.items() if _has_nul(value)]
    if nul:
        raise validation_error({key: ["Must not contain NUL characters."] for key in nul})
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise validation_error(exc.normalized_messages()) from None
