"""The coupons' hook implementations: their part of each cart summary, and their uses as orders come and go."""

from kernel.hookspecs import hookimpl
from plugins.orders.orders.models import CANCELLED
from plugins.orders.vouchers import services


@hookimpl
def cart_adjustments(cart, coupon_code, checkout):
    """This shop's part of the coupon the typed code names on the checkout (a ``coupon`` adjustment)."""
    return services.adjustments(cart, coupon_code, checkout)


@hookimpl
def order_placed(order, totals):
    """Take the coupon's use with the order; a coupon used up meanwhile refuses the placement (422)."""
    from plugins.orders.placing.services import Refused

    try:
        services.record_usage(order, totals)
    except services.UsedUp as exc:
        raise Refused("coupon_code", exc.rejection.message) from None


@hookimpl
def order_status_changed(order, from_status, to_status, actor):
    """A cancelled order gives its coupon use back (with the last order of its checkout)."""
    if to_status == CANCELLED:
        services.release_usage(order)
