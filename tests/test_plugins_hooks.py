"""One test per kernel hook, each driving the hook through the real platform, and the meta-test."""

import inspect
import re
import secrets
from pathlib import Path

import pytest
from marshmallow import ValidationError

from kernel import context, hookspecs, migrations, queue, seeding, tenancy
from kernel.models import Permission, Role, RolePermission, User
from pluginkit import GATED_FEATURE, new_shop, probe_api, probe_platform, probe_root, recording  # noqa: F401
from plugins_fixture import probe, probe_tasks
from plugins_fixture.probe import ProbeNote

TESTS = Path(__file__).parent


def kernel_hook_names() -> list[str]:
    return sorted(name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
                  if hasattr(fn, "qutecat_spec"))


def for_tenant(hook: str, shop_id: int) -> list[dict]:
    return [e for e in probe.events(hook) if e["tenant"] is not None and e["tenant"].id == shop_id]


@pytest.mark.parametrize("hook", kernel_hook_names())
def test_plugin_hooks_have_tests(hook):
    # given every test module's source
    sources = "\n".join(path.read_text() for path in TESTS.glob("test_*.py"))
    # then each kernel hook has its own test function
    assert re.search(rf"^def test_hook_{hook}\(", sources, re.M), f"no test_hook_{hook} in tests/"


def test_hook_addhooks(probe_platform):
    # given probe declared probe_greeting through addhooks and gated implements it
    host = probe_platform.host
    # when the hook is called unfiltered and for a live set without gated
    everyone = host.hook.probe_greeting(name="Ann")
    without_gated = host.view(host.all_live - {"gated"}).probe_greeting(name="Ann")
    # then the declared hook reaches its implementer, and per-tenant views apply to it too
    assert everyone == ["Hello Ann, from gated"]
    assert without_gated == []
    assert host.pm.hook.probe_greeting.spec is not None


def test_hook_register_models(probe_platform):
    # given the migrated probe platform
    # when the plugins are asked for their models
    models = [model for batch in probe_platform.host.hook.register_models() for model in batch]
    # then the probe's model is among them and its table exists
    assert ProbeNote in models
    assert all(model.table_exists() for model in models)


def test_hook_register_migrations(probe_platform):
    # given the platform migrated once by the fixture
    host = probe_platform.host
    # when migrations are listed and migrate runs again
    planned = [(plugin, m.version) for plugin, m in migrations.plan(host)]
    again = migrations.migrate(host, echo=lambda _m: None)
    # then the probe's migration is planned after the kernel's, was recorded and is not applied twice
    assert ("probe", 1) in planned and planned[0][0] == "kernel"
    assert again == 0
    assert migrations.pending(host) == []
    assert ProbeNote.table_exists()


def test_hook_register_routes(probe_platform, probe_api):
    # given the probe's routes, collected at boot and tagged with their plugin
    owners = {route.path: route.plugin for route in probe_platform.routes}
    # when a probe route is called on the marketplace
    response = probe_api.get("/api/probe/sections")
    # then it is served and documented
    assert owners["/api/probe/sections"] == "probe"
    assert response.status == 200
    assert "/api/probe/sections" in probe_api.get("/api/openapi.json").json["paths"]


def test_hook_register_tasks(probe_platform):
    # given the probe registered its task module when the platform booted
    assert probe.TASK_REGISTRATIONS[-1] is queue.huey
    # when its task is enqueued for a tenant (huey runs it inline in tests)
    result = probe_tasks.remember_tenant("hook test", tenant_id=4242)
    # then it ran inside that tenant, which did not leak out of it
    assert ("hook test", 4242) in probe_tasks.RAN
    assert result.get() == 4242
    assert context.tenant_id() is None


def test_hook_register_permissions(probe_platform, probe_api, customer_token):
    # given the essential seeding of the probe platform
    # when the permission table is read
    granted = (
        Permission.select(Permission.name)
        .join(RolePermission).join(Role)
        .where((Role.name == "seller") & (Permission.name == "probe.view"))
    )
    # then the probe's permission exists and is granted to sellers, and routes check it
    assert granted.exists()
    assert probe_api.get("/api/probe/secret", token=customer_token).status == 403
    assert probe_api.get("/api/probe/secret").status == 401


def test_hook_register_seeders(probe_platform):
    # given the probe's seeder ran in the essential phase
    assert ProbeNote.get(ProbeNote.key == "seeded").value == "by the probe seeder"
    # when the phase runs again
    seeding.run(probe_platform.host, phases=("essential",), echo=lambda _m: None)
    # then nothing is duplicated
    assert ProbeNote.select().where(ProbeNote.key == "seeded").count() == 1
    assert ("probe", "probe note") in [(p, s.name) for p, s in seeding.collect(probe_platform.host)]


def test_hook_register_settings(probe_platform):
    # given every plugin's settings schemas
    schemas = {}
    for fragment in probe_platform.host.hook.register_settings():
        schemas.update(fragment)
    # when the probe's schema loads settings
    schema = schemas["probe"]
    loaded = schema.load({"per_page": 50})
    # then defaults fill in and bad values are refused
    assert loaded == {"greeting": "Hi", "per_page": 50}
    with pytest.raises(ValidationError):
        schema.load({"per_page": 0})


