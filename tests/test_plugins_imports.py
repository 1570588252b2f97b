"""Meta-test: a plugin imports the kernel and the plugins it declares in ``depends``, nothing else."""

import ast
import tomllib
from pathlib import Path

from conftest import ROOT


def imported_plugins(package: Path) -> set[str]:
    """The ``plugins.<name>`` packages a plugin's modules import."""
    names = set()
    for source in package.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(), str(source))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            names |= {m.split(".")[1] for m in modules if m.startswith("plugins.") and m.count(".") >= 1}
    return names


def test_every_builtin_plugin_imports_only_what_it_depends_on():
    registry = tomllib.loads((ROOT / "plugin_registry.toml").read_text())
    undeclared = {}
    for name, manifest in registry.items():
        if not manifest["module"].startswith("plugins."):
            continue
        package = ROOT / manifest["module"].replace(".", "/")
        extra = imported_plugins(package) - {name} - set(manifest.get("depends", ()))
        if extra:
            undeclared[name] = sorted(extra)
    assert undeclared == {}
