"""Base model classes: platform-wide rows and tenant-owned rows that fail closed."""

import datetime as dt
import json

import peewee

from kernel import context
from kernel.db import database
from kernel.statements import tenant_filter_value


def utcnow() -> dt.datetime:
    """Naive UTC now, the one clock every timestamp column uses."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class JSONField(peewee.TextField):
    """JSON stored as text, so the same column works on SQLite and PostgreSQL."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, separators=(",", ":"), sort_keys=True)

    def python_value(self, value):
        return None if value is None else json.loads(value)


class BaseModel(peewee.Model):
    """A platform-wide row (users, tenants, plans): no tenant column."""

    class Meta:
        database = database
        legacy_table_names = False


class TenantModel(BaseModel):
    """A row owned by one tenant.

    Every select, update and delete is filtered by the tenant in context and
    raises ``NoTenantError`` without one, so a forgotten filter cannot return
    another shop's rows. On PostgreSQL a row-level security policy enforces the
    same rule again inside the database.
    """

    tenant_id = peewee.IntegerField(index=True, default=context.require_tenant_id)

    @classmethod
    def select(cls, *fields):
        return super().select(*fields).where(cls.tenant_id == tenant_filter_value())

    @classmethod
    def update(cls, __data=None, **update):
        return super().update(__data, **update).where(cls.tenant_id == tenant_filter_value())

    @classmethod
    def delete(cls):
        return super().delete().where(cls.tenant_id == tenant_filter_value())

    @classmethod
    def across_tenants(cls, *fields):
        """Select without the tenant filter, for reads meant to span shops (the marketplace).

        Row-level security still decides what PostgreSQL returns.
        """
        return super().select(*fields)
