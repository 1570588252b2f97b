"""The kernel's own tables: plans, tenants, users, roles, tokens, plugin bookkeeping."""

import peewee

from kernel.orm import BaseModel, JSONField, utcnow


class Plan(BaseModel):
    """A subscription plan: prices in minor units, limits (null = unlimited) and granted features."""

    slug = peewee.CharField(unique=True, max_length=40)
    name = peewee.CharField(max_length=80)
    description = peewee.TextField(default="")
    currency = peewee.CharField(max_length=3, default="USD")
    price_monthly = peewee.IntegerField(default=0)
    price_yearly = peewee.IntegerField(default=0)
    trial_days = peewee.IntegerField(default=0)
    limits = JSONField(default=dict)
    features = JSONField(default=list)
    sort_order = peewee.IntegerField(default=0)
    is_active = peewee.BooleanField(default=True)


class User(BaseModel):
    """A platform-wide account; roles say what it may do, memberships which shops it staffs."""

    name = peewee.CharField(max_length=120)
    email = peewee.CharField(max_length=190, null=True, unique=True)
    phone = peewee.CharField(max_length=32, null=True, unique=True)
    password_hash = peewee.CharField(max_length=255)
    is_active = peewee.BooleanField(default=True)
    email_verified_at = peewee.DateTimeField(null=True)
    phone_verified_at = peewee.DateTimeField(null=True)
    country = peewee.CharField(max_length=80, null=True)
    phone_code = peewee.CharField(max_length=8, null=True)
    gender = peewee.CharField(max_length=16, null=True)
    date_of_birth = peewee.DateField(null=True)
    avatar = peewee.CharField(max_length=255, null=True)
    last_online_at = peewee.DateTimeField(null=True)
    created_at = peewee.DateTimeField(default=utcnow)
    updated_at = peewee.DateTimeField(default=utcnow)

    @property
    def account_verified(self) -> bool:
        return self.email_verified_at is not None or self.phone_verified_at is not None


class Tenant(BaseModel):
    """A shop. The kernel calls it a tenant; ``id`` is the API's ``shop_id``."""

    slug = peewee.CharField(unique=True, max_length=63)
    name = peewee.CharField(max_length=120)
    plan = peewee.ForeignKeyField(Plan, backref="tenants", on_delete="RESTRICT")
    owner = peewee.ForeignKeyField(User, null=True, backref="owned_tenants", on_delete="SET NULL")
    status = peewee.CharField(max_length=16, default="active")
    created_at = peewee.DateTimeField(default=utcnow)


class Domain(BaseModel):
    """A custom host name for a tenant; it resolves only once verified."""

    tenant = peewee.ForeignKeyField(Tenant, backref="domains", on_delete="CASCADE")
    host = peewee.CharField(unique=True, max_length=253)
    verified = peewee.BooleanField(default=False)
    created_at = peewee.DateTimeField(default=utcnow)


class TenantFeature(BaseModel):
    """A tenant's deviation from its plan: a feature switched off, or granted beyond the plan."""

    tenant = peewee.ForeignKeyField(Tenant, backref="feature_overrides", on_delete="CASCADE")
    feature = peewee.CharField(max_length=80)
    enabled = peewee.BooleanField(default=True)
    granted = peewee.BooleanField(default=False)

    class Meta:
        indexes = ((("tenant", "feature"), True),)


class TenantUsage(BaseModel):
    """How much of a limited metric a tenant has taken in a period ('' for lifetime metrics)."""

    tenant = peewee.ForeignKeyField(Tenant, backref="usage", on_delete="CASCADE")
    metric = peewee.CharField(max_length=40)
    period = peewee.CharField(max_length=7, default="")
    used = peewee.BigIntegerField(default=0)

    class Meta:
        indexes = ((("tenant", "metric", "period"), True),)


class TenantMember(BaseModel):
    """A user who staffs a tenant (its owner or a team member)."""

    tenant = peewee.ForeignKeyField(Tenant, backref="members", on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, backref="memberships", on_delete="CASCADE")
    role = peewee.CharField(max_length=16, default="owner")

    class Meta:
        indexes = ((("tenant", "user"), True),)


class TenantSetting(BaseModel):
    """A plugin's settings for one tenant, validated by the schema from ``register_settings``."""

    tenant = peewee.ForeignKeyField(Tenant, backref="settings", on_delete="CASCADE")
    plugin = peewee.CharField(max_length=80)
    data = JSONField(default=dict)

    class Meta:
        indexes = ((("tenant", "plugin"), True),)


class Role(BaseModel):
    name = peewee.CharField(unique=True, max_length=40)
    description = peewee.CharField(max_length=255, default="")


class Permission(BaseModel):
    name = peewee.CharField(unique=True, max_length=80)
    description = peewee.CharField(max_length=255, default="")


class RolePermission(BaseModel):
    role = peewee.ForeignKeyField(Role, on_delete="CASCADE")
    permission = peewee.ForeignKeyField(Permission, on_delete="CASCADE")

    class Meta:
        indexes = ((("role", "permission"), True),)


class UserRole(BaseModel):
    user = peewee.ForeignKeyField(User, backref="user_roles", on_delete="CASCADE")
    role = peewee.ForeignKeyField(Role, on_delete="CASCADE")

    class Meta:
        indexes = ((("user", "role"), True),)


class AccessToken(BaseModel):
    """An opaque bearer token ``"<id>|<secret>"``; only the secret's SHA-256 is stored."""

    user = peewee.ForeignKeyField(User, backref="tokens", on_delete="CASCADE")
    secret_hash = peewee.CharField(max_length=64)
    name = peewee.CharField(max_length=60, default="api")
    device_key = peewee.CharField(max_length=255, null=True)
    device_type = peewee.CharField(max_length=16, null=True)
    created_at = peewee.DateTimeField(default=utcnow)
    last_used_at = peewee.DateTimeField(null=True)
    expires_at = peewee.DateTimeField(null=True)


class RateCounter(BaseModel):
    """A fixed-window counter for rate limits when no Redis is configured."""

    key = peewee.CharField(primary_key=True, max_length=190)
    window_start = peewee.BigIntegerField()
    count = peewee.IntegerField(default=0)


class StateVersion(BaseModel):
    """The shared version of tenant, plan and plugin state (bumped on every change)."""

    name = peewee.CharField(primary_key=True, max_length=40)
    value = peewee.BigIntegerField(default=0)


class DeferredTask(BaseModel):
    """A task message the queue's Redis could not take when it was sent; relayed once Redis is back."""

    payload = peewee.BlobField()
    priority = peewee.IntegerField(null=True)
    created_at = peewee.DateTimeField(default=utcnow)


class MigrationRecord(BaseModel):
    """One applied migration of one plugin."""

    plugin = peewee.CharField(max_length=80)
    version = peewee.IntegerField()
    name = peewee.CharField(max_length=190)
    applied_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("plugin", "version"), True),)


KERNEL_MODELS = [
    Plan, User, Tenant, Domain, TenantFeature, TenantUsage, TenantMember, TenantSetting,
    Role, Permission, RolePermission, UserRole, AccessToken, RateCounter, StateVersion,
    MigrationRecord,
]
