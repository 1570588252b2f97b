"""Customer wallets: the hook implementations of the ``wallet`` gateway."""

from kernel.hookspecs import hookimpl
from plugins.payments.gateways import Gateway, PaymentStart, RefundResult
from plugins.payments.seeds import gateway_seeder
from plugins.payments_wallet import services

WALLET = Gateway(name="wallet", title="Wallet", online=True)


@hookimpl
def register_permissions():
    return [("wallets.credit", "Top up a customer's wallet", ("superadmin",))]


@hookimpl
def register_seeders():
    from plugins.payments_wallet.seeds import SEEDERS

    return [gateway_seeder(WALLET, "#6A1B9A", sort_order=10), *SEEDERS]


@hookimpl
def register_routes():
    from plugins.payments_wallet.resources import routes

    return routes()


@hookimpl
def payment_gateways(tenant):
    return WALLET


@hookimpl
def gateway_start_payment(gateway, payment):
    """Pay from the wallet at once, so the app shows "order placed" (no web view)."""
    if gateway != WALLET.name:
        return None
    services.pay(payment)
    return PaymentStart(redirect_url=None)


@hookimpl
def gateway_refund(gateway, payment, amount, reference):
    """Refunds of wallet payments go straight back to the wallet."""
    if gateway != WALLET.name:
        return None
    services.refund(payment, amount, reference)
    return RefundResult(method="wallet")
