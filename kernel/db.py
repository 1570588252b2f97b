"""The database: connection per configuration, the one place that opens transactions.

SQLite (WAL) is the embedded default; PostgreSQL is pooled and runs the
application as a role that is subject to row-level security, with the request's
tenant and user set per transaction (never per session, which would leak
through the pool).
"""

import logging
import sqlite3
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import unquote, urlparse

import peewee
import psycopg2
import psycopg2.extensions
from playhouse.pool import MaxConnectionsExceeded, PooledDatabase, _PooledPostgresqlDatabase

from kernel import context

log = logging.getLogger("qutecat.db")

APP_ROLE = "qutecat_app"
# The tenant and user last sent inside a transaction when nothing (reliable) was sent yet.
UNSENT = object()

database = peewee.DatabaseProxy()
_after_commit: ContextVar[list | None] = ContextVar("after_commit", default=None)


def _context_sql(scope: tuple) -> str:
    """Return the statement that sets a ``(tenant, user)`` scope for one transaction."""
    tenant, user = scope
    return (
        "SELECT set_config('app.tenant_id', '%s', true), set_config('app.user_id', '%s', true)"
        % ("" if tenant is None else int(tenant), "" if user is None else int(user))
    )


def _scope() -> tuple:
    return context.tenant_id(), context.user_id()


# Statements prepared per connection at most; beyond it (an unusual spread of list lengths), statements run unprepared.
MAX_PREPARED = 256