def test_hook_master_config(probe_platform, probe_api, probe_root):
    # given a Free and a Growth shop
    free, _, _ = new_shop(probe_api, probe_root, "free")
    growth, _, _ = new_shop(probe_api, probe_root, "growth")
    host = probe_platform.host
    # when each tenant's view collects the master config fragments
    fragments = {
        plan: host.view(tenancy.get(shop["id"]).live).master_config(tenant=tenancy.get(shop["id"]), request=None)
        for plan, shop in (("free", free), ("growth", growth))
    }
    # then the gated plugin adds its keys for Growth only
    assert {"probe_core": True} in fragments["free"] and {"probe_gated": True} not in fragments["free"]
    assert {"probe_core": True} in fragments["growth"] and {"probe_gated": True} in fragments["growth"]


def test_hook_home_sections(probe_api, probe_root):
    # given a Free and a Growth storefront
    _, _, free_host = new_shop(probe_api, probe_root, "free")
    _, _, growth_host = new_shop(probe_api, probe_root, "growth")
    # when each storefront's home sections are collected through the request's hook view
    free = probe_api.get("/api/probe/sections", host=free_host).json["data"]["sections"]
    growth = probe_api.get("/api/probe/sections", host=growth_host).json["data"]["sections"]
    # then the gated plugin contributes only where its feature is live
    assert free["probe_core"] == ["welcome"] and "probe_gated" not in free
    assert growth["probe_core"] == ["welcome"] and growth["probe_gated"] == ["advanced analytics"]


def test_hook_tenant_created(probe_platform, probe_api, probe_root):
    # given a recorder on the probe platform's hooks
    with recording(probe_platform.host) as recorder:
        # when root creates a shop
        shop, _, _ = new_shop(probe_api, probe_root, "starter")
    # then tenant_created ran once, after commit, with the new tenant's snapshot
    seen = for_tenant("tenant_created", shop["id"])
    assert len(seen) == 1
    assert seen[0]["in_transaction"] is False
    assert seen[0]["tenant"].slug == shop["slug"] and seen[0]["tenant"].plan == "starter"
    assert [call.kwargs["tenant"].id for call in recorder.of("tenant_created")] == [shop["id"]]


def test_hook_tenant_plan_changed(probe_api, probe_root):
    # given a Free shop
    shop, _, _ = new_shop(probe_api, probe_root, "free")
    # when root moves it to Growth
    response = probe_api.put(f"/api/admin/shops/{shop['id']}/plan", token=probe_root, json={"plan": "growth"})
    # then the hook saw the old and new plan after commit, and the gated plugin went live
    assert response.status == 200
    [changed] = for_tenant("tenant_plan_changed", shop["id"])
    assert (changed["old_plan"], changed["new_plan"]) == ("free", "growth")
    assert changed["tenant"].plan == "growth" and changed["in_transaction"] is False
    assert "gated" in [e["plugin"] for e in for_tenant("plugin_enabled", shop["id"])]


def test_hook_plugin_disabled(probe_api, probe_root):
    # given a Growth shop, where the gated plugin is live
    shop, owner, _ = new_shop(probe_api, probe_root, "growth")
    # when the seller switches the gated plugin's feature off
    response = probe_api.put(f"/api/seller/features/{GATED_FEATURE}", token=owner, json={"enabled": False})
    # then plugin_disabled named the plugin, after commit, with the tenant as it is now
    assert response.status == 200
    [disabled] = for_tenant("plugin_disabled", shop["id"])
    assert disabled["plugin"] == "gated" and disabled["in_transaction"] is False
    assert "gated" not in disabled["tenant"].live


def test_hook_plugin_enabled(probe_api, probe_root):
    # given a Growth shop that switched the gated plugin's feature off
    shop, owner, host = new_shop(probe_api, probe_root, "growth")
    probe_api.put(f"/api/seller/features/{GATED_FEATURE}", token=owner, json={"enabled": False})
    assert probe_api.get("/api/probe/report", host=host).status == 403
    # when the seller switches it on again
    response = probe_api.put(f"/api/seller/features/{GATED_FEATURE}", token=owner, json={"enabled": True})
    # then plugin_enabled named the plugin and its route answers again
    assert response.status == 200
    [enabled] = for_tenant("plugin_enabled", shop["id"])
    assert enabled["plugin"] == "gated" and "gated" in enabled["tenant"].live
    assert probe_api.get("/api/probe/report", host=host).status == 200


def test_hook_user_registered(probe_api, probe_root):
    # given a storefront and a new customer's sign-up form (FLUTTER_CONTRACT sign_up.dart)
    shop, _, host = new_shop(probe_api, probe_root, "free")
    email = f"u{secrets.token_hex(4)}@example.com"
    body = {"name": "New Customer", "phone": f"017{secrets.randbelow(10**8):08d}", "email": email,
            "password": "secret123", "country": "Bangladesh", "phone_code": "880"}
    # when the customer registers on that storefront
    response = probe_api.post("/api/registration", json=body, host=host)
    # then the hook received the new account and the storefront, after commit
    assert response.status == 200, response
    [registered] = [e for e in probe.events("user_registered") if e["user"].email == email]
    assert registered["user"].id == User.get(User.email == email).id
    assert registered["tenant"].id == shop["id"]
    assert registered["in_transaction"] is False
