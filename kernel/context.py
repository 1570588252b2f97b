"""The current tenant, user and request, carried in one context variable.

Context variables follow the code path (threads of gthread workers, huey tasks)
instead of living in a global, so a task re-entering a tenant cannot leak it to
another request. One variable holding a tuple keeps a request's bookkeeping to
one set and one reset.
"""

from contextlib import contextmanager
from contextvars import ContextVar

_EMPTY = (None, None, None)
_scope: ContextVar[tuple] = ContextVar("scope", default=_EMPTY)


class NoTenantError(RuntimeError):
    """A tenant-scoped query ran without a tenant in context (fail closed)."""


def tenant_id() -> int | None:
    """Return the tenant id in context, or None."""
    return _scope.get()[0]


def user_id() -> int | None:
    """Return the acting user's id in context, or None."""
    return _scope.get()[1]


def request():
    """Return the HTTP request being served, or None (tasks, CLI)."""
    return _scope.get()[2]


def require_tenant_id() -> int:
    """Return the tenant id in context or raise, so scoped queries fail closed."""
    value = _scope.get()[0]
    if value is None:
        raise NoTenantError("this query is tenant-scoped and no tenant is in context")
    return value


def enter(tenant: int | None, user: int | None, req=None):
    """Bind a request's tenant, user and request; returns the token for :func:`leave`."""
    return _scope.set((tenant, user, req))


#: Bind a ``(tenant, user, request)`` tuple directly: :func:`enter` without its
#: Python frame, for the request pipeline's hot path.
bind = _scope.set


#: Undo :func:`enter` with its token; the context variable's own method, so the
#: request pipeline pays no extra Python frame for it.
leave = _scope.reset


@contextmanager
def use(tenant: int | None = ..., user: int | None = ...):
    """Run a block as the given tenant and/or user, restoring the previous values after.

    Inside an open transaction the database layer sends the values with the
    next statement, so row-level security follows (``kernel.db``).
    """
    current_tenant, current_user, req = _scope.get()
    token = _scope.set((
        current_tenant if tenant is ... else tenant,
        current_user if user is ... else user,
        req,
    ))
    try:
        yield
    finally:
        _scope.reset(token)
