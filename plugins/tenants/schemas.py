"""Request and response schemas of the tenants plugin."""

from marshmallow import Schema, fields, validate

from kernel.http.pagination import PageQuery


class OwnerIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    email = fields.Email(required=True)
    phone = fields.String(validate=validate.Regexp(r"^\+?[0-9]{6,16}$", error="Use 6-16 digits."))
    password = fields.String(required=True, validate=validate.Length(min=6, max=128))


class ShopCreateIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    slug = fields.String(required=True, validate=validate.Length(min=1, max=63))
    plan = fields.String(required=True, validate=validate.Length(min=1, max=40))
    owner = fields.Nested(OwnerIn, required=True)


class PlanChangeIn(Schema):
    plan = fields.String(required=True, validate=validate.Length(min=1, max=40))


class FeatureToggleIn(Schema):
    enabled = fields.Boolean(required=True, truthy={True}, falsy={False})


class FeatureGrantIn(Schema):
    granted = fields.Boolean(required=True, truthy={True}, falsy={False})


class OwnerOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)


class ShopOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)
    plan = fields.String(required=True)
    status = fields.String(required=True)
    owner = fields.Nested(OwnerOut, allow_none=True, required=True)
    created_at = fields.String(required=True)


class ShopData(Schema):
    shop = fields.Nested(ShopOut, required=True)


class ShopListData(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer()
    per_page = fields.Integer()
    shops = fields.List(fields.Nested(ShopOut), required=True)


class ShopListQuery(PageQuery):
    search = fields.String(validate=validate.Length(max=120))
    plan = fields.String(validate=validate.Length(max=40))


class LimitsOut(Schema):
    products = fields.Integer(allow_none=True, required=True)
    orders_per_month = fields.Integer(allow_none=True, required=True)
    storage_mb = fields.Integer(allow_none=True, required=True)
    team_members = fields.Integer(allow_none=True, required=True)


class PlanOut(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    currency = fields.String(required=True)
    price_monthly = fields.Float(required=True)
    price_yearly = fields.Float(required=True)
    trial_days = fields.Integer(required=True)
    limits = fields.Nested(LimitsOut, required=True)
    features = fields.List(fields.String(), required=True)


class PlanListData(Schema):
    plans = fields.List(fields.Nested(PlanOut), required=True)


class FeatureOut(Schema):
    feature = fields.String(required=True)
    description = fields.String(required=True)
    granted = fields.Boolean(required=True)
    enabled = fields.Boolean(required=True)
    in_plan = fields.Boolean(required=True)


class FeatureListData(Schema):
    plan = fields.String(required=True)
    features = fields.List(fields.Nested(FeatureOut), required=True)


class UsageMetricOut(Schema):
    current = fields.Integer(required=True)
    limit = fields.Integer(allow_none=True, required=True)
    remaining = fields.Integer(allow_none=True, required=True)
    percent = fields.Float(allow_none=True, required=True)


class UsageData(Schema):
    plan = fields.String(required=True)
    usage = fields.Dict(keys=fields.String(), values=fields.Nested(UsageMetricOut), required=True)


class PluginOut(Schema):
    name = fields.String(required=True)
    version = fields.String(allow_none=True, required=True)
    summary = fields.String(required=True)
    state = fields.String(required=True)
    source = fields.String(allow_none=True, required=True)
    depends = fields.List(fields.String(), required=True)
    features = fields.List(fields.String(), required=True)
    auto_install = fields.Boolean(required=True)
    hooks = fields.List(fields.String(), required=True)
    reason = fields.String(allow_none=True, required=True)


class PluginListData(Schema):
    plugins = fields.List(fields.Nested(PluginOut), required=True)
