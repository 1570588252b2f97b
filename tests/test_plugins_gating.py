"""Per-tenant gating: hook views per live set, cached and shared; the plan gate; hook tracing."""

import logging

from kernel import tenancy
from pluginkit import (  # noqa: F401
    GATED_FEATURE, booted, new_shop, probe_api, probe_platform, probe_root, recording, with_probes,
)

from conftest import Api, login_token_for


def test_free_tenant_does_not_reach_gated_hook_implementations(probe_platform, probe_api, probe_root):
    # given a Free shop, whose plan lacks the gated plugin's feature
    shop, _, _ = new_shop(probe_api, probe_root, "free")
    tenant = tenancy.get(shop["id"])
    host = probe_platform.host
    # when its hook view collects master config fragments
    with recording(host) as recorder:
        fragments = host.view(tenant.live).master_config(tenant=tenant, request=None)
    # then the gated plugin's implementation was not called at all
    assert "gated" not in tenant.live
    assert {"probe_gated": True} not in fragments
    [call] = recorder.of("master_config")
    assert "probe" in call.plugins and "gated" not in call.plugins


def test_growth_tenant_reaches_gated_hook_implementations(probe_platform, probe_api, probe_root):
    # given a Growth shop
    shop, _, _ = new_shop(probe_api, probe_root, "growth")
    tenant = tenancy.get(shop["id"])
    host = probe_platform.host
    # when its hook view collects master config fragments
    with recording(host) as recorder:
        fragments = host.view(tenant.live).master_config(tenant=tenant, request=None)
    # then both the core and the gated plugin answered
    assert {"probe_core": True} in fragments and {"probe_gated": True} in fragments
    [call] = recorder.of("master_config")
    assert {"probe", "gated"} <= set(call.plugins)


def test_views_are_cached_per_live_set_and_shared_by_tenants(probe_platform, probe_api, probe_root):
    # given two Free shops and a Growth shop
    first = tenancy.get(new_shop(probe_api, probe_root, "free")[0]["id"])
    second = tenancy.get(new_shop(probe_api, probe_root, "free")[0]["id"])
    growth = tenancy.get(new_shop(probe_api, probe_root, "growth")[0]["id"])
    host = probe_platform.host
    # when their views and subset hook callers are looked up, twice
    view = host.view(first.live)
    # then tenants with the same live set share one view, and each caller is built once
    assert host.view(second.live) is view
    assert host.view(frozenset(second.live)) is view
    assert view.master_config is view.master_config
    assert host.view(first.live).home_sections is view.home_sections
    assert host.view(growth.live) is not view
    assert host.view(host.all_live) is host.full_view
    assert host.full_view.master_config is host.pm.hook.master_config


def test_plan_change_moves_a_tenant_to_another_cached_view(probe_platform, probe_api, probe_root):
    # given a Free shop and a Growth shop
    shop, _, _ = new_shop(probe_api, probe_root, "free")
    growth = tenancy.get(new_shop(probe_api, probe_root, "growth")[0]["id"])
    host = probe_platform.host
    before = host.view(tenancy.get(shop["id"]).live)
    # when the Free shop moves to Growth
    probe_api.put(f"/api/admin/shops/{shop['id']}/plan", token=probe_root, json={"plan": "growth"})
    # then it now uses the Growth shops' view, without any restart
    after = tenancy.get(shop["id"])
    assert host.view(after.live) is host.view(growth.live)
    assert host.view(after.live) is not before


def test_gated_plugin_route_answers_403_with_upgrade_plans(probe_api, probe_root):
    # given a Free and a Growth storefront
    _, _, free_host = new_shop(probe_api, probe_root, "free")
    _, _, growth_host = new_shop(probe_api, probe_root, "growth")
    # when both call the gated plugin's route
    denied = probe_api.get("/api/probe/report", host=free_host)
    allowed = probe_api.get("/api/probe/report", host=growth_host)
    # then Free is told which feature is missing and which plans grant it
    assert denied.status == 403
    assert denied.json == {
        "message": denied.json["message"], "error": "feature_not_in_plan", "feature": GATED_FEATURE,
        "current_plan": "free", "upgrade_to": ["growth", "enterprise"],
    }
    assert isinstance(denied.json["message"], str) and denied.json["message"]
    assert allowed.status == 200 and allowed.json["data"] == {"report": "advanced"}


def test_trace_hooks_logs_each_call_with_its_tenant(platform, monkeypatch, caplog):
    # given a platform started with QUTECAT_TRACE_HOOKS=1 and a Free shop on it
    monkeypatch.setenv("QUTECAT_TRACE_HOOKS", "1")
    with booted(with_probes()) as traced:
        api = Api(traced.app)
        shop, _, host = new_shop(api, login_token_for(api, "root@qutekart.com"), "free")
        caplog.clear()
        # when a storefront request dispatches a hook
        with caplog.at_level(logging.INFO, logger="qutecat.plugins"):
            response = api.get("/api/probe/sections", host=host)
    # then the call is logged with the tenant and the implementations that ran
    assert response.status == 200
    lines = [r.getMessage() for r in caplog.records if r.name == "qutecat.plugins"]
    traced_line = next(line for line in lines if line.startswith("hook home_sections"))
    assert f"tenant={shop['id']}" in traced_line
    assert "'probe'" in traced_line and "'gated'" not in traced_line


def test_trace_hooks_is_off_by_default(probe_platform, probe_api, caplog):
    # given the probe platform, started without QUTECAT_TRACE_HOOKS
    # when a hook is dispatched
    with caplog.at_level(logging.INFO, logger="qutecat.plugins"):
        probe_api.get("/api/probe/sections")
    # then nothing is traced
    assert not [r for r in caplog.records if r.getMessage().startswith("hook ")]
