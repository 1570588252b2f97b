"""A test plugin live only where the plan grants ``analytics.advanced`` (Growth and Enterprise)."""

from marshmallow import Schema, fields

from kernel.hookspecs import hookimpl
from kernel.http import Route, ok, op


class ReportData(Schema):
    report = fields.String(required=True)


class Report:
    @op(response=ReportData, summary="A gated plugin's route")
    def on_get(self, req, resp):
        ok(resp, {"report": "advanced"})


@hookimpl
def register_routes():
    return [Route("/api/probe/report", Report())]


@hookimpl
def master_config(tenant, request):
    return {"probe_gated": True}


@hookimpl
def home_sections(tenant, user, request):
    return {"probe_gated": ["advanced analytics"]}


@hookimpl
def probe_greeting(name):
    return f"Hello {name}, from gated"
