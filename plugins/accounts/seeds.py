"""Accounts seeding: roles and every plugin's permissions (essential), demo accounts (demo)."""

from kernel.models import Permission, Role, RolePermission, User
from kernel.seeddata import ensure
from kernel.seeding import Seeder
from plugins.accounts.services import create_user

ROLE_DESCRIPTIONS = {
    "root": "Platform owner: every permission",
    "superadmin": "Platform administrator",
    "seller": "Shop owner or staff",
    "customer": "Buyer in the mobile app",
    "rider": "Delivery rider",
}

DEMO_ACCOUNTS = [
    {"name": "Root Admin", "email": "root@qutekart.com", "phone": "01700000001", "roles": ("root",)},
    {"name": "Demo Seller", "email": "shop@qutekart.com", "phone": "01700000002", "roles": ("seller",)},
    {"name": "Demo Rider", "email": "rider@qutekart.com", "phone": "01700000003", "roles": ("rider",)},
    {"name": "Demo Customer", "email": "customer@qutekart.com", "phone": "01700000000", "roles": ("customer",)},
]


def seed_roles_and_permissions(ctx) -> None:
    for name, description in ROLE_DESCRIPTIONS.items():
        ensure(Role, {"name": name}, {"description": description})
    roles = {r.name: r for r in Role.select()}
    for rows in ctx.host.hook.register_permissions():
        for name, description, granted_to in rows:
            permission, _ = ensure(Permission, {"name": name}, {"description": description})
            for role in granted_to:
                RolePermission.insert(role=roles[role], permission=permission).on_conflict_ignore().execute()


def seed_demo_accounts(ctx) -> None:
    for account in DEMO_ACCOUNTS:
        if User.get_or_none(User.email == account["email"]) is not None:
            continue
        create_user(
            name=account["name"], email=account["email"], phone=account["phone"],
            password=ctx.demo_password(account["email"]), roles=account["roles"], verified=True,
            country="Bangladesh", phone_code="880",
        )


SEEDERS = [
    Seeder("essential", "roles and permissions", seed_roles_and_permissions, order=10),
    Seeder("demo", "demo accounts", seed_demo_accounts, order=10),
]
