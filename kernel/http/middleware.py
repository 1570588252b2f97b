"""The kernel's request pipeline: storefront, identity, permission, plan gate, input.

Everything cross-cutting happens here, once, so resources stay thin: a
resource's responder runs only after its ``op`` contract is satisfied.
"""

from types import MappingProxyType

import falcon
from marshmallow import ValidationError

from kernel import context, db, permissions, plans, tenancy, tokens, urls
from kernel.http.bodies import read_body
from kernel.http.errors import APIError, validation_error
from kernel.http.routes import OpSpec

UNSCOPED_PATHS = ("/healthz", "/readyz", "/api/openapi.json")


class Operation:
    """A routed responder with its contract and owning plugin."""

    __slots__ = ("spec", "plugin", "feature", "plugin_features")

    def __init__(self, spec: OpSpec, plugin: str | None, feature: str | None, plugin_features: tuple):
        self.spec = spec
        self.plugin = plugin
        self.feature = feature
        self.plugin_features = plugin_features


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


class KernelMiddleware:
    def __init__(self, plugin_host, operations: dict):
        self.host = plugin_host
        self.operations = operations

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        ctx = req.context
        urls.set_request(req)
        if req.path.startswith(UNSCOPED_PATHS):
            ctx.tenant = None
            ctx.hooks = self.host.full_view
            return
        try:
            ctx.tenant = tenancy.resolve_host(req.host or "")
        except tenancy.UnknownHost:
            raise APIError(404, "No storefront is served at this address.") from None
        if ctx.tenant is not None and not ctx.tenant.active:
            raise APIError(404, "This shop is not available.")
        ctx.shop = ctx.tenant
        ctx.hooks = self.host.full_view if ctx.tenant is None else self.host.view(ctx.tenant.live)

    def process_resource(self, req: falcon.Request, resp: falcon.Response, resource, params) -> None:
        if resource is None:
            return
        operation = self.operations.get((req.uri_template, req.method))
        if operation is None:
            return
        spec = operation.spec
        ctx = req.context
        if req.content_length and req.content_length > spec.max_body:
            raise falcon.HTTPContentTooLarge(
                description=f"The request body exceeds {spec.max_body // 1024} KB."
            )
        if spec.auth != "public":
            self._authenticate(req, spec)
        if spec.scope == "seller":
            shop = tenancy.shop_of(ctx.user.id)
            if shop is None:
                raise APIError(403, "This account does not manage a shop.")
            ctx.shop = shop
            ctx.hooks = self.host.view(shop.live)
        tenant = ctx.shop
        if tenant is not None:
            self._gate(operation, tenant)
        context.set_request(tenant.id if tenant else None, ctx.user.id if ctx.user else None)
        if spec.query is not None:
            ctx.query = self._load(spec.query, dict(req.params))
        if spec.body is not None and req.method in ("POST", "PUT", "PATCH", "DELETE"):
            ctx.body = self._load(spec.body, read_body(req))

    def process_response(self, req, resp, resource, req_succeeded) -> None:
        context.set_request(None, None)
        urls.set_request(None)
        db.release()

    def _authenticate(self, req, spec: OpSpec) -> None:
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

    def _gate(self, operation: Operation, tenant) -> None:
        feature = operation.feature
        if feature is not None and feature not in tenant.features:
            raise APIError(403, **gate_body(feature, tenant))
        if operation.plugin is not None and operation.plugin not in tenant.live:
            missing = next((f for f in operation.plugin_features if f not in tenant.features), None)
            if missing is None:
                raise APIError(403, "This feature is not available for this shop.", error="plugin_unavailable")
            raise APIError(403, **gate_body(missing, tenant))

    @staticmethod
    def _load(schema, data: dict) -> dict:
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

