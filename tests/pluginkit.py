"""Test kit for plugins: a platform booted with extra plugins, shops on a plan, a hook recorder.

Import the fixtures into a test module (``from pluginkit import probe_platform``)
or use the helpers directly. Booting a second platform rebinds the process's
plugin host (``tenancy.bind`` is global); :func:`booted` binds the session
platform's host again afterwards, so later tests see the platform they expect.
"""

import secrets
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from conftest import BASE_DOMAIN, Api, login_token_for
from kernel import config, migrations, plugins, seeding, tenancy
from kernel.boot import Platform, boot
from kernel.plugins import Manifest

PROBE = Manifest(
    name="probe", module="plugins_fixture.probe", version="0.1.0", summary="Implements every kernel hook.",
    depends=("tenants",), core=True, source="test",
)
GATED = Manifest(
    name="gated", module="plugins_fixture.gated", version="0.1.0", summary="Live with analytics.advanced.",
    depends=("probe",), features=("analytics.advanced",), source="test",
)
GATED_FEATURE = "analytics.advanced"


@contextmanager
def booted(manifests: list[Manifest], *, migrate: bool = True, seed_phases=("essential",)):
    """Boot a platform from ``manifests`` (migrated and seeded), then rebind the previous host."""
    previous = tenancy.plugin_host()
    platform = boot(manifests)
    try:
        if migrate:
            migrations.migrate(platform.host, echo=lambda _m: None)
        if seed_phases:
            seeding.run(platform.host, phases=seed_phases, echo=lambda _m: None)
        yield platform
    finally:
        config.reload()
        tenancy.bind(previous)


def with_probes() -> list[Manifest]:
    """The real plugins plus the probe and gated test plugins."""
    return plugins.discover() + [PROBE, GATED]


def new_shop(api: Api, root_token: str, plan: str = "free") -> tuple[dict, str, str]:
    """Create a shop on a plan through the admin API; returns (shop, owner token, storefront host)."""
    slug = f"p{secrets.token_hex(4)}"
    response = api.post("/api/admin/shops", token=root_token, json={
        "name": f"Shop {slug}", "slug": slug, "plan": plan,
        "owner": {"name": "Owner", "email": f"{slug}@example.com",
                  "phone": f"01{secrets.randbelow(10**9):09d}", "password": "secret123"},
    })
    assert response.status == 201, response
    shop = response.json["data"]["shop"]
    return shop, login_token_for(api, f"{slug}@example.com"), f"{slug}.{BASE_DOMAIN}"


@dataclass(frozen=True)
class HookCall:
    name: str
    kwargs: dict
    plugins: tuple[str, ...]


class HookRecorder:
    """Record every hook call of a plugin host: its name, arguments and the plugins that answered.

    Built on pluggy's call monitoring (as pytest's ``HookRecorder``), so it sees
    per-tenant views too and only the implementations that actually ran.
    """

    def __init__(self, host: plugins.PluginHost):
        self.calls: list[HookCall] = []
        self._undo = host.pm.add_hookcall_monitoring(self._before, lambda *_args: None)

    def _before(self, hook_name, hook_impls, kwargs):
        self.calls.append(HookCall(hook_name, dict(kwargs), tuple(impl.plugin_name for impl in hook_impls)))

    def of(self, name: str) -> list[HookCall]:
        return [call for call in self.calls if call.name == name]

    def close(self) -> None:
        self._undo()


@contextmanager
def recording(host: plugins.PluginHost):
    recorder = HookRecorder(host)
    try:
        yield recorder
    finally:
        recorder.close()


@pytest.fixture(scope="module")
def probe_platform(platform) -> Platform:
    """A platform with the real plugins plus ``probe`` and ``gated``, for one test module."""
    with booted(with_probes()) as probed:
        yield probed


@pytest.fixture(scope="module")
def probe_api(probe_platform) -> Api:
    return Api(probe_platform.app)


@pytest.fixture(scope="module")
def probe_root(probe_api) -> str:
    return login_token_for(probe_api, "root@qutekart.com")
