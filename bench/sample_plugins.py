"""Tiny in-memory plugins for the dispatch benchmark.

The kernel loads a plugin by importing its module, so each sample plugin is a
module object placed in ``sys.modules``; that keeps the number of plugins and
their features a parameter instead of a folder of near-identical files. Each
implements ``bench_ping``, a hook the first one declares through ``addhooks``,
and does no work, so the timings measure dispatch alone.
"""

import sys
import types

from kernel.hookspecs import hookimpl, hookspec
from kernel.plugins import Manifest

PACKAGE = "qutecat_bench_samples"

# (name, features): two core plugins and one per plan feature a shop can lack.
SAMPLES = (
    ("core_a", ()), ("core_b", ()),
    ("wallet", ("payments.wallet",)), ("stripe", ("payments.stripe",)), ("chat", ("chat",)),
    ("riders", ("riders",)), ("theme", ("theming.custom",)), ("domains", ("custom_domain",)),
    ("analytics", ("analytics.advanced",)), ("currencies", ("multi_currency",)), ("api", ("api_access",)),
)


class BenchHookspecs:
    @hookspec
    def bench_ping(tenant):
        """Return anything; the benchmark only measures how the call reaches the implementations."""


def _module(name: str, declares: bool) -> types.ModuleType:
    module = types.ModuleType(f"{PACKAGE}.{name}")

    @hookimpl
    def bench_ping(tenant):
        return name

    module.bench_ping = bench_ping
    if declares:
        @hookimpl
        def addhooks(pluginmanager):
            pluginmanager.add_hookspecs(BenchHookspecs)

        module.addhooks = addhooks
    return module


def manifests() -> list[Manifest]:
    """Install the sample modules and return their manifests."""
    found = []
    for index, (name, features) in enumerate(SAMPLES):
        sys.modules[f"{PACKAGE}.{name}"] = _module(name, declares=index == 0)
        found.append(Manifest(
            name=f"bench_{name}", module=f"{PACKAGE}.{name}", version="0.0.0", depends=("tenants",),
            features=features, core=not features, source="bench",
        ))
    return found
