"""Plans (essential) and the demo shops (demo)."""

from kernel.models import Plan, Tenant, User
from kernel.seeddata import ensure, load
from kernel.seeding import Seeder
from plugins.tenants import services

DEMO_SHOP = {"name": "QuteCat Demo Shop", "slug": "demo", "plan": "growth", "owner": "shop@qutekart.com"}


def seed_plans(ctx) -> None:
    data = load("essential", "plans")
    for plan in data["plans"]:
        ensure(Plan, {"slug": plan["slug"]}, {k: v for k, v in plan.items() if k != "slug"})


def seed_demo_shop(ctx) -> None:
    if Tenant.get_or_none(Tenant.slug == DEMO_SHOP["slug"]) is not None:
        return
    owner = User.get(User.email == DEMO_SHOP["owner"])
    services.create_shop_for(owner, DEMO_SHOP["name"], DEMO_SHOP["slug"], DEMO_SHOP["plan"])


SEEDERS = [
    Seeder("essential", "plans", seed_plans, order=5),
    Seeder("demo", "demo shop", seed_demo_shop, order=20),
]
