"""Checking that a customer may review a product from an order, then posting it through the catalog.

One review per customer and product, the catalog's rule (a unique index):
the first delivered order that holds the product is where the customer rates
it, and every order line of that product then shows that rating. A second
try, from the same order or another, is refused.
"""

import math

from kernel.models import User
from plugins.catalog.browse import services as catalog
from plugins.orders.orders import services as orders
from plugins.orders.orders.models import DELIVERED


class Refused(Exception):
    """The review cannot be taken (answered 422 on ``field``)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def whole_stars(rating: float) -> int:
    """The app's half stars as the whole stars reviews keep: 4.5 is 5, 4.4 is 4."""
    return int(math.floor(rating + 0.5))


def review_line(user: User, order_id: int, product_id: int, rating: float, description: str,
                shop_id: int | None = None) -> dict:
    """Post the customer's review of a product of their delivered order; returns the catalog's ``Review``.

    Raises ``orders.NotFound`` for an order that is not the customer's (or not
    this storefront's, ``shop_id``) and ``Refused`` for an order not
    delivered, a product not in it, or a product already reviewed.
    """
    order = orders.customer_order(user.id, order_id, shop_id)
    if order.order_status != DELIVERED:
        raise Refused("order_id", "Only the products of a delivered order can be reviewed.")
    if product_id not in {item.product_id for item in orders.items_of(order)}:
        raise Refused("product_id", "This product is not part of the order.")
    try:
        return catalog.review_purchase(user, order.tenant_id, product_id, order.id, whole_stars(rating), description)
    except catalog.ReviewConflict:
        raise Refused("product_id", "You have already reviewed this product.") from None
    except catalog.NotFound:
        raise Refused("product_id", "This product is no longer sold.") from None
