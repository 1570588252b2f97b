"""Tenants: host resolution, fail-closed scoping, atomic plan limits."""

import threading

import pytest

from conftest import BASE_DOMAIN
from kernel import context, db, plans, tenancy
from kernel.context import NoTenantError
from kernel.models import Domain, Tenant


def test_subdomain_resolves_to_its_shop(api, make_shop):
    shop, _, host = make_shop()
    info = tenancy.resolve_host(host)
    assert info.id == shop["id"] and info.slug == shop["slug"]


def test_base_domain_is_marketplace():
    assert tenancy.resolve_host(BASE_DOMAIN) is None
    assert tenancy.resolve_host(f"{BASE_DOMAIN}:8000") is None


def test_unknown_subdomain_and_host_raise():
    with pytest.raises(tenancy.UnknownHost):
        tenancy.resolve_host(f"no-such-shop.{BASE_DOMAIN}")
    with pytest.raises(tenancy.UnknownHost):
        tenancy.resolve_host("example.org")


def test_custom_domain_resolves_only_when_verified(api, make_shop):
    # given a shop with an unverified custom domain
    shop, _, _ = make_shop("growth")
    with db.transaction():
        domain = Domain.create(tenant=shop["id"], host="shop-custom.example.com", verified=False)
    from kernel import invalidation

    invalidation.bump()
    # then the domain answers 404
    assert api.get("/api/subscription/plans", host="shop-custom.example.com").status == 404
    # when it is verified
    with db.transaction():
        Domain.update(verified=True).where(Domain.id == domain.id).execute()
        invalidation.bump()
    # then it serves the shop's storefront
    assert tenancy.resolve_host("shop-custom.example.com").id == shop["id"]
    assert api.get("/api/subscription/plans", host="shop-custom.example.com").status == 200


def test_suspended_shop_host_is_404(api, make_shop):
    from kernel import invalidation

    shop, _, host = make_shop()
    with db.transaction():
        Tenant.update(status="suspended").where(Tenant.id == shop["id"]).execute()
        invalidation.bump()
    assert api.get("/api/subscription/plans", host=host).status == 404


def test_scoped_query_without_tenant_fails_closed(notes):
    # given no tenant in context
    # when a tenant-owned table is queried, then it raises instead of returning every shop's rows
    with pytest.raises(NoTenantError):
        list(notes.select())
    with pytest.raises(NoTenantError):
        notes.update(text="x").execute()
    with pytest.raises(NoTenantError):
        notes.delete().execute()


def test_scoped_query_sees_only_its_tenant(notes, make_shop):
    a, _, _ = make_shop()
    b, _, _ = make_shop()
    with context.use(tenant=a["id"]), db.transaction():
        notes.create(text="a1")
    with context.use(tenant=b["id"]), db.transaction():
        notes.create(text="b1")
    with context.use(tenant=a["id"]):
        assert [n.text for n in notes.select()] == ["a1"]
    with context.use(tenant=b["id"]):
        assert [n.text for n in notes.select()] == ["b1"]


def test_limit_take_is_atomic_under_concurrency(make_shop):
    # given a Free shop (25 products) that has used 20
    shop, _, _ = make_shop("free")
    with db.transaction():
        plans.take(shop["id"], "products", 20)
    results = []

    def take():
        try:
            with db.transaction():
                plans.take(shop["id"], "products")
            results.append("ok")
        except plans.LimitExceeded:
            results.append("limit")
        finally:
            db.release()

    # when 20 requests race for the last 5 slots
    threads = [threading.Thread(target=take) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then exactly 5 win and usage stops at the limit
    assert results.count("ok") == 5 and results.count("limit") == 15
    assert plans.usage(shop["id"])["products"] == {"current": 25, "limit": 25, "remaining": 0, "percent": 100.0}


def test_limit_exceeded_body(make_shop):
    shop, _, _ = make_shop("free")
    with db.transaction():
        plans.take(shop["id"], "products", 25)
    with pytest.raises(plans.LimitExceeded) as caught:
        with db.transaction():
            plans.take(shop["id"], "products")
    body = caught.value.body()
    assert body["error"] == "limit_exceeded" and body["limit_type"] == "products"
    assert body["details"]["limit"] == 25 and body["details"]["current"] == 25 and body["details"]["remaining"] == 0
    assert body["current_plan"] == "free" and body["details"]["upgrade_url"].endswith("/api/subscription/plans")


def test_release_frees_a_slot(make_shop):
    shop, _, _ = make_shop("free")
    with db.transaction():
        plans.take(shop["id"], "products", 25)
        plans.release(shop["id"], "products")
        plans.take(shop["id"], "products")
    assert plans.usage(shop["id"])["products"]["current"] == 25


def test_unlimited_plan_has_no_limit(make_shop):
    shop, _, _ = make_shop("enterprise")
    with db.transaction():
        plans.take(shop["id"], "products", 100_000)
    assert plans.usage(shop["id"])["products"] == {"current": 100_000, "limit": None, "remaining": None, "percent": None}
