"""Thin Falcon resources of the tenants plugin: admin shop and plan control, seller features."""

from kernel import db, plans, tenancy
from kernel.http import APIError, Route, ok, op, paginate, validation_error
from kernel.http.pipeline import gate_body
from kernel.models import Plan, Tenant
from plugins.tenants import schemas, services

TAGS = ("shops",)


def _shop_or_404(shop_id: int) -> Tenant:
    tenant = Tenant.select(Tenant, Plan).join(Plan).where(Tenant.id == shop_id).first()
    if tenant is None:
        raise APIError(404, "Shop not found.")
    return tenant


def _shop_error(exc: services.ShopError) -> APIError:
    return validation_error({exc.field: [exc.message]})


class AdminShops:
    @op(permission="shops.view", query=schemas.ShopListQuery, response=schemas.ShopListData, tags=TAGS,
        summary="List shops")
    def on_get(self, req, resp):
        q = req.context.query
        query = Tenant.select(Tenant, Plan).join(Plan).order_by(Tenant.id)
        if q.get("search"):
            query = query.where(Tenant.name.contains(q["search"]) | Tenant.slug.contains(q["search"]))
        if q.get("plan"):
            query = query.where(Plan.slug == q["plan"])
        ok(resp, paginate(query, q, "shops", services.shop_payload))

    @op(permission="shops.create", body=schemas.ShopCreateIn, response=schemas.ShopData, status=201,
        tags=TAGS, summary="Create a shop and its seller account")
    def on_post(self, req, resp):
        body = req.context.body
        try:
            with db.transaction():
                tenant = services.create_shop(body["name"], body["slug"], body["plan"], body["owner"])
        except services.ShopError as exc:
            raise _shop_error(exc) from None
        ok(resp, {"shop": services.shop_payload(_shop_or_404(tenant.id))}, "Shop created.", status=201)


class AdminShop:
    @op(permission="shops.view", response=schemas.ShopData, tags=TAGS, summary="One shop")
    def on_get(self, req, resp, shop_id):
        ok(resp, {"shop": services.shop_payload(_shop_or_404(shop_id))})


class AdminShopPlan:
    @op(permission="shops.plan.change", body=schemas.PlanChangeIn, response=schemas.ShopData, tags=TAGS,
        summary="Move a shop to another plan (features follow at once on every process)")
    def on_put(self, req, resp, shop_id):
        _shop_or_404(shop_id)
        try:
            with db.transaction():
                services.change_plan(shop_id, req.context.body["plan"])
        except services.ShopError as exc:
            raise _shop_error(exc) from None
        ok(resp, {"shop": services.shop_payload(_shop_or_404(shop_id))}, "Plan changed.")


class AdminShopFeature:
    @op(permission="shops.features.grant", body=schemas.FeatureGrantIn, response=schemas.FeatureListData,
        tags=TAGS, summary="Grant a shop a feature beyond its plan, or withdraw the grant")
    def on_put(self, req, resp, shop_id, feature):
        _shop_or_404(shop_id)
        try:
            with db.transaction():
                services.grant_feature(shop_id, feature, req.context.body["granted"])
        except LookupError:
            raise APIError(404, "Unknown feature.") from None
        info = tenancy.get(shop_id)
        ok(resp, {"plan": info.plan, "features": services.features_of(info)}, "Feature updated.")


class AdminPlugins:
    @op(permission="plugins.view", response=schemas.PluginListData, tags=("plugins",),
        summary="Installed plugins: version, state, features, hooks and skip reasons")
    def on_get(self, req, resp):
        ok(resp, {"plugins": tenancy.plugin_host().describe()})


class SubscriptionPlans:
    @op(response=schemas.PlanListData, tags=("subscription",), summary="Active plans with limits and features")
    def on_get(self, req, resp):
        rows = Plan.select().where(Plan.is_active == True).order_by(Plan.sort_order)  # noqa: E712
        ok(resp, {"plans": [services.plan_payload(p) for p in rows]})


class SellerFeatures:
    @op(scope="seller", permission="shop.features.view", response=schemas.FeatureListData, tags=("seller",),
        summary="The shop's features: granted by the plan (or root) and switched on")
    def on_get(self, req, resp):
        shop = req.context.shop
        ok(resp, {"plan": shop.plan, "features": services.features_of(shop)})


class SellerFeature:
    @op(scope="seller", permission="shop.features.toggle", body=schemas.FeatureToggleIn,
        response=schemas.FeatureListData, tags=("seller",), summary="Switch a granted feature on or off")
    def on_put(self, req, resp, feature):
        shop = req.context.shop
        try:
            with db.transaction():
                services.toggle_feature(shop, feature, req.context.body["enabled"])
        except LookupError:
            raise APIError(404, "Unknown feature.") from None
        except PermissionError:
            raise APIError(403, **gate_body(feature, shop)) from None
        info = tenancy.get(shop.id)
        ok(resp, {"plan": info.plan, "features": services.features_of(info)}, "Feature updated.")


class SellerUsage:
    @op(scope="seller", permission="shop.usage.view", response=schemas.UsageData, tags=("subscription",),
        summary="The shop's usage of each limited metric against its plan")
    def on_get(self, req, resp):
        shop = req.context.shop
        ok(resp, {"plan": shop.plan, "usage": plans.usage(shop.id)})


def routes() -> list[Route]:
    return [
        Route("/api/admin/shops", AdminShops()),
        Route("/api/admin/shops/{shop_id:int}", AdminShop()),
        Route("/api/admin/shops/{shop_id:int}/plan", AdminShopPlan()),
        Route("/api/admin/shops/{shop_id:int}/features/{feature}", AdminShopFeature()),
        Route("/api/admin/plugins", AdminPlugins()),
        Route("/api/subscription/plans", SubscriptionPlans()),
        Route("/api/subscription/usage", SellerUsage()),
        Route("/api/seller/features", SellerFeatures()),
        Route("/api/seller/features/{feature}", SellerFeature()),
    ]

