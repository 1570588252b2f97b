"""Plugin discovery, ordering, loading and per-tenant hook views.

First-party manifests live in ``plugin_registry.toml``; third-party plugins are
found through the ``qutecat.plugins`` entry-point group and carry the same
manifest as ``plugin.toml`` beside their module. Plugins load in dependency
depth, then name; a plugin whose dependency is missing or in a cycle is skipped
with its reason, and so is everything that depends on it.
"""

import importlib
import importlib.metadata
import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pluggy
from pluggy._hooks import _SubsetHookCaller

from kernel import config, context, hookspecs

log = logging.getLogger("qutecat.plugins")
ENTRY_POINT_GROUP = "qutecat.plugins"
REGISTRY = config.ROOT / "plugin_registry.toml"


@dataclass(frozen=True)
class Manifest:
    """What a plugin says about itself."""

    name: str
    module: str
    version: str = "0.0.0"
    summary: str = ""
    depends: tuple[str, ...] = ()
    features: tuple[str, ...] = ()
    core: bool = False
    auto_install: bool = False
    source: str = "registry"

    @classmethod
    def from_table(cls, name: str, table: dict, source: str) -> "Manifest":
        return cls(
            name=name,
            module=table["module"],
            version=str(table.get("version", "0.0.0")),
            summary=table.get("summary", ""),
            depends=tuple(table.get("depends", ())),
            features=tuple(table.get("features", ())),
            core=bool(table.get("core", False)),
            auto_install=bool(table.get("auto_install", False)),
            source=source,
        )


@dataclass
class LoadedPlugin:
    manifest: Manifest
    module: object
    depth: int


@dataclass
class Resolution:
    """The outcome of ordering manifests: what loads, in order, and what is skipped and why."""

    order: list[tuple[Manifest, int]] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def read_registry(path: Path = REGISTRY) -> list[Manifest]:
    """Read the first-party manifests."""
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return [Manifest.from_table(name, table, "registry") for name, table in data.items()]


def read_entry_points() -> list[Manifest]:
    """Read third-party manifests from the ``qutecat.plugins`` entry-point group."""
    manifests = []
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            module = importlib.import_module(ep.value)
            table = getattr(module, "MANIFEST", None)
            if table is None:
                with open(Path(module.__file__).parent / "plugin.toml", "rb") as fh:
                    table = tomllib.load(fh)
            manifests.append(Manifest.from_table(ep.name, {**table, "module": ep.value}, "entry_point"))
        except Exception as exc:  # a broken third-party package must not stop the platform
            log.error("plugin %s from entry point could not be read: %s", ep.name, exc)
    return manifests


def resolve(manifests: list[Manifest]) -> Resolution:
    """Order manifests by dependency depth then name; skip missing deps, cycles and their dependents."""
    by_name = {m.name: m for m in manifests}
    result = Resolution()
    depth: dict[str, int] = {}
    visiting: set[str] = set()

    def visit(name: str, chain: tuple[str, ...]) -> int | None:
        if name in depth:
            return depth[name]
        if name in result.skipped:
            return None
        if name in visiting:
            cycle = " -> ".join(chain[chain.index(name):] + (name,))
            for member in chain[chain.index(name):]:
                result.skipped.setdefault(member, f"dependency cycle: {cycle}")
            return None
        manifest = by_name[name]
        visiting.add(name)
        levels = []
        for dep in manifest.depends:
            if dep not in by_name:
                result.skipped.setdefault(name, f"missing dependency: {dep}")
                continue
            level = visit(dep, chain + (name,))
            if level is None:
                result.skipped.setdefault(name, f"dependency skipped: {dep} ({result.skipped.get(dep, 'skipped')})")
            levels.append(level)
        visiting.discard(name)
        if name in result.skipped:
            return None
        depth[name] = 1 + max(levels, default=-1)
        return depth[name]

    for name in sorted(by_name):
        visit(name, ())
    result.order = sorted(((by_name[n], d) for n, d in depth.items()), key=lambda item: (item[1], item[0].name))
    return result


class _FrozenSubsetHookCaller(_SubsetHookCaller):
    """A subset hook caller whose filtered implementation list is computed once.

    Plugins register only at start-up, so the per-call filtering pluggy's proxy
    does can be done once per (hook, live set).
    """

    __slots__ = ("_impls", "_impl_count")

    def __init__(self, orig, remove_plugins):
        super().__init__(orig, remove_plugins)
        self._impl_count = -1
        self._impls = []

    @property
    def _hookimpls(self):
        orig = self._orig._hookimpls
        if len(orig) != self._impl_count:
            self._impls = [impl for impl in orig if impl.plugin not in self._remove_plugins]
            self._impl_count = len(orig)
        return self._impls


