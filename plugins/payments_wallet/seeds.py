"""Demo data: an opening balance for the demo customer, so paying by wallet can be tried at once."""

from kernel.models import User
from kernel.seeding import Seeder
from plugins.payments_wallet import services

DEMO_CUSTOMER = "customer@qutekart.com"
OPENING_BALANCE = 50_000


def seed_demo_balance(ctx) -> None:
    customer = User.get_or_none(User.email == DEMO_CUSTOMER)
    if customer is not None:
        services.top_up(customer.id, OPENING_BALANCE, "demo:opening-balance", "Demo opening balance")


SEEDERS = [Seeder("demo", "demo customer wallet", seed_demo_balance, order=60)]
