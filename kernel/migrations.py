"""Versioned, per-plugin migrations applied in dependency order and recorded in the database."""

import logging
from dataclasses import dataclass
from typing import Callable

import peewee

from kernel import db
from kernel.models import KERNEL_MODELS, DeferredTask, MigrationRecord
from kernel.orm import TenantModel

log = logging.getLogger("qutecat.migrations")
LOCK_ID = 4_242_001


@dataclass(frozen=True)
class Migration:
    """One step of one plugin's schema history."""

    version: int
    name: str
    apply: Callable[[], None]


CURRENT_TENANT = "nullif(current_setting('app.tenant_id', true), '')::int"
CURRENT_USER = "nullif(current_setting('app.user_id', true), '')::int"


def tenant_policy_sql(table: str) -> list[str]:
    """Row-level security for a tenant-owned table: a row is visible to its own tenant only."""
    check = f"tenant_id = {CURRENT_TENANT}"
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS tenant_isolation ON "{table}"',
        f'CREATE POLICY tenant_isolation ON "{table}" USING ({check}) WITH CHECK ({check})',
    ]


def policy(table: str, name: str, using: str, command: str = "ALL", check: str | None = None) -> Callable[[], None]:
    """A migration step adding a permissive RLS policy (PostgreSQL only; policies are OR-ed).

    Use it to open what must be shared: published catalog rows readable by every
    storefront (``command="SELECT"``), or rows a customer owns across shops
    (``using=f"user_id = {CURRENT_USER}"``).
    """

    def apply():
        if not db.is_postgres():
            return
        with_check = f" WITH CHECK ({check})" if check else ""
        database = db.database.obj
        database.execute_sql(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
        database.execute_sql(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
        database.execute_sql(f'DROP POLICY IF EXISTS {name} ON "{table}"')
        database.execute_sql(f'CREATE POLICY {name} ON "{table}" FOR {command} USING ({using}){with_check}')

    return apply


def steps(*callables: Callable[[], None]) -> Callable[[], None]:
    """Combine several steps into one migration (applied in one transaction)."""

    def apply():
        for step in callables:
            step()

    return apply


def create_tables(*models) -> Callable[[], None]:
    """A migration step that creates tables (and, on PostgreSQL, RLS for tenant-owned ones)."""

    def apply():
        database = db.database.obj
        database.create_tables(models, safe=True)
        if db.is_postgres():
            for model in models:
                if issubclass(model, TenantModel):
                    for sql in tenant_policy_sql(model._meta.table_name):
                        database.execute_sql(sql)

    return apply


def sql(*statements: str, postgres: tuple[str, ...] = (), sqlite: tuple[str, ...] = ()) -> Callable[[], None]:
    """A migration step of raw statements, with optional engine-specific ones."""

    def apply():
        extra = postgres if db.is_postgres() else sqlite
        for statement in (*statements, *extra):
            db.database.obj.execute_sql(statement)

    return apply


def add_column(table: str, column: str, definition: str) -> Callable[[], None]:
    """A migration step adding a column unless the table has it already.

    A database created after the model gained the field got the column from
    ``create_tables`` in the plugin's first migration, so the step checks
    first (SQLite has no ``ADD COLUMN IF NOT EXISTS``). ``definition`` must be
    valid on both engines, e.g. ``"VARCHAR(2) NOT NULL DEFAULT ''"``.
    """

    def apply():
        database = db.database.obj
        if column not in {c.name for c in database.get_columns(table)}:
            database.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {definition}')

    return apply


def one_row_per_tenant(table: str, keep: str = "id") -> Callable[[], None]:
    """A migration step making ``tenant_id`` unique: extra rows removed, then a unique index.

    Peewee names a model's unique ``tenant_id`` index like the plain index of the
    field itself, so ``create_tables`` skipped it as existing; tables holding
    one row per shop get their guarantee from this step instead. Per shop, the
    first row by ``keep`` (an ORDER BY list) stays. On PostgreSQL the owner is
    exempted from the table's forced row-level security while it removes rows
    of every shop, inside the migration's transaction.
    """

    def apply():
        database = db.database.obj
        postgres = db.is_postgres()
        if postgres:
            database.execute_sql(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
        database.execute_sql(
            f'DELETE FROM "{table}" WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER '
            f'(PARTITION BY tenant_id ORDER BY {keep}) AS n FROM "{table}") AS ranked WHERE n > 1)'
        )
        if postgres:
            database.execute_sql(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
        database.execute_sql(f'CREATE UNIQUE INDEX IF NOT EXISTS "{table}_one_per_tenant" ON "{table}" (tenant_id)')

    return apply


KERNEL_MIGRATIONS = [
    Migration(1, "kernel tables", create_tables(*KERNEL_MODELS)),
    Migration(2, "task messages kept while Redis is down", create_tables(DeferredTask)),
]


def _grant_app_role() -> None:
    database = db.database.obj
    for statement in (
        f"GRANT USAGE ON SCHEMA public TO {db.APP_ROLE}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {db.APP_ROLE}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {db.APP_ROLE}",
    ):
        database.execute_sql(statement)


def _applied() -> set[tuple[str, int]]:
    return {(r.plugin, r.version) for r in MigrationRecord.select(MigrationRecord.plugin, MigrationRecord.version)}


def plan(plugin_host) -> list[tuple[str, Migration]]:
    """Every known migration in application order: the kernel's, then each plugin's by load order."""
    steps = [("kernel", m) for m in KERNEL_MIGRATIONS]
    by_plugin = {}
    for impl in plugin_host.pm.hook.register_migrations.get_hookimpls():
        by_plugin[impl.plugin_name] = impl.function() or []
    for name in plugin_host.order():
        for migration in sorted(by_plugin.get(name, []), key=lambda m: m.version):
            steps.append((name, migration))
    return steps


def migrate(plugin_host, echo=print) -> int:
    """Apply every missing migration; safe to run from several processes at once. Returns the count."""
    database = db.database.obj
    applied_count = 0
    with db.as_owner():
        if db.is_postgres():
            database.execute_sql("SELECT pg_advisory_lock(%s)", (LOCK_ID,))
        try:
            database.create_tables([MigrationRecord], safe=True)
            done = _applied()
            for plugin, migration in plan(plugin_host):
                if (plugin, migration.version) in done:
                    continue
                with db.transaction():
                    if MigrationRecord.select().where(
                        (MigrationRecord.plugin == plugin) & (MigrationRecord.version == migration.version)
                    ).exists():
                        continue
                    migration.apply()
                    MigrationRecord.create(plugin=plugin, version=migration.version, name=migration.name)
                applied_count += 1
                echo(f"applied {plugin} #{migration.version}: {migration.name}")
            if db.is_postgres():
                _grant_app_role()
        finally:
            if db.is_postgres():
                database.execute_sql("SELECT pg_advisory_unlock(%s)", (LOCK_ID,))
    return applied_count


def pending(plugin_host) -> list[tuple[str, Migration]]:
    """Migrations not yet applied (empty once the database is current)."""
    try:
        done = _applied()
    except peewee.DatabaseError:
        return plan(plugin_host)
    return [(p, m) for p, m in plan(plugin_host) if (p, m.version) not in done]
