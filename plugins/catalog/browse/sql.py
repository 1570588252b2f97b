"""Parameterised raw SQL on either engine, for the browsing reads that run on every storefront visit.

Building those statements with peewee cost as much CPU as the database spent
answering them, so the hot reads are written as SQL text once (per query
shape, cached by the callers) and only their parameters change per request.
The text uses psycopg2's named placeholders, ``%(name)s``; :func:`dialect`
rewrites them to SQLite's ``:name``. Values always travel as parameters,
never inside the text. Statements run through the kernel's database
(``execute_sql``), so they are pooled, logged and carry the request's tenant
and user into PostgreSQL's row-level security like every other statement.
"""

import json
import re

from kernel import db

_NAMED = re.compile(r"%\((\w+)\)s")


def postgres() -> bool:
    return db.is_postgres()


def dialect(text: str, on_postgres: bool) -> str:
    """The statement for the engine: psycopg2 placeholders as written, or SQLite's ``:name``."""
    return text if on_postgres else _NAMED.sub(r":\1", text)


def any_of(column: str, name: str, on_postgres: bool) -> str:
    """``column`` is one of the ids in parameter ``name`` (give the ids through :func:`id_list`)."""
    if on_postgres:
        return f"{column} = ANY(%({name})s)"
    return f"{column} IN (SELECT value FROM json_each(%({name})s))"


def id_list(values, on_postgres: bool):
    """A list of ids as :func:`any_of` reads it: an array on PostgreSQL, a JSON array on SQLite."""
    return list(values) if on_postgres else json.dumps(list(values))


def timestamp(value, on_postgres: bool):
    """A naive UTC datetime as the engine compares it (SQLite stores peewee's datetimes as ISO text)."""
    return value if on_postgres else value.isoformat(" ")


def rows(text: str, params: dict) -> list[tuple]:
    return db.database.obj.execute_sql(text, params).fetchall()
