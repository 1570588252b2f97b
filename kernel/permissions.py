"""Roles and permissions: the one permission check every non-public route goes through."""

from kernel import invalidation
from kernel.models import Permission, Role, RolePermission, UserRole
from kernel.statements import Slot, Statement

ROLES = ("root", "superadmin", "seller", "customer", "rider")
# Roles that hold every permission, whatever the table says.
ALL_POWERFUL = frozenset({"root"})

_role_permissions = invalidation.VersionedCache()
_roles_of = Statement(
    lambda: Role.select(Role.name).join(UserRole).where(UserRole.user == Slot("user")).tuples()
)


def _load_role(role: str) -> frozenset[str]:
    return frozenset(
        p.name
        for p in Permission.select(Permission.name)
        .join(RolePermission)
        .join(Role)
        .where(Role.name == role)
    )


def roles_of(user_id: int) -> frozenset[str]:
    return frozenset(name for (name,) in _roles_of.execute(user=user_id))


def permissions_of(roles: frozenset[str]) -> frozenset[str]:
    perms: set[str] = set()
    for role in roles:
        perms |= _role_permissions.get(role, _load_role)
    return frozenset(perms)


def allowed(roles: frozenset[str], permission: str) -> bool:
    """Say whether any of the roles grants the permission."""
    if roles & ALL_POWERFUL:
        return True
    return any(permission in _role_permissions.get(role, _load_role) for role in roles)


def assign_role(user, role_name: str) -> None:
    role = Role.get(Role.name == role_name)
    UserRole.insert(user=user, role=role).on_conflict_ignore().execute()
