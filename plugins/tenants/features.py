"""The feature catalogue: every feature a plan or a loaded plugin knows, with its description."""

import functools

from kernel import tenancy
from kernel.seeddata import load


@functools.cache
def _seeded() -> dict[str, str]:
    return dict(load("essential", "plans")["features"])


def catalogue() -> dict[str, str]:
    """Features from the plan data plus any a loaded plugin provides (third-party ones too)."""
    features = dict(_seeded())
    host = tenancy.plugin_host()
    if host is not None:
        for feature, owners in host.feature_owners.items():
            features.setdefault(feature, host.loaded[owners[0]].manifest.summary)
    return dict(sorted(features.items()))
