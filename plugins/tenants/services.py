"""Shop (tenant) administration: creation with an owner, plan changes, features, usage."""

from kernel import plans, tenancy
from kernel.models import Plan, Tenant, TenantMember
from plugins.accounts import services as accounts
from plugins.tenants.features import catalogue


class ShopError(Exception):
    """A shop request that cannot be carried out; ``field`` names the culprit."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def plan_by_slug(slug: str) -> Plan:
    plan = Plan.get_or_none((Plan.slug == slug) & (Plan.is_active == True))  # noqa: E712
    if plan is None:
        raise ShopError("plan", f"There is no plan '{slug}'.")
    return plan


def create_shop_for(owner, name: str, slug: str, plan_slug: str) -> Tenant:
    """Create a shop owned by an existing account (inside the caller's transaction)."""
    problem = tenancy.validate_slug(slug)
    if problem:
        raise ShopError("slug", problem)
    if tenancy.slug_taken(slug):
        raise ShopError("slug", "This slug is already taken.")
    plan = plan_by_slug(plan_slug)
    return tenancy.create(name=name, slug=slug, plan=plan, owner=owner)


def create_shop(name: str, slug: str, plan_slug: str, owner: dict) -> Tenant:
    """Create a shop and its seller account together (one transaction, by the caller)."""
    plan_by_slug(plan_slug)
    problem = tenancy.validate_slug(slug)
    if problem:
        raise ShopError("slug", problem)
    if tenancy.slug_taken(slug):
        raise ShopError("slug", "This slug is already taken.")
    try:
        user = accounts.create_user(
            name=owner["name"], email=owner.get("email"), phone=owner.get("phone"),
            password=owner["password"], roles=("seller",),
        )
    except accounts.AccountConflict as exc:
        raise ShopError(f"owner.{exc.field}", f"This {exc.field} is already used by another account.") from None
    return create_shop_for(user, name, slug, plan_slug)


def change_plan(tenant_id: int, plan_slug: str) -> Tenant:
    plan = plan_by_slug(plan_slug)
    tenancy.lock_tenant(tenant_id)
    tenancy.change_plan(tenant_id, plan)
    return Tenant.get_by_id(tenant_id)


def features_of(info: tenancy.TenantInfo) -> list[dict]:
    """Every known feature with whether the shop's plan (or root) grants it and whether it is on."""
    rows = []
    for feature, description in catalogue().items():
        granted = feature in info.plan_features or feature in info.granted
        rows.append({
            "feature": feature,
            "description": description,
            "granted": granted,
            "enabled": granted and feature not in info.switched_off,
            "in_plan": feature in info.plan_features,
        })
    return rows


def toggle_feature(info: tenancy.TenantInfo, feature: str, enabled: bool) -> None:
    """Switch a granted feature on or off for the seller's own shop."""
    if feature not in catalogue():
        raise LookupError(feature)
    granted = feature in info.plan_features or feature in info.granted
    if not granted:
        raise PermissionError(feature)
    tenancy.set_override(info.id, feature, enabled=enabled)


def grant_feature(tenant_id: int, feature: str, granted: bool) -> None:
    """Grant (or withdraw) a feature beyond the shop's plan; root only."""
    if feature not in catalogue():
        raise LookupError(feature)
    tenancy.lock_tenant(tenant_id)
    tenancy.set_override(tenant_id, feature, granted=granted)


def shop_payload(tenant: Tenant) -> dict:
    owner = tenant.owner
    return {
        "id": tenant.id,
        "name": tenant.name,
        "slug": tenant.slug,
        "plan": tenant.plan.slug,
        "status": tenant.status,
        "owner": None if owner is None else {"id": owner.id, "name": owner.name, "email": owner.email, "phone": owner.phone},
        "created_at": tenant.created_at.isoformat(sep=" ", timespec="seconds"),
    }


def plan_payload(plan: Plan) -> dict:
    return {
        "id": plan.id,
        "slug": plan.slug,
        "name": plan.name,
        "description": plan.description,
        "currency": plan.currency,
        "price_monthly": plan.price_monthly / 100.0,
        "price_yearly": plan.price_yearly / 100.0,
        "trial_days": plan.trial_days,
        "limits": {metric: (plan.limits or {}).get(metric) for metric in plans.METRICS},
        "features": list(plan.features or []),
    }


def member_shop(user_id: int) -> TenantMember | None:
    return TenantMember.get_or_none(TenantMember.user == user_id)
