"""Peewee queries compiled to SQL once and bound to new values on every call.

Peewee builds a statement's SQL from its expression tree every time it runs:
50-250 us of Python for a wide select or insert, more than the round trip
to a local PostgreSQL, and a checkout sends thirty. A :class:`Statement`
keeps a query written in peewee (portable, tenant-scoped like any other) but
walks its tree once per database: values that change per call are
:class:`Slot` nodes, bound by name when it runs, and the compiled SQL goes
through the database's own ``execute_sql`` and peewee's own result handling
(model rows, joins, insert ids, row counts).

Two rules keep a compiled statement as safe as the query it came from:

* the tenant filter that :class:`kernel.orm.TenantModel` adds to every select,
  update and delete compiles to a slot bound from the context at each call,
  so it fails closed without a tenant and never carries the first caller's;
* a builder must be pure: anything that differs between calls (a clock, a
  default computed by a callable) must be a slot. Compiling builds the query
  twice and refuses one whose constants differ, and refuses an insert that
  leaves a field with a callable default to peewee.
"""

import hashlib
from collections.abc import Callable
from contextvars import ContextVar

import peewee

from kernel import context
from kernel.db import database as _database

TENANT = "__tenant__"
_compiling: ContextVar[bool] = ContextVar("statements_compiling", default=False)


class Slot(peewee.Node):
    """A value given when the statement runs: ``Product.id == Slot("id")``.

    In a comparison the field on the left converts the value (``db_value``);
    where peewee has no field to go by (insert and update values), pass it as
    ``field``. ``many=True`` stands for a list, as the right side of ``in_``.
    """

    def __init__(self, name: str, field: peewee.Field | None = None, many: bool = False):
        self.name, self.field, self.many = name, field, many

    def __sql__(self, ctx):
        converter = self.field.db_value if self.field is not None else ctx.state.converter
        ctx._values.append(_Hole(self.name, converter, self.many))
        if self.many:
            return ctx.literal(f"({_MANY}{self.name}{_MANY})")
        return ctx.literal(ctx.state.param or "?")


_MANY = "\x00"


def slots(model, *names: str) -> dict:
    """``{field: Slot(name, field)}`` for an insert or update statement that writes these fields of ``model``."""
    return {model._meta.fields[name]: Slot(name, model._meta.fields[name]) for name in names}


class _Hole:
    """A slot's place among a compiled statement's parameters, with the field's converter found there."""

    __slots__ = ("name", "converter", "many")

    def __init__(self, name, converter, many):
        self.name, self.converter, self.many = name, converter, many

    def __eq__(self, other):
        return isinstance(other, _Hole) and (self.name, self.many) == (other.name, other.many)

    __hash__ = None

    def bind(self, values):
        if self.name == TENANT:
            return context.require_tenant_id()
        value = values[self.name]
        if self.many:
            return [self.converter(v) for v in value] if self.converter else list(value)
        return self.converter(value) if self.converter else value


class _Constant:
    """A value the builder wrote into the query, sent as it is."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def bind(self, _values):
        return self.value


def tenant_filter_value():
    """The value a tenant-scoped query compares ``tenant_id`` with: the context's, or a slot while compiling."""
    if _compiling.get():
        return Slot(TENANT)
    return context.require_tenant_id()


class Statement:
    """One query, compiled once per database (and shape) and run with ``**values`` for its slots.

    ``build`` may take positional *shape* arguments, for a query whose SQL
    depends on a few discrete choices (which filter applies, whether a list is
    empty): each shape compiles once, ``execute(*shape, **values)``.

    ``execute`` returns what peewee's ``execute()`` would (a cursor wrapper of
    rows for a select, the new id for an insert, the row count for an update
    or delete); ``rows``, ``first`` and ``scalar`` read a select.
    """

    def __init__(self, build: Callable[..., peewee.Query]):
        self._build = build
        self._database = None
        self._shapes: dict[tuple, _Compiled] = {}

    def _compile(self, shape: tuple) -> "_Compiled":
        token = _compiling.set(True)
        try:
            query, again = self._build(*shape), self._build(*shape)
        finally:
            _compiling.reset(token)
        if isinstance(query, peewee.Insert):
            _check_insert(query)
        sql, params = _sql_of(query, self._database)
        if (sql, params) != _sql_of(again, self._database):
            raise ValueError("a statement's builder must be pure: make every value that changes per call a Slot")
        compiled = _Compiled(query, sql, params)
        self._shapes[shape] = compiled
        return compiled

    def execute(self, *shape, **values):
        database = _database.obj
        if database is not self._database:
            self._database, self._shapes = database, {}
        compiled = self._shapes.get(shape) or self._compile(shape)
        sql, params = compiled.bind(values)
        prepared = compiled.prepared_form(sql, len(params)) if hasattr(database, "execute_prepared") else None
        return compiled.query.clone()._execute(_Bound(database, sql, params, prepared))

    def rows(self, *shape, **values) -> list:
        return list(self.execute(*shape, **values))

    def first(self, *shape, **values):
        for row in self.execute(*shape, **values):
            return row
        return None

    def scalar(self, *shape, **values):
        row = self.first(*shape, **values)
        return None if row is None else row[0]


