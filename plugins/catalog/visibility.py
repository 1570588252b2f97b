"""Which shops a storefront shows: the marketplace lists shops whose plan grants
``marketplace`` presence; a shop's own host shows that shop alone."""

from kernel import invalidation, tenancy
from kernel.models import Plan, Tenant, TenantFeature

MARKETPLACE_FEATURE = "marketplace"

_listed = invalidation.VersionedCache(max_entries=4)


def _load_listed(_key) -> frozenset[int]:
    plans = {p.id for p in Plan.select(Plan.id, Plan.features) if MARKETPLACE_FEATURE in (p.features or ())}
    rows = Tenant.select(Tenant.id, Tenant.plan).where(Tenant.status == "active")
    ids = {t.id for t in rows if t.plan_id in plans}
    for override in TenantFeature.select().where(TenantFeature.feature == MARKETPLACE_FEATURE):
        if override.granted and override.enabled:
            ids.add(override.tenant_id)
        elif not override.enabled:
            ids.discard(override.tenant_id)
    return frozenset(ids)


def marketplace_shop_ids() -> frozenset[int]:
    """Ids of active shops listed on the marketplace (cached per shared state version)."""
    return _listed.get("listed", _load_listed)


def storefront_shop_ids(tenant: tenancy.TenantInfo | None) -> frozenset[int]:
    """The shops a storefront may show: its own shop, or every listed shop on the marketplace."""
    if tenant is not None:
        return frozenset({tenant.id})
    return marketplace_shop_ids()
