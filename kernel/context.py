"""The request's tenant and user, carried in context variables.

Context variables follow the code path (threads of gthread workers, huey tasks)
instead of living in a global, so a task re-entering a tenant cannot leak it to
another request.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_tenant_id: ContextVar[int | None] = ContextVar("tenant_id", default=None)
_user_id: ContextVar[int | None] = ContextVar("user_id", default=None)


class NoTenantError(RuntimeError):
    """A tenant-scoped query ran without a tenant in context (fail closed)."""


def tenant_id() -> int | None:
    """Return the tenant id in context, or None."""
    return _tenant_id.get()


def user_id() -> int | None:
    """Return the acting user's id in context, or None."""
    return _user_id.get()


def require_tenant_id() -> int:
    """Return the tenant id in context or raise, so scoped queries fail closed."""
    value = _tenant_id.get()
    if value is None:
        raise NoTenantError("this query is tenant-scoped and no tenant is in context")
    return value


@contextmanager
def use(tenant: int | None = ..., user: int | None = ...):
    """Run a block as the given tenant and/or user, restoring the previous values after.

    The database layer is told at once so row-level security follows inside an
    open transaction.
    """
    from kernel import db

    tokens = []
    if tenant is not ...:
        tokens.append((_tenant_id, _tenant_id.set(tenant)))
    if user is not ...:
        tokens.append((_user_id, _user_id.set(user)))
    db.context_changed()
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)
        db.context_changed()


def set_request(tenant: int | None, user: int | None) -> None:
    """Bind the request's tenant and user for the rest of this request's context."""
    _tenant_id.set(tenant)
    _user_id.set(user)
