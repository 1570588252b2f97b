"""Cash on delivery: the hook implementations of the ``cash`` gateway."""

from kernel.hookspecs import hookimpl
from plugins.payments.gateways import Gateway, PaymentStart, RefundResult
from plugins.payments.seeds import gateway_seeder

# The app sends "cash" as payment_method for its "Cash on delivery" option.
CASH = Gateway(name="cash", title="Cash on delivery", online=False)


@hookimpl
def register_seeders():
    return [gateway_seeder(CASH, "#2E7D32", sort_order=0)]


@hookimpl
def payment_gateways(tenant):
    return CASH


@hookimpl
def gateway_start_payment(gateway, payment):
    """Nothing to collect now: the rider collects each shop's share on delivery (``services.mark_share_paid``)."""
    if gateway == CASH.name:
        return PaymentStart(redirect_url=None)
    return None


@hookimpl
def gateway_refund(gateway, payment, amount, reference):
    """Cash cannot flow back by itself: the operator transfers it to the bank account the return names."""
    if gateway == CASH.name:
        return RefundResult(method="manual")
    return None
