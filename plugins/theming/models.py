"""The theming plugin's table: one theme per shop (tenant-owned, fail-closed, RLS on PostgreSQL)."""

import peewee

from kernel.orm import JSONField, TenantModel, utcnow


class Theme(TenantModel):
    """A shop's primary colour and the shades 50-950 derived from it when it was saved.

    One row per shop: a unique index on ``tenant_id`` (theming migration 2).
    """

    primary = peewee.CharField(max_length=7)
    shades = JSONField(default=dict)
    updated_at = peewee.DateTimeField(default=utcnow)


MODELS = [Theme]
