"""The probe's huey task: defining it at import registers it, so importing twice is harmless."""

from kernel import context
from kernel.queue import tenant_task

RAN = []


@tenant_task()
def remember_tenant(label):
    """Record the tenant the task re-entered, to show tasks carry their tenant."""
    RAN.append((label, context.tenant_id()))
    return context.tenant_id()
