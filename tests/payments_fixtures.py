"""Helpers for the payments tests: customers with wallet money, payments placed as orders will place them."""

from catalog_fixtures import customer  # noqa: F401  (re-exported: a fresh customer and token)
from kernel import context, db
from plugins.payments import services
from plugins.payments_wallet import services as wallet


def fund(user_id: int, minor: int, reference: str | None = None) -> None:
    """Top a customer's wallet up by ``minor`` units."""
    with db.transaction():
        wallet.top_up(user_id, minor, reference or f"test:{user_id}:{minor}:{id(object())}")


def place(user_id: int, gateway: str, shares: dict[int, int]):
    """Create and start a payment the way checkout does: one transaction, the customer in context."""
    with context.use(user=user_id), db.transaction():
        payment = services.create_payment(user_id, gateway, shares)
        started = services.start_payment(payment)
    return services.get_payment(payment.id, user_id), started


def names(gateways) -> list[str]:
    return [g.name for g in gateways]
