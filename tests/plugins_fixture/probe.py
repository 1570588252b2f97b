"""A core test plugin implementing every kernel hook; each implementation leaves a trace.

``EVENTS`` holds what the life-cycle hooks received, together with whether a
transaction was still open when they ran (they must run after commit).
"""

import peewee
from marshmallow import Schema, fields, validate

from kernel import db
from kernel.hookspecs import hookimpl
from kernel.http import Route, ok, op
from kernel.migrations import Migration, create_tables
from kernel.orm import BaseModel
from kernel.seeddata import ensure
from kernel.seeding import Seeder

EVENTS: list[dict] = []
TASK_REGISTRATIONS: list[object] = []


class ProbeNote(BaseModel):
    """A row the probe's migration creates and its seeder fills."""

    key = peewee.CharField(max_length=40, unique=True)
    value = peewee.CharField(max_length=200)


class ProbeSettings(Schema):
    greeting = fields.String(load_default="Hi")
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class SectionsData(Schema):
    sections = fields.Dict(required=True)


class SecretData(Schema):
    secret = fields.String(required=True)


class Sections:
    @op(auth="optional", response=SectionsData, summary="The home sections of the live plugins")
    def on_get(self, req, resp):
        ctx = req.context
        merged = {}
        for fragment in ctx.hooks.home_sections(tenant=ctx.tenant, user=ctx.user, request=req):
            merged.update(fragment)
        ok(resp, {"sections": merged})


class Secret:
    @op(permission="probe.view", response=SecretData, summary="Needs the probe.view permission")
    def on_get(self, req, resp):
        ok(resp, {"secret": "probe"})


def seed_note(ctx) -> None:
    ensure(ProbeNote, {"key": "seeded"}, {"value": "by the probe seeder"})


def _record(hook: str, **kwargs) -> None:
    EVENTS.append({"hook": hook, "in_transaction": db.database.obj.in_transaction(), **kwargs})


def events(hook: str) -> list[dict]:
    return [event for event in EVENTS if event["hook"] == hook]


@hookimpl
def addhooks(pluginmanager):
    from plugins_fixture import probe_hookspecs

    pluginmanager.add_hookspecs(probe_hookspecs)


@hookimpl
def register_models():
    return [ProbeNote]


@hookimpl
def register_migrations():
    return [Migration(1, "probe notes", create_tables(ProbeNote))]


@hookimpl
def register_routes():
    return [Route("/api/probe/sections", Sections()), Route("/api/probe/secret", Secret())]


@hookimpl
def register_tasks(huey):
    from plugins_fixture import probe_tasks  # noqa: F401  (defining the task registers it on huey)

    TASK_REGISTRATIONS.append(huey)


@hookimpl
def register_permissions():
    return [("probe.view", "See the probe's secret", ("seller",))]


@hookimpl
def register_seeders():
    return [Seeder("essential", "probe note", seed_note, order=500)]


@hookimpl
def register_settings():
    return {"probe": ProbeSettings()}


@hookimpl
def master_config(tenant, request):
    return {"probe_core": True}


@hookimpl
def home_sections(tenant, user, request):
    return {"probe_core": ["welcome"]}


@hookimpl
def tenant_created(tenant):
    _record("tenant_created", tenant=tenant)


@hookimpl
def tenant_plan_changed(tenant, old_plan, new_plan):
    _record("tenant_plan_changed", tenant=tenant, old_plan=old_plan, new_plan=new_plan)


@hookimpl
def plugin_enabled(tenant, plugin):
    _record("plugin_enabled", tenant=tenant, plugin=plugin)


@hookimpl
def plugin_disabled(tenant, plugin):
    _record("plugin_disabled", tenant=tenant, plugin=plugin)


@hookimpl
def user_registered(user, tenant):
    _record("user_registered", user=user, tenant=tenant)
