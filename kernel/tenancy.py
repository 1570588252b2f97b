"""Tenants: host resolution, the cached per-tenant snapshot, plan changes and feature toggles."""

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import peewee

from kernel import config, db, invalidation
from kernel.models import Domain, Plan, Tenant, TenantFeature, TenantMember, User

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
RESERVED_SLUGS = frozenset({"www", "api", "admin", "app", "static", "media", "mail", "realtime"})

MARKETPLACE = None


@dataclass(frozen=True)
class TenantInfo:
    """An immutable snapshot of a tenant, cached per shared state version."""

    id: int
    slug: str
    name: str
    status: str
    plan: str
    plan_name: str
    plan_features: frozenset
    features: frozenset
    switched_off: frozenset
    granted: frozenset
    live: frozenset
    owner_id: int | None
    #: The plan's limits (``{metric: allowance}``, None or absent = unlimited), read-only.
    plan_limits: Mapping = field(default_factory=dict, compare=False)
    #: The cached hook view of ``live``: every request of the storefront dispatches through it.
    hooks: object = field(default=None, compare=False, repr=False)
    #: ``status == "active"``, computed once per snapshot: every request asks it.
    active: bool = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "active", self.status == "active")

    def has_feature(self, feature: str) -> bool:
        return feature in self.features


class UnknownHost(LookupError):
    """The request's host names no storefront."""


_host = None  # the PluginHost, set by the app factory
_tenants = invalidation.VersionedCache()
_hosts = invalidation.VersionedCache()


def bind(host) -> None:
    """Attach the process's plugin host (needed to compute live plugin sets)."""
    global _host
    _host = host
    _tenants.clear()
    _hosts.clear()


def plugin_host():
    """The process's plugin host (None before boot)."""
    return _host


def _load(tenant_id: int) -> TenantInfo | None:
    row = (
        Tenant.select(Tenant, Plan)
        .join(Plan)
        .where(Tenant.id == tenant_id)
        .first()
    )
    if row is None:
        return None
    overrides = list(TenantFeature.select().where(TenantFeature.tenant == tenant_id))
    plan_features = frozenset(row.plan.features or ())
    granted = frozenset(o.feature for o in overrides if o.granted)
    switched_off = frozenset(o.feature for o in overrides if not o.enabled)
    features = (plan_features | granted) - switched_off
    live = _host.live_plugins(features) if _host else frozenset()
    return TenantInfo(
        id=row.id, slug=row.slug, name=row.name, status=row.status,
        plan=row.plan.slug, plan_name=row.plan.name, plan_features=plan_features,
        features=features, switched_off=switched_off, granted=granted, live=live,
        owner_id=row.owner_id, plan_limits=MappingProxyType(dict(row.plan.limits or {})), hooks=_host.view(live) if _host else None,
    )


def get(tenant_id: int) -> TenantInfo | None:
    """Return the cached snapshot of a tenant, or None when it does not exist."""
    return _tenants.get(int(tenant_id), _load)


def _resolve(host: str):
    base = config.settings.base_domain
    if host in (base, "www." + base) or _is_ip(host):
        return MARKETPLACE
    if host.endswith("." + base):
        slug = host[: -len(base) - 1]
        row = Tenant.select(Tenant.id).where(Tenant.slug == slug).first()
        if row:
            return row.id
    row = Domain.select(Domain.tenant).where((Domain.host == host) & (Domain.verified == True)).first()  # noqa: E712
    if row:
        return row.tenant_id
    raise UnknownHost(host)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


class _Unknown:
    pass


_UNKNOWN = _Unknown()


def _storefront(raw_host: str):
    """Resolve a Host header to its snapshot (None = marketplace, _UNKNOWN = nothing)."""
    host = raw_host.rsplit(":", 1)[0] if not raw_host.endswith("]") else raw_host
    try:
        tenant_id = _resolve(host.lower().rstrip("."))
    except UnknownHost:
        return _UNKNOWN
    if tenant_id is MARKETPLACE:
        return None
    info = get(tenant_id)
    return _UNKNOWN if info is None else info


