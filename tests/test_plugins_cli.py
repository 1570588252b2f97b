"""``python server.py plugins``: name, version, state, features, hooks and skip reasons."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def install_orphan_distribution(site: Path) -> None:
    """Lay out an installed distribution whose entry point names the orphan test plugin."""
    dist = site / "qutecat_orphan-0.1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: qutecat-orphan\nVersion: 0.1.0\n")
    (dist / "entry_points.txt").write_text("[qutecat.plugins]\norphan = plugins_fixture.orphan\n")


def blocks(output: str) -> dict[str, list[str]]:
    """Split the listing into each plugin's header line and its indented detail lines."""
    found, header = {}, None
    for line in output.splitlines():
        if line.startswith("    "):
            found[header].append(line.strip())
        elif line:
            header = line
            found[header] = []
    return found


def test_cli_plugins_lists_every_plugin(tmp_path):
    # given a fresh var directory and an installed third-party plugin whose dependency is missing
    site = tmp_path / "site"
    site.mkdir()
    install_orphan_distribution(site)
    env = {**os.environ, "QUTECAT_VAR_DIR": str(tmp_path / "var"),
           "PYTHONPATH": os.pathsep.join([str(site), str(ROOT / "tests")])}
    # when the operator lists the plugins
    result = subprocess.run([sys.executable, "server.py", "plugins"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    # then every plugin shows its version and state, features and hooks, and the skip reason
    assert result.returncode == 0, result.stderr
    listing = blocks(result.stdout)
    assert "accounts 1.0.0 [core]" in listing
    assert "features: theming.custom" in listing["theming 1.0.0 [loaded]"]
    [hooks] = [line for line in listing["tenants 1.0.0 [core]"] if line.startswith("hooks: ")]
    assert {"register_permissions", "register_routes"} <= set(hooks.removeprefix("hooks: ").split(", "))
    assert listing["orphan 0.1.0 [skipped]"] == [
        "features: orphan.feature", "depends: loyalty_points", "skipped: missing dependency: loyalty_points",
    ]
