"""A third-party plugin installed with pip is found through its entry point and gated by plan."""

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kernel import plugins
from pluginkit import booted, new_shop

from conftest import Api, login_token_for

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "hello_plugin"


@pytest.fixture(scope="module")
def hello_site(tmp_path_factory):
    """pip-install examples/hello_plugin into a directory of its own and put it on sys.path."""
    work = tmp_path_factory.mktemp("hello")
    source = shutil.copytree(EXAMPLE, work / "src")  # setuptools writes build files beside the sources
    site = work / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(site), str(source)],
        check=True, capture_output=True, timeout=300,
    )
    sys.path.insert(0, str(site))
    importlib.invalidate_caches()
    yield site
    sys.path.remove(str(site))
    for name in [name for name in sys.modules if name == "qutecat_hello" or name.startswith("qutecat_hello.")]:
        del sys.modules[name]
    importlib.invalidate_caches()


@pytest.fixture(scope="module")
def hello_platform(platform, hello_site):
    with booted(plugins.discover(), seed_phases=()) as started:
        yield started


def test_third_party_plugin_is_discovered_through_its_entry_point(hello_platform, hello_site):
    # given the example plugin installed with pip
    # when the platform discovered its plugins
    [manifest] = [m for m in plugins.read_entry_points() if m.name == "hello"]
    row = next(row for row in hello_platform.host.describe() if row["name"] == "hello")
    # then the manifest came from plugin.toml through the entry point, and the plugin loaded
    assert manifest.module == "qutecat_hello" and manifest.source == "entry_point"
    assert manifest.depends == ("tenants",) and manifest.features == ("hello.greet",)
    assert row["state"] == "loaded" and row["version"] == "1.0.0" and row["hooks"] == ["register_routes"]
    assert Path(sys.modules["qutecat_hello"].__file__).is_relative_to(hello_site)


def test_third_party_route_is_gated_until_root_grants_the_feature(hello_platform):
    # given a Free shop on the platform with the example plugin
    api = Api(hello_platform.app)
    root = login_token_for(api, "root@qutekart.com")
    shop, _, host = new_shop(api, root, "free")
    # when its storefront calls the plugin's route
    denied = api.get("/api/hello", host=host)
    # then the plan gate answers: no plan grants hello.greet, so there is nothing to upgrade to
    assert denied.status == 403
    assert denied.json == {
        "message": denied.json["message"], "error": "feature_not_in_plan", "feature": "hello.greet",
        "current_plan": "free", "upgrade_to": [],
    }
    # when root grants the feature to this shop
    granted = api.put(f"/api/admin/shops/{shop['id']}/features/hello.greet", token=root, json={"granted": True})
    # then the same call answers, at once
    assert granted.status == 200
    allowed = api.get("/api/hello", host=host)
    assert allowed.status == 200
    assert allowed.json == {"message": "", "data": {"greeting": f"Hello from {shop['name']}!", "shop": shop["slug"]}}


def test_third_party_route_is_documented(hello_platform):
    # given the platform with the example plugin
    # when the OpenAPI document is read
    paths = Api(hello_platform.app).get("/api/openapi.json").json["paths"]
    # then the plugin's route is there with its schema
    assert "get" in paths["/api/hello"]
