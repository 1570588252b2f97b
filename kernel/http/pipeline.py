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


class Pipeline:
    """One responder wrapped in the checks its ``op`` declares."""

    def __init__(self, plugin_host, responder, spec: OpSpec, *, method: str, path: str,
                 feature: str | None, plugin: str | None, plugin_features: tuple):
        self.host = plugin_host
        self.responder = responder
        self.spec = spec
        self.feature = feature
        self.plugin = plugin
        self.plugin_features = plugin_features
        self.unscoped = path.startswith(UNSCOPED_PATHS)
        self.takes_body = method in BODY_METHODS
        self.gated = feature is not None or plugin is not None
        self.authenticates = spec.auth != "public"
        self.seller = spec.scope == "seller"
        self.query = spec.query
        self.body = spec.body if self.takes_body else None
        self.release = db.release_function()

    def __call__(self, req: falcon.Request, resp: falcon.Response, **params):
        ctx = req.context
        if self.unscoped:
            ctx.hooks = self.host.full_view
        else:
            env = req.env
            try:
                tenant = tenancy.resolve_host(env.get("HTTP_HOST") or env.get("SERVER_NAME") or "")
            except tenancy.UnknownHost:
                raise APIError(404, "No storefront is served at this address.") from None
            if tenant is None:
                ctx.hooks = self.host.full_view
            elif tenant.active:
                ctx.tenant = ctx.shop = tenant
                ctx.hooks = self.host.view(tenant.live)
            else:
                raise APIError(404, "This shop is not available.")
        if self.takes_body and (req.content_length or 0) > self.spec.max_body:
            raise falcon.HTTPContentTooLarge(description=f"The request body exceeds {self.spec.max_body // 1024} KB.")
        if self.authenticates:
            self._authenticate(req)
        if self.seller:
            shop = tenancy.shop_of(ctx.user.id)
            if shop is None:
                raise APIError(403, "This account does not manage a shop.")
            ctx.shop = shop
            ctx.hooks = self.host.view(shop.live)
        shop = ctx.shop
        if self.gated and shop is not None:
            self._gate(shop)
        user = ctx.user
        token = context.enter(None if shop is None else shop.id, None if user is None else user.id, req)
        try:
            if self.query is not None:
                ctx.query = _load(self.query, req.params)
            if self.body is not None:
                ctx.body = _load(self.body, read_body(req))
            return self.responder(req, resp, **params)
        finally:
            context.leave(token)
            self.release()

    def _authenticate(self, req) -> None:
        spec = self.spec
        ctx = req.context
        found = tokens.authenticate(req.get_header("Authorization"))
        if found is None:
            if spec.auth == "required":
                raise APIError(401, "Unauthenticated.")
            return
        ctx.user, ctx.token = found
        ctx.roles = permissions.roles_of(ctx.user.id)
        if spec.roles and not ctx.roles & (set(spec.roles) | permissions.ALL_POWERFUL):
            raise APIError(403, "This action is unauthorized.")
        if spec.permission and not permissions.allowed(ctx.roles, spec.permission):
            raise APIError(403, "This action is unauthorized.")

    def _gate(self, tenant) -> None:
        feature = self.feature
        if feature is not None and feature not in tenant.features:
            raise APIError(403, **gate_body(feature, tenant))
        if self.plugin is not None and self.plugin not in tenant.live:
            missing = next((f for f in self.plugin_features if f not in tenant.features), None)
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