class _Connection(psycopg2.extensions.connection):
    """A psycopg2 connection that knows which statements are prepared on it (they live exactly as long as it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared: set[str] = set()
        # Names whose PREPARE went out with a statement that failed: whether it took is asked before reuse.
        self.unsure: set[str] = set()


# Limits of the application's sessions. A statement waiting on a lock (a row another
# session holds, a table an operator locked) or running away, and a transaction left idle
# by a stuck process, end in an error the API answers 503, well before gunicorn's 60 s
# timeout would kill the worker and every request its threads serve.
SESSION_LIMITS = {"lock_timeout": "10s", "statement_timeout": "30s", "idle_in_transaction_session_timeout": "60s"}


def _app_session_sql() -> str:
    limits = "; ".join(f"SET {name} = '{value}'" for name, value in SESSION_LIMITS.items())
    return f"SET ROLE {APP_ROLE}; {limits}"


class _AppRolePostgres(peewee.PostgresqlDatabase):
    """PostgreSQL whose every new connection switches to the row-level-security role (when ``app_role``),
    under ``SESSION_LIMITS``.

    It sits below the pool in :class:`TenantAwarePostgres`, so the role and
    limits are set once per physical connection (one round trip), not on
    every checkout from the pool.
    """

    app_role = True

    def _connect(self):
        conn = super()._connect()
        if self.app_role:
            with conn.cursor() as cur:
                cur.execute(_app_session_sql())
        return conn


class TenantAwarePostgres(_PooledPostgresqlDatabase, _AppRolePostgres):
    """Pooled PostgreSQL that carries the tenant and user into every transaction.

    Inside ``BEGIN`` the settings are transaction-local. A statement outside a
    transaction (autocommit) is sent together with its settings in one simple
    query, which PostgreSQL runs as one implicit transaction, so reads cost no
    extra round trip and nothing survives into the next use of the connection.
    """

    def __init__(self, *args, app_role: bool = True, **kwargs):
        self.app_role = app_role
        super().__init__(*args, **kwargs)

    def execute_prepared(self, name: str, body: str, params):
        """Run a compiled statement (``kernel.statements``) as the server-side prepared statement ``name``.

        PostgreSQL then parses and plans it once per connection instead of on
        every call: a third to three quarters of its CPU for the statements a
        request sends. The first call sends ``PREPARE`` and ``EXECUTE``
        together, so it costs no extra round trip. ``body`` is the SQL with
        ``$n`` parameters. Prepared statements outlive a rolled-back
        transaction, so after a failed first call the server is asked whether
        the ``PREPARE`` took before the name is used again. Returns None when
        this connection holds too many, and the caller runs the SQL plainly.
        """
        conn = self.connection()
        prepared = conn.prepared
        if name in conn.unsure:
            conn.unsure.discard(name)
            if self.execute_sql("SELECT 1 FROM pg_prepared_statements WHERE name = %s", (name,)).fetchone():
                prepared.add(name)
        fresh = name not in prepared
        if fresh and len(prepared) >= MAX_PREPARED:
            return None
        sql = f"EXECUTE {name}({', '.join(['%s'] * len(params))})" if params else f"EXECUTE {name}"
        if fresh:
            sql = f"PREPARE {name} AS {body}; {sql}"
        try:
            cursor = self.execute_sql(sql, params)
        except Exception:
            if fresh:
                conn.unsure.add(name)
            raise
        prepared.add(name)
        return cursor

    def begin(self, isolation_level=None):
        """Open a transaction lazily: ``BEGIN`` travels with its first statement, in that statement's round trip.

        The connection is taken now, as peewee's ``begin`` takes it: opening
        one later, inside the transaction, would reset peewee's record of it.
        """
        self.connection()
        self._state.begin_pending = True
        self._state.sent_scope = UNSENT

    def commit(self):
        if not self._never_sent():
            super().commit()

    def rollback(self):
        if not self._never_sent():
            super().rollback()

    def _never_sent(self) -> bool:
        """Whether the ending transaction never reached the server (no statement ran in it); clears the mark."""
        pending = getattr(self._state, "begin_pending", False)
        self._state.begin_pending = False
        return pending

    def execute_sql(self, sql, params=None):
        """Send a statement, with the tenant and user in front of it when the server's may differ.

        Inside a transaction the values last sent are remembered (per
        connection and transaction); a statement whose context differs carries
        the new values in its own round trip, and the transaction's first
        statement carries its ``BEGIN`` too. A checkout switches to the shop
        and back a dozen times, and only the statements pay, none of the
        switches. Outside a transaction every statement carries the values, as
        its own implicit transaction.
        """
        scope = _scope()
        if self.in_transaction():
            if getattr(self._state, "sent_scope", UNSENT) != scope:
                sql = _context_sql(scope) + "; " + sql
                self._state.sent_scope = scope
            if getattr(self._state, "begin_pending", False):
                sql = "BEGIN; " + sql
                self._state.begin_pending = False
        elif scope != (None, None):
            sql = _context_sql(scope) + "; " + sql
        return super().execute_sql(sql, params)

    def forget_sent_scope(self) -> None:
        """A savepoint was rolled back: the server is back to the values of its start, which may be older."""
        self._state.sent_scope = UNSENT


def make_database(url: str, app_role: bool = True) -> peewee.Database:
    """Build a peewee database for a ``sqlite:///path`` or ``postgresql://`` URL."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///"):]
        return peewee.SqliteDatabase(
            path,
            pragmas={
                "journal_mode": "wal",
                "busy_timeout": 10000,
                "foreign_keys": 1,
                "synchronous": "normal",
                "cache_size": -16000,
            },
            check_same_thread=False,
        )
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"unsupported DATABASE_URL scheme: {parsed.scheme}")
    kwargs = {
        "host": parsed.hostname or None,
        "port": parsed.port or 5432,
        "user": unquote(parsed.username) if parsed.username else None,
        "password": unquote(parsed.password) if parsed.password else None,
    }
    return TenantAwarePostgres(
        parsed.path.lstrip("/"),
        connection_factory=_Connection,
        max_connections=32,
        stale_timeout=300,
        timeout=10,
        app_role=app_role,
        **{k: v for k, v in kwargs.items() if v is not None},
    )


def init(url: str) -> None:
    """Point the shared proxy at the configured database."""
    if is_postgres_url(url):
        ensure_app_role(url)
    database.initialize(make_database(url))


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def is_postgres() -> bool:
    return isinstance(database.obj, peewee.PostgresqlDatabase)


def ensure_app_role(url: str) -> None:
    """Create the non-owner, non-superuser role the application runs as, once per cluster."""
    owner = make_database(url, app_role=False)
    owner.connect()
    try:
        owner.execute_sql(
            f"""DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                    CREATE ROLE {APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS;
                END IF;
            END $$"""
        )
        owner.execute_sql(f"GRANT {APP_ROLE} TO current_user")
    except peewee.DatabaseError:
        # Another process created it between the check and the CREATE.
        pass
    finally:
        owner.close()


