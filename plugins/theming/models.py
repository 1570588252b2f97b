"""The theming plugin's table: one theme per shop (tenant-owned, fail-closed, RLS on PostgreSQL)."""

import peewee

from kernel.orm import JSONField, TenantModel, utcnow


class Theme(TenantModel):
    """A shop's primary colour and the shades 50-950 derived from it when it was saved."""

    primary = peewee.CharField(max_length=7)
    shades = JSONField(default=dict)
    updated_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("tenant_id",), True),)


MODELS = [Theme]
