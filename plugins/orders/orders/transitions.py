"""Who may move an order from which status to which (FLUTTER_CONTRACT.md section 12.3, made strict).

The original let a seller set any status from any other; here each actor has
its own edges and everything else is refused (422):

* the customer cancels only while the order is Pending;
* the seller confirms or cancels a Pending order, and cancels until it leaves
  the shop; when the shop delivers itself (``fulfilment == "shop"``) it also
  moves it through Processing, Pickup and On The Way to Delivered;
  when a rider delivers, the rider's side takes it on from Processing;
* the system (expiry of unpaid online orders) cancels only Pending orders.

Cancelled and Delivered are final.
"""

from plugins.orders.orders.models import (
    CANCELLED, CONFIRM, DELIVERED, ON_THE_WAY, PENDING, PICKUP, PROCESSING, SHOP_DELIVERY,
)

CUSTOMER, SELLER, SYSTEM = "customer", "seller", "system"

_SELLER_ALWAYS = {
    PENDING: {CONFIRM, CANCELLED},
    CONFIRM: {PROCESSING, CANCELLED},
    PROCESSING: {CANCELLED},
}
_SELLER_DELIVERING = {
    PROCESSING: {PICKUP, ON_THE_WAY},
    PICKUP: {ON_THE_WAY},
    ON_THE_WAY: {DELIVERED},
}
_CUSTOMER = {PENDING: {CANCELLED}}
_SYSTEM = {PENDING: {CANCELLED}}


class TransitionRefused(Exception):
    """The actor may not move the order from its status to the one asked for."""

    def __init__(self, current: str, wanted: str):
        super().__init__(f"An order that is {current} cannot become {wanted}.")
        self.current, self.wanted = current, wanted


def allowed(actor: str, current: str, fulfilment: str) -> set[str]:
    """The statuses ``actor`` may move an order in ``current`` to."""
    if actor == CUSTOMER:
        return set(_CUSTOMER.get(current, ()))
    if actor == SYSTEM:
        return set(_SYSTEM.get(current, ()))
    if actor == SELLER:
        targets = set(_SELLER_ALWAYS.get(current, ()))
        if fulfilment == SHOP_DELIVERY:
            targets |= _SELLER_DELIVERING.get(current, set())
        return targets
    return set()


def check(actor: str, current: str, wanted: str, fulfilment: str) -> None:
    """Raise ``TransitionRefused`` unless ``actor`` may move the order from ``current`` to ``wanted``."""
    if wanted not in allowed(actor, current, fulfilment):
        raise TransitionRefused(current, wanted)
