"""Plan limits: atomic check-and-take, release, and the usage report."""

import datetime as dt
from collections.abc import Mapping

from kernel import config, tenancy
from kernel.models import Plan, Tenant, TenantUsage
from kernel.orm import utcnow
from kernel.statements import Slot, Statement

# Metrics counted per calendar month; every other metric is a running total.
MONTHLY_METRICS = frozenset({"orders_per_month"})
METRICS = ("products", "orders_per_month", "storage_mb", "team_members")
# Stored bytes are counted exactly under their own metric; plans state the
# allowance in MB (``storage_mb``), which the report shows rounded up.
BYTES_METRIC = "storage_bytes"
MB = 1024 * 1024


class LimitExceeded(Exception):
    """Taking more of a metric than the plan allows."""

    def __init__(self, metric: str, limit: int, current: int, plan: str):
        super().__init__(metric)
        self.metric, self.limit, self.current, self.plan = metric, limit, current, plan

    def body(self) -> dict:
        """The SPEC.md section 2 over-limit body."""
        return {
            "message": f"Your plan allows {self.limit} {self.metric.replace('_', ' ')}. Upgrade to add more.",
            "error": "limit_exceeded",
            "limit_type": self.metric,
            "details": {
                "limit": self.limit,
                "current": self.current,
                "remaining": max(self.limit - self.current, 0),
                "upgrade_url": f"{config.settings.public_url}/api/subscription/plans",
            },
            "current_plan": self.plan,
        }


def period_of(metric: str, when: dt.datetime | None = None) -> str:
    return (when or utcnow()).strftime("%Y-%m") if metric in MONTHLY_METRICS else ""


def limit_of(limits: Mapping, metric: str) -> int | None:
    """Return a plan's limit for a metric from its ``limits``; None means unlimited."""
    if metric == BYTES_METRIC:
        megabytes = limits.get("storage_mb")
        return None if megabytes is None else megabytes * MB
    return limits.get(metric)


def _snapshot(tenant_id: int) -> tenancy.TenantInfo:
    """The tenant's snapshot, which carries its plan's slug and limits (no query while it is cached)."""
    info = tenancy.get(tenant_id)
    if info is None:
        raise Tenant.DoesNotExist(f"no tenant {tenant_id}")
    return info


def _take_query(limited: bool):
    """Insert the period's row, or add to it (while the sum stays within ``limit`` when ``limited``)."""
    return (
        TenantUsage.insert(tenant=Slot("tenant", TenantUsage.tenant), metric=Slot("metric", TenantUsage.metric),
                           period=Slot("period", TenantUsage.period), used=Slot("amount", TenantUsage.used))
        .on_conflict(
            conflict_target=[TenantUsage.tenant, TenantUsage.metric, TenantUsage.period],
            update={TenantUsage.used: TenantUsage.used + Slot("amount", TenantUsage.used)},
            where=(TenantUsage.used + Slot("amount", TenantUsage.used) <= Slot("limit", TenantUsage.used))
            if limited else None,
        )
        .returning(TenantUsage.used)
        .tuples()
    )


_take = Statement(_take_query)


def take(tenant_id: int, metric: str, amount: int = 1) -> int:
    """Take ``amount`` of a metric for a tenant, or raise ``LimitExceeded``.

    The check and the increment are one conditional upsert (the first take of
    a period inserts the row, later ones update it only while the sum stays
    within the limit, under the row's lock), so two concurrent takes can never
    both get the last unit. Run it inside the transaction of the change it
    pays for, so a rollback gives the unit back.
    """
    shop = _snapshot(tenant_id)
    limit = limit_of(shop.plan_limits, metric)
    period = period_of(metric)
    where = (TenantUsage.tenant == tenant_id) & (TenantUsage.metric == metric) & (TenantUsage.period == period)
    if limit is None or amount <= limit:
        taken = _take.rows(limit is not None, tenant=tenant_id, metric=metric, period=period, amount=amount,
                           limit=limit)
        if taken:
            return taken[0][0]
    # Over the limit (more than it allows at all, or than is left of it).
    current = TenantUsage.select(TenantUsage.used).where(where).scalar() or 0
    raise LimitExceeded(metric, limit, current, shop.plan)


def release(tenant_id: int, metric: str, amount: int = 1, when: dt.datetime | None = None) -> None:
    """Give back ``amount`` of a metric (never below zero)."""
    period = period_of(metric, when)
    (
        TenantUsage.update(used=TenantUsage.used - amount)
        .where(
            (TenantUsage.tenant == tenant_id) & (TenantUsage.metric == metric)
            & (TenantUsage.period == period) & (TenantUsage.used >= amount)
        )
        .execute()
    )


def usage(tenant_id: int) -> dict:
    """Return ``{metric: {current, limit, remaining, percent}}`` for every limited metric."""
    shop = _snapshot(tenant_id)
    rows = {
        (row.metric, row.period): row.used
        for row in TenantUsage.select().where(TenantUsage.tenant == tenant_id)
    }
    report = {}
    for metric in METRICS:
        current = rows.get((metric, period_of(metric)), 0)
        if metric == "storage_mb":
            current += -(-rows.get((BYTES_METRIC, ""), 0) // MB)
        limit = limit_of(shop.plan_limits, metric)
        report[metric] = {
            "current": current,
            "limit": limit,
            "remaining": None if limit is None else max(limit - current, 0),
            "percent": None if limit is None else (round(100.0 * current / limit, 2) if limit else 100.0),
        }
    return report


def plans_granting(feature: str) -> list[str]:
    """Return the slugs of active plans that grant a feature, cheapest first."""
    return [
        plan.slug
        for plan in Plan.select().where(Plan.is_active == True).order_by(Plan.sort_order, Plan.price_monthly)  # noqa: E712
        if feature in (plan.features or ())
    ]