@contextmanager
def as_owner():
    """Run a block as the connecting (owning) role, for migrations and grants only.

    The owner works without the session limits (a migration may build an
    index for minutes, or wait for another process's migration lock). The
    pool sets the application role once per physical connection, so a
    connection whose role cannot be restored here is closed for good rather
    than handed back to the pool as the owner.
    """
    db = database.obj
    if not is_postgres():
        yield
        return
    with db.connection_context():
        db.execute_sql("RESET ROLE; " + "; ".join(f"SET {name} = 0" for name in SESSION_LIMITS))
        try:
            yield
        finally:
            try:
                db.execute_sql(_app_session_sql())
            except Exception:
                db.connection().close()  # the pool discards a closed connection instead of reusing it
                raise


@contextmanager
def transaction(write: bool = True, savepoint: bool = True):
    """Open the one transaction of a state change (nested calls become savepoints).

    ``savepoint=False`` runs a nested call as a plain part of the open
    transaction: for a step whose failure fails the caller's whole change,
    where a savepoint would only cost two round trips.

    On SQLite a writing transaction takes the write lock at BEGIN (IMMEDIATE) so
    two writers queue on ``busy_timeout`` instead of failing on lock upgrade.
    Callbacks registered with :func:`on_commit` run only after the outermost
    commit.
    """
    db = database.obj
    if db.in_transaction():
        if not savepoint:
            yield
            return
        try:
            with db.atomic():
                yield
        except BaseException:
            if isinstance(db, TenantAwarePostgres):
                db.forget_sent_scope()
            raise
        return
    pending: list = []
    token = _after_commit.set(pending)
    try:
        if isinstance(db, peewee.SqliteDatabase) and write:
            with db.atomic("IMMEDIATE"):
                yield
        else:
            with db.atomic():
                yield
    finally:
        _after_commit.reset(token)
    for callback in pending:
        try:
            callback()
        except Exception:
            # The change is committed and the caller must hear so: a side effect that
            # failed to start (its broker unreachable, say) is logged, never answered as
            # a failure of the change, and never stops the callbacks after it.
            log.exception("after-commit callback %r failed", callback)


def on_commit(callback) -> None:
    """Run ``callback`` after the current transaction commits (now, if none is open)."""
    pending = _after_commit.get()
    if pending is None or not database.obj.in_transaction():
        callback()
    else:
        pending.append(callback)


def unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot serve right now, rather than that a query is wrong.

    Lost or refused connections, a server shutting down, deadlock and
    serialization failures, a cancelled statement, SQLite's busy lock and a
    pool with no free connection all pass if retried later: the API answers
    them 503 with ``Retry-After`` instead of 500. Peewee wraps the driver's
    error as ``orig``, sometimes twice over (and leaves the driver's more
    specific classes unwrapped).
    """
    if isinstance(exc, MaxConnectionsExceeded):
        return True
    original = exc
    while isinstance(original, peewee.PeeweeException) and getattr(original, "orig", None) is not None:
        original = original.orig
    if isinstance(original, (psycopg2.OperationalError, psycopg2.InterfaceError)):
        return True
    if isinstance(original, sqlite3.OperationalError):
        message = str(original)
        return "locked" in message or "busy" in message
    return False


def release() -> None:
    """Return this thread's connection to the pool at the end of a request."""
    db = database.obj
    if isinstance(db, PooledDatabase) and not db.is_closed():
        db.close()


def disconnect() -> None:
    """Close every connection this process holds, pooled ones included: before forking workers.

    A pooled connection left idle in the parent would be inherited by every
    worker, and two workers would talk over one socket.
    """
    db = database.obj
    if isinstance(db, PooledDatabase):
        db.close_all()
    else:
        db.close()


def release_function():
    """The end-of-request release for the configured database, or None when there is none.

    SQLite keeps its per-thread connection between requests, so the request
    pipeline skips the call altogether instead of calling a no-op.
    """
    return release if isinstance(database.obj, PooledDatabase) else None