def resolve_host(host: str) -> TenantInfo | None:
    """Map a Host header to its storefront: a tenant, or None for the marketplace.

    A verified custom domain, then ``<slug>.<BASE_DOMAIN>``, then the base domain
    (and IP literals, which cannot carry a subdomain). Raises ``UnknownHost``.
    The whole answer is cached per header value, so a request costs one dict lookup.
    """
    info = _hosts.get(host, _storefront)
    if info is _UNKNOWN:
        raise UnknownHost(host)
    return info


def shop_of(user_id: int) -> TenantInfo | None:
    """Return the tenant a user staffs (the first membership, owners first)."""
    row = (
        TenantMember.select(TenantMember.tenant)
        .where(TenantMember.user == user_id)
        .order_by(TenantMember.role != "owner", TenantMember.id)
        .first()
    )
    return get(row.tenant_id) if row else None


def validate_slug(slug: str) -> str | None:
    """Return an error message for an unusable slug, or None."""
    if not SLUG_RE.match(slug or ""):
        return "Use 1-63 lower-case letters, digits and hyphens."
    if slug in RESERVED_SLUGS:
        return "This slug is reserved."
    return None


def create(name: str, slug: str, plan: Plan, owner: User | None) -> Tenant:
    """Create a tenant (inside the caller's transaction) and announce it after commit."""
    tenant = Tenant.create(name=name, slug=slug, plan=plan, owner=owner)
    if owner is not None:
        TenantMember.create(tenant=tenant, user=owner, role="owner")
    invalidation.bump()
    db.on_commit(lambda: _announce("tenant_created", tenant=get(tenant.id)))
    return tenant


def _announce(hook_name: str, **kwargs) -> None:
    if _host is not None:
        getattr(_host.hook, hook_name)(**kwargs)


def _announce_live_changes(before: TenantInfo, after: TenantInfo) -> None:
    for name in sorted(after.live - before.live):
        _host.hook.plugin_enabled(tenant=after, plugin=name)
    for name in sorted(before.live - after.live):
        _host.hook.plugin_disabled(tenant=after, plugin=name)


def change_plan(tenant_id: int, plan: Plan) -> tuple[str, str]:
    """Move a tenant to another plan; features follow on every process at once."""
    before = _load(tenant_id)
    Tenant.update(plan=plan).where(Tenant.id == tenant_id).execute()
    invalidation.bump()

    def announce():
        _tenants.clear()
        after = get(tenant_id)
        if before.plan != after.plan:
            _host.hook.tenant_plan_changed(tenant=after, old_plan=before.plan, new_plan=after.plan)
        _announce_live_changes(before, after)

    db.on_commit(announce)
    return before.plan, plan.slug


def set_override(tenant_id: int, feature: str, *, enabled: bool | None = None, granted: bool | None = None) -> None:
    """Switch a feature off or on for a tenant, or grant it beyond the plan (root only)."""
    before = _load(tenant_id)
    row, _ = TenantFeature.get_or_create(tenant=tenant_id, feature=feature)
    if enabled is not None:
        row.enabled = enabled
    if granted is not None:
        row.granted = granted
    if row.enabled and not row.granted:
        row.delete_instance()
    else:
        row.save()
    invalidation.bump()

    def announce():
        _tenants.clear()
        _announce_live_changes(before, get(tenant_id))

    db.on_commit(announce)


def rename(tenant_id: int, name: str) -> None:
    """Give a tenant a new display name (inside the caller's transaction); every process sees it after commit."""
    Tenant.update(name=name).where(Tenant.id == tenant_id).execute()
    invalidation.bump()


def slug_taken(slug: str) -> bool:
    return Tenant.select().where(Tenant.slug == slug).exists()


def lock_tenant(tenant_id: int) -> Tenant:
    """Lock a tenant row for the rest of the transaction (PostgreSQL), to serialise its changes."""
    query = Tenant.select().where(Tenant.id == tenant_id)
    if db.is_postgres():
        query = query.for_update()
    try:
        return query.get()
    except peewee.DoesNotExist:
        raise LookupError(tenant_id) from None
