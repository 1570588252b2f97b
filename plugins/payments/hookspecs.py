"""Hooks the payments plugin declares for gateway plugins (added through ``addhooks``).

A gateway is a plugin that provides one feature (``payments.cod``,
``payments.wallet``, ``payments.stripe``...) and answers these hooks for its
own gateway name. Checkout offers a gateway where every shop in the cart has
that plugin live; the operations below are then called for the gateway the
customer chose.
"""

from kernel.hookspecs import hookspec

# -- what a storefront offers ------------------------------------------------


@hookspec
def payment_gateways(tenant):
    """Return the ``plugins.payments.gateways.Gateway`` this plugin provides, or None.

    Collect hook, called through the storefront's hook view (``tenant`` is its
    ``TenantInfo``, or None on the marketplace), so only gateway plugins live
    for that shop answer. The payments plugin keeps the answers whose gateway
    the operator has left active, in the operator's order.
    """


# -- operations on one gateway (firstresult, keyed by the gateway's name) ---------


@hookspec(firstresult=True)
def gateway_start_payment(gateway, payment):
    """Start collecting ``payment`` (a ``Payment`` row) through the gateway named ``gateway``.

    Only the plugin whose gateway is named answers; the others return None.
    Called inside the placing transaction with the customer in context.
    Return a ``PaymentStart``: ``redirect_url`` for the app's payment web view,
    or None when nothing is left for the customer to do (cash is collected on
    delivery; a wallet debit settles at once through ``services.mark_paid``).
    Raise ``PaymentDeclined`` to refuse (the whole placement rolls back).
    """


@hookspec(firstresult=True)
def gateway_refund(gateway, payment, amount, reference):
    """Send ``amount`` (minor units) of ``payment`` back to its customer through the gateway named ``gateway``.

    Only the plugin whose gateway is named answers. Called inside the refund's
    transaction; ``reference`` is unique per refund, so an implementation that
    records money (a ledger entry, a gateway refund id) keys it by the
    reference and never refunds twice. Return a ``RefundResult`` saying how the
    money went back (``wallet``, ``gateway`` or ``manual`` for a bank transfer
    the operator makes) and the gateway's refund id, if any.
    """


# -- domain events -------------------------------------------------------------


@hookspec
def payment_succeeded(payment):
    """React to a payment (``Payment`` row) becoming paid, after the transaction that recorded it committed.

    Called once per payment on every loaded plugin (a payment may cover orders
    of several shops, so no single shop's view applies). The orders plugin marks
    the payment's orders paid; slow work belongs in a task. Results are ignored.
    """


@hookspec
def payment_failed(payment):
    """React to a payment failing or being cancelled unpaid, after its transaction committed.

    Called once per payment on every loaded plugin; ``payment.status`` is
    ``failed`` or ``cancelled`` and ``payment.failure_reason`` says why. The
    orders plugin releases the stock its orders held. Results are ignored.
    """
