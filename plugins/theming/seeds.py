"""The ZARA branding (branding phase) and the demo shop's colours (demo phase)."""

from kernel import context
from kernel.models import Tenant
from kernel.seeddata import load
from kernel.seeding import Seeder
from plugins.theming import services
from plugins.theming.models import Theme

DEMO_SHOP_SLUG = "demo"
DEMO_SHOP_PRIMARY = "#0F766E"


def seed_zara_branding(ctx) -> None:
    services.apply_branding(load("branding", "zara"))


def seed_demo_theme(ctx) -> None:
    shop = Tenant.get_or_none(Tenant.slug == DEMO_SHOP_SLUG)
    if shop is None:
        return
    with context.use(tenant=shop.id):
        if not Theme.select().exists():
            services.save_theme(DEMO_SHOP_PRIMARY)


SEEDERS = [
    Seeder("demo", "demo shop theme", seed_demo_theme, order=30),
    Seeder("branding", "ZARA branding", seed_zara_branding, order=10),
]
