"""Demo addresses for the demo customers (demo phase).

A customer who already has an address gets none: one the customer removed
stays removed when the phase runs again.
"""

from kernel import context
from kernel.models import User
from kernel.seeddata import load
from kernel.seeding import Seeder
from plugins.orders.models import Address


def seed_addresses(ctx) -> None:
    for email, rows in load("demo", "orders")["addresses"].items():
        user = User.get_or_none(User.email == email)
        if user is None:
            continue
        # Addresses are visible to their customer only (row-level security on PostgreSQL).
        with context.use(user=user.id):
            if Address.select().where(Address.user == user.id).exists():
                continue
            for row in rows:
                Address.create(user=user.id, **row)


SEEDERS = [Seeder("demo", "demo addresses", seed_addresses, order=70)]
