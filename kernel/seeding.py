"""Phased, idempotent seeding: essential, demo, branding.

Every seeder inserts what is missing and leaves existing rows alone, so any
phase can be re-run and changes no row.
"""

import secrets
from dataclasses import dataclass, field
from typing import Callable

from kernel import config, db

PHASES = ("essential", "demo", "branding")


@dataclass(frozen=True)
class Seeder:
    phase: str
    name: str
    run: Callable[["SeedContext"], None]
    order: int = 100


@dataclass
class SeedContext:
    """What a seeder may ask: the environment, the demo password policy, and where to report."""

    host: object
    production: bool
    demo_allowed: bool
    passwords: dict = field(default_factory=dict)
    echo: Callable[[str], None] = print

    def demo_password(self, login: str) -> str:
        """``secret`` in development; a generated one, reported once, in production."""
        if not self.production:
            return "secret"
        password = secrets.token_urlsafe(12)
        self.passwords[login] = password
        return password


def collect(plugin_host) -> list[tuple[str, Seeder]]:
    """Every seeder with its plugin, in phase order, then (order, plugin load order)."""
    load_order = {name: i for i, name in enumerate(plugin_host.order())}
    seeders = []
    for impl in plugin_host.pm.hook.register_seeders.get_hookimpls():
        for seeder in impl.function() or []:
            seeders.append((impl.plugin_name, seeder))
    seeders.sort(key=lambda item: (PHASES.index(item[1].phase), item[1].order, load_order.get(item[0], 0)))
    return seeders


def run(plugin_host, phases=PHASES, demo: bool = False, echo=print, progress=None) -> SeedContext:
    """Run the seeders of the given phases, each in its own transaction.

    In production the demo phase needs ``demo=True`` and uses generated
    passwords, which are returned in the context (shown once by the CLI).
    """
    production = config.settings.is_production
    ctx = SeedContext(host=plugin_host, production=production, demo_allowed=demo or not production, echo=echo)
    selected = [(p, s) for p, s in collect(plugin_host) if s.phase in phases]
    if "demo" in phases and not ctx.demo_allowed:
        echo("skipping the demo phase: APP_ENV=production needs --demo")
        selected = [(p, s) for p, s in selected if s.phase != "demo"]
    iterator = progress(selected) if progress else selected
    for plugin, seeder in iterator:
        with db.transaction():
            seeder.run(ctx)
    return ctx
