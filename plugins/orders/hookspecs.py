"""Hooks the orders plugin declares for other plugins (added through ``addhooks``)."""

from kernel.hookspecs import hookspec


@hookspec
def cart_adjustments(cart, coupon_code, checkout):
    """Return ``plugins.orders.cart.pricing.Adjustment`` objects for one shop's part of a cart, or None.

    Collect hook: called through that shop's own hook view each time a cart
    summary is built (``POST /api/cart/checkout``), once per shop, so only
    plugins live for the shop answer. ``cart`` is a ``ShopCart`` (the shop, the
    customer, the priced lines, the subtotal, the shop's delivery charge and
    the catalog's VAT, all in minor units); ``coupon_code`` is the code the
    customer typed, or None; ``checkout`` is the tuple of every shop's
    ``ShopCart`` in the same checkout, this one included, so an adjustment
    that spans shops (a platform coupon shared out by subtotal) can work out
    this shop's part. Each adjustment's ``amount`` (minor units) is
    added to what the customer pays, so discounts and coupons are negative;
    its ``kind`` (``discount``, ``coupon``, ``delivery``, ``tax``, ``gift``)
    says which total of the summary it joins. The orders plugin sums the
    answers, taken in plugin load order and then by kind, and never lets the
    payable amount fall below zero.
    """


@hookspec
def order_placed(order, totals):
    """React to an order being placed, inside the transaction that places it.

    Action hook: called through the order's shop's own hook view, once per
    order of a checkout (one per shop), after the order, its lines and its
    payment are written and before the transaction commits, so a plugin that
    records something (a coupon's use, a loyalty point) commits or rolls back
    with the order, and may raise to refuse the whole placement. ``order`` is
    the ``Order`` row; ``totals`` is the shop's ``ShopTotals`` (the priced cart
    and every adjustment) the customer was charged. Slow work (mail,
    documents) belongs in a task enqueued with ``kernel.db.on_commit``.
    Results are ignored.
    """


@hookspec
def order_status_changed(order, from_status, to_status, actor):
    """React to an order's status changing, inside the transaction that changes it.

    Action hook: called through the order's shop's own hook view once per
    change, after the new status and its history row are written. ``order``
    is the ``Order`` row as it now is; ``from_status`` and ``to_status`` are
    among ``Pending``, ``Confirm``, ``Processing``, ``Pickup``, ``On The Way``,
    ``Delivered`` and ``Cancelled``; ``actor`` is ``customer``, ``seller``,
    ``rider`` or ``system`` (the expiry of unpaid orders). Raising refuses the
    change. Results are ignored; notifications belong in tasks.
    """