class Create:
    """``Model.create(**values)`` as a compiled insert of every column: ``Create(Order)(tenant_id=..., ...)``.

    The row is made in Python first, as peewee's ``create`` makes it (field
    defaults filled in the caller's context, the tenant's included), then
    written with one statement compiled once; returns the saved instance.
    :meth:`many` writes several rows in one statement (compiled per count).
    """

    def __init__(self, model):
        self.model = model
        self.names = tuple(name for name, field in model._meta.fields.items() if not isinstance(field, peewee.AutoField))
        self._insert = Statement(lambda: model.insert(slots(model, *self.names)))
        self._insert_rows = Statement(self._rows_query)

    def __call__(self, **values):
        row = self.model(**values)
        data = row.__data__
        row._pk = self._insert.execute(**{name: data.get(name) for name in self.names})
        row._dirty.clear()
        return row

    def many(self, rows: list[dict]) -> list:
        """Insert one row per dict in one statement; returns the rows as (id-less) instances."""
        made = [self.model(**values) for values in rows]
        if made:
            self._insert_rows.execute(len(made), **{
                f"{name}.{index}": row.__data__.get(name) for index, row in enumerate(made) for name in self.names
            })
        return made

    def _rows_query(self, count: int):
        fields = self.model._meta.fields
        return self.model.insert_many([
            {fields[name]: Slot(f"{name}.{index}", fields[name]) for name in self.names} for index in range(count)
        ]).as_rowcount()


class _Compiled:
    """A query with its SQL and the plan that turns a call's values into its parameters."""

    def __init__(self, query, sql: str, params: list):
        self.query, self.sql = query, sql
        self.plan = tuple(param if isinstance(param, _Hole) else _Constant(param) for param in params)
        self.lists = tuple(step for step in self.plan if isinstance(step, _Hole) and step.many)
        self.by_length: dict[tuple, str] = {}
        self.prepared: dict[str, tuple[str, str] | None] = {}

    def bind(self, values: dict) -> tuple[str, list]:
        try:
            params = [step.bind(values) for step in self.plan]
        except KeyError as missing:
            raise TypeError(f"statement needs a value for slot {missing}") from None
        if not self.lists:
            return self.sql, params
        return self._expand(params)

    def prepared_form(self, sql: str, count: int) -> tuple[str, str] | None:
        """``(name, body with $n parameters)`` to prepare ``sql`` under on PostgreSQL; None if it cannot be."""
        if sql not in self.prepared:
            form = None
            # Only plain %s placeholders, one per parameter: a literal % would need psycopg2's escaping.
            if count and sql.count("%") == sql.count("%s") == count:
                parts = sql.split("%s")
                body = parts[0] + "".join(f"${index}{part}" for index, part in enumerate(parts[1:], 1))
                form = ("qc_" + hashlib.sha1(sql.encode()).hexdigest()[:24], body)
            self.prepared[sql] = form
        return self.prepared[sql]

    def _expand(self, params: list) -> tuple[str, list]:
        """Spell out each list slot as one placeholder per element (one SQL per combination of lengths)."""
        lengths = tuple(len(param) for step, param in zip(self.plan, params) if step in self.lists)
        sql = self.by_length.get(lengths)
        if sql is None:
            sql, placeholder = self.sql, _database.obj.param
            for step, length in zip(self.lists, lengths):
                # An empty list matches nothing, as peewee's ``in_([])`` does.
                spelled = ", ".join([placeholder] * length) if length else "NULL"
                sql = sql.replace(f"{_MANY}{step.name}{_MANY}", spelled, 1)
            self.by_length[lengths] = sql
        flat = []
        for step, param in zip(self.plan, params):
            if step in self.lists:
                flat.extend(param)
            else:
                flat.append(param)
        return sql, flat


def _sql_of(query, database) -> tuple[str, list]:
    """The SQL peewee sends for ``query`` on ``database``, through the query's own ``_execute``."""
    captured = {}

    class Capture(_Bound):
        def execute(self, query, **_options):
            captured["sql"], captured["params"] = self.db.get_sql_context().sql(query).query()
            raise _Captured

    try:
        query.clone()._execute(Capture(database, "", []))
    except _Captured:
        return captured["sql"], captured["params"]
    raise AssertionError("peewee did not execute the statement")


class _Captured(Exception):
    pass


def _check_insert(query) -> None:
    model = getattr(query, "model", None)
    rows = query._insert if isinstance(query._insert, list) else [query._insert]
    given = set().union(*(row for row in rows if isinstance(row, dict)))
    missing = [
        field.name for field, default in (model._meta.defaults.items() if model is not None else ())
        if callable(default) and field not in given
    ]
    if missing:
        raise ValueError(f"an insert statement must give {', '.join(missing)} (callable defaults) as slots")


class _Bound:
    """The database as a query's ``_execute`` sees it, sending SQL compiled earlier instead of compiling.

    On PostgreSQL the SQL runs as a prepared statement of the connection (``prepared``: its name and body).
    """

    __slots__ = ("db", "sql", "params", "prepared")

    def __init__(self, db, sql, params, prepared=None):
        self.db, self.sql, self.params, self.prepared = db, sql, params, prepared

    def execute(self, query, **_options):
        if self.prepared is not None:
            cursor = self.db.execute_prepared(*self.prepared, self.params)
            if cursor is not None:
                return cursor
        return self.db.execute_sql(self.sql, self.params)

    def __getattr__(self, name):
        return getattr(self.db, name)
