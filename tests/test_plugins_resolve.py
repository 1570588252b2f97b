"""Plugin ordering and skipping: depth then name; missing dependencies and cycles skip with a reason."""

from kernel import plugins
from kernel.plugins import Manifest, PluginHost, resolve
from pluginkit import PROBE, booted

from conftest import Api


def manifest(name, *depends, module="plugins_fixture.gated", **extra):
    return Manifest(name=name, module=module, depends=tuple(depends), **extra)


def names(resolution):
    return [(m.name, depth) for m, depth in resolution.order]


def test_resolve_orders_by_depth_then_name():
    # given a diamond and two roots, listed out of order
    manifests = [
        manifest("zeta", "beta", "alpha"), manifest("beta", "alpha"), manifest("gamma", "alpha"),
        manifest("alpha"), manifest("aardvark"),
    ]
    # when they are resolved
    resolution = resolve(manifests)
    # then depth comes first, then the name
    assert names(resolution) == [("aardvark", 0), ("alpha", 0), ("beta", 1), ("gamma", 1), ("zeta", 2)]
    assert resolution.skipped == {}


def test_missing_dependency_skips_the_plugin_and_its_dependents():
    # given a plugin needing an absent one, and plugins stacked on it
    manifests = [manifest("base"), manifest("shop", "base", "loyalty_points"), manifest("riders", "shop"),
                 manifest("tracking", "riders")]
    # when resolved
    resolution = resolve(manifests)
    # then only the healthy plugin loads and every skip names its cause
    assert names(resolution) == [("base", 0)]
    assert resolution.skipped["shop"] == "missing dependency: loyalty_points"
    assert resolution.skipped["riders"] == "dependency skipped: shop (missing dependency: loyalty_points)"
    assert resolution.skipped["tracking"].startswith("dependency skipped: riders (")


def test_cycle_skips_its_members_and_dependents():
    # given a -> b -> c -> a, a plugin hanging off the cycle, one depending on itself and a bystander
    manifests = [manifest("a", "b"), manifest("b", "c"), manifest("c", "a"), manifest("d", "c"),
                 manifest("selfish", "selfish"), manifest("ok")]
    # when resolved
    resolution = resolve(manifests)
    # then the cycle's members name the cycle, their dependents name the skipped dependency
    assert names(resolution) == [("ok", 0)]
    for member in ("a", "b", "c"):
        assert resolution.skipped[member] == "dependency cycle: a -> b -> c -> a"
    assert resolution.skipped["d"] == "dependency skipped: c (dependency cycle: a -> b -> c -> a)"
    assert resolution.skipped["selfish"] == "dependency cycle: selfish -> selfish"


def test_plugin_host_skips_failed_imports_and_their_dependents(platform):
    # given the real plugins, a plugin that cannot be imported and one that depends on it
    manifests = plugins.discover() + [
        manifest("broken", "tenants", module="plugins_fixture.broken"),
        manifest("after_broken", "broken", module="plugins_fixture.gated"),
    ]
    # when the host loads them
    host = PluginHost(manifests)
    # then the healthy plugins are loaded in order and the others carry their reasons
    depth = {name: loaded.depth for name, loaded in host.loaded.items()}
    assert host.order() == sorted(host.loaded, key=lambda name: (depth[name], name))
    assert depth["accounts"] == 0 and depth["tenants"] == 1
    assert "broken" not in host.loaded and "after_broken" not in host.loaded
    assert host.skipped["broken"].startswith("import failed: ImportError(")
    assert host.skipped["after_broken"] == "dependency failed to load: broken"
    assert {"accounts", "tenants"} <= set(host.loaded)


def test_process_starts_with_skipped_plugins_and_reports_them(platform):
    # given a platform booted with a missing dependency, a cycle and a failing import among its plugins
    extra = [
        manifest("needs_loyalty", "loyalty_points"),
        manifest("ping", "pong"), manifest("pong", "ping"),
        manifest("broken", "tenants", module="plugins_fixture.broken"),
        PROBE,
    ]
    with booted(plugins.discover() + extra, seed_phases=()) as started:
        api = Api(started.app)
        # when it serves requests
        health = api.get("/healthz")
        probe = api.get("/api/probe/sections")
        listing = {row["name"]: row for row in started.host.describe()}
    # then it answers, the healthy test plugin works, and every skipped plugin says why
    assert health.status == 200
    assert probe.status == 200
    assert listing["needs_loyalty"]["state"] == "skipped"
    assert listing["needs_loyalty"]["reason"] == "missing dependency: loyalty_points"
    assert listing["ping"]["reason"] == listing["pong"]["reason"] == "dependency cycle: ping -> pong -> ping"
    assert listing["broken"]["reason"].startswith("import failed")
    assert listing["probe"]["state"] == "core"
