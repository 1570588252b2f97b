"""GET /api/admin/plugins: the same rows as ``python server.py plugins``, typed, root only."""

from kernel import plugins
from kernel.plugins import Manifest
from pluginkit import booted

from conftest import Api, login_token_for

ROW_TYPES = {
    "name": str, "version": str, "summary": str, "state": str, "source": str, "depends": list,
    "features": list, "auto_install": bool, "hooks": list, "reason": type(None),
}


def test_admin_plugins_rows_have_their_types(api, root_token, platform):
    # given the session platform
    # when root lists the plugins
    response = api.get("/api/admin/plugins", token=root_token)
    # then every loaded plugin is listed in load order with typed fields
    assert response.status == 200
    rows = response.json["data"]["plugins"]
    assert [row["name"] for row in rows] == platform.host.order()
    for row in rows:
        assert set(row) == set(ROW_TYPES)
        assert {key: type(value) for key, value in row.items()} == ROW_TYPES, row
        assert row["state"] in ("core", "loaded")
        assert all(isinstance(item, str) for item in row["depends"] + row["features"] + row["hooks"])
        assert row["hooks"] == sorted(row["hooks"])
    tenants = next(row for row in rows if row["name"] == "tenants")
    assert tenants["state"] == "core" and "register_routes" in tenants["hooks"]
    assert tenants["depends"] == ["accounts"] and tenants["source"] == "registry"


def test_admin_plugins_is_root_or_superadmin_only(api, seller_token, customer_token):
    # given tokens of a seller and a customer, and none
    # when each asks for the plugin list
    statuses = [api.get("/api/admin/plugins", token=token).status for token in (seller_token, customer_token)]
    # then they are refused
    assert statuses == [403, 403]
    assert api.get("/api/admin/plugins").status == 401


def test_admin_plugins_lists_skipped_plugins_with_their_reason(platform):
    # given a platform with a plugin whose dependency is missing
    orphan = Manifest(name="orphan", module="plugins_fixture.orphan", version="0.1.0",
                      depends=("loyalty_points",), features=("orphan.feature",), source="test")
    with booted(plugins.discover() + [orphan], seed_phases=()) as started:
        api = Api(started.app)
        # when root lists the plugins
        response = api.get("/api/admin/plugins", token=login_token_for(api, "root@qutekart.com"))
    # then the skipped plugin is there with its reason and no hooks
    assert response.status == 200
    row = next(row for row in response.json["data"]["plugins"] if row["name"] == "orphan")
    assert row["state"] == "skipped" and row["reason"] == "missing dependency: loyalty_points"
    assert row["hooks"] == [] and row["version"] == "0.1.0" and row["features"] == ["orphan.feature"]
