"""The Stripe gateway's schema: a payment's intent is its customer's; applied events are platform-wide."""

from kernel.migrations import CURRENT_USER, Migration, create_tables, policy, steps
from plugins.payments_stripe import models as m

CUSTOMER = f"user_id = {CURRENT_USER}"

MIGRATIONS = [
    Migration(1, "stripe intents and applied events", steps(
        create_tables(*m.MODELS),
        policy("stripe_intent", "customer", CUSTOMER, check=CUSTOMER),
    )),
]