class HookView:
    """The hooks of one live set of plugins (shared by every tenant with that set)."""

    def __init__(self, host: "PluginHost", live: frozenset[str]):
        self._host = host
        self.live = live
        self._removed = {p.module for name, p in host.loaded.items() if name not in live}

    def __getattr__(self, name):
        orig = getattr(self._host.pm.hook, name)
        if not self._removed:
            caller = orig
        else:
            removed = self._removed.intersection(impl.plugin for impl in orig.get_hookimpls())
            caller = _FrozenSubsetHookCaller(orig, removed) if removed else orig
        setattr(self, name, caller)
        return caller


class PluginHost:
    """The loaded plugins of this process and the per-live-set hook views."""

    def __init__(self, manifests: list[Manifest]):
        self.pm = pluggy.PluginManager("qutecat")
        self._live_sets: dict[frozenset[str], frozenset[str]] = {}
        self.pm.add_hookspecs(hookspecs)
        self.manifests = {m.name: m for m in manifests}
        self.resolution = resolve(manifests)
        self.skipped = dict(self.resolution.skipped)
        self.loaded: dict[str, LoadedPlugin] = {}
        for manifest, depth in self.resolution.order:
            missing = [d for d in manifest.depends if d not in self.loaded]
            if missing:
                self.skipped[manifest.name] = f"dependency failed to load: {', '.join(missing)}"
                continue
            try:
                module = importlib.import_module(manifest.module)
            except Exception as exc:
                log.exception("plugin %s failed to import", manifest.name)
                self.skipped[manifest.name] = f"import failed: {exc!r}"
                continue
            self.pm.register(module, name=manifest.name)
            self.loaded[manifest.name] = LoadedPlugin(manifest, module, depth)
        for name, reason in self.skipped.items():
            log.warning("plugin %s skipped: %s", name, reason)
        self.pm.hook.addhooks.call_historic(kwargs={"pluginmanager": self.pm})
        self.all_live = frozenset(self.loaded)
        self.full_view = HookView(self, self.all_live)
        self._views: dict[frozenset[str], HookView] = {self.all_live: self.full_view}
        self.feature_owners: dict[str, list[str]] = {}
        for name, plugin in self.loaded.items():
            for feature in plugin.manifest.features:
                self.feature_owners.setdefault(feature, []).append(name)
        if config.settings.trace_hooks:
            self._trace()

    @property
    def hook(self):
        """The unfiltered hooks (start-up registration and platform-wide calls)."""
        return self.pm.hook

    def order(self) -> list[str]:
        return list(self.loaded)

    def live_plugins(self, features: frozenset[str]) -> frozenset[str]:
        """Return the plugins live for a tenant whose effective features are ``features``."""
        live: set[str] = set()
        for name, plugin in self.loaded.items():
            manifest = plugin.manifest
            deps_live = all(dep in live for dep in manifest.depends)
            if manifest.core:
                live.add(name)
            elif not deps_live:
                continue
            elif manifest.features:
                if any(f in features for f in manifest.features):
                    live.add(name)
            else:
                live.add(name)
        # One object per distinct set, shared by every tenant snapshot that has it, so
        # the view lookup matches by identity instead of comparing sets element by element.
        live = frozenset(live)
        return self._live_sets.setdefault(live, live)

    def view(self, live: frozenset[str]) -> HookView:
        """Return the cached hook view for a live set (built once per distinct set)."""
        try:
            return self._views[live]
        except KeyError:
            view = self._views[live] = HookView(self, live)
            return view

    def features(self) -> list[str]:
        return sorted(self.feature_owners)

    def describe(self) -> list[dict]:
        """Describe every plugin: name, version, state, features, hooks and skip reason."""
        rows = []
        for name, plugin in self.loaded.items():
            m = plugin.manifest
            hooks = sorted(
                caller.name for caller in self.pm.get_hookcallers(plugin.module) or []
            )
            rows.append({
                "name": name, "version": m.version, "summary": m.summary,
                "state": "core" if m.core else "loaded", "source": m.source,
                "depends": list(m.depends), "features": list(m.features),
                "auto_install": m.auto_install, "hooks": hooks, "reason": None,
            })
        for name, reason in sorted(self.skipped.items()):
            m = self.manifests.get(name)
            rows.append({
                "name": name, "version": m.version if m else None, "summary": m.summary if m else "",
                "state": "skipped", "source": m.source if m else None,
                "depends": list(m.depends) if m else [], "features": list(m.features) if m else [],
                "auto_install": m.auto_install if m else False, "hooks": [], "reason": reason,
            })
        return rows

    def _trace(self):
        def before(hook_name, hook_impls, kwargs):
            log.info(
                "hook %s tenant=%s impls=%s",
                hook_name, context.tenant_id(), [impl.plugin_name for impl in hook_impls],
            )

        def after(outcome, hook_name, hook_impls, kwargs):
            pass

        self.pm.add_hookcall_monitoring(before, after)


def discover() -> list[Manifest]:
    """Every manifest: the registry's, then entry points' (a registry name wins)."""
    manifests = {m.name: m for m in read_entry_points()}
    manifests.update({m.name: m for m in read_registry()})
    return list(manifests.values())
