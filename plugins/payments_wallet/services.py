"""Customer wallets: a balance kept in the ledger, paid from, refunded to and topped up by the operator.

A customer's wallet is the ``customer_wallet`` account owned by their user
id. Every change runs inside the caller's transaction, in the customer's
context (row-level security lets only them, and code acting for them, touch
their wallet), and is keyed by a reference so it happens once.
"""

from kernel import context
from plugins.payments import ledger, services
from plugins.payments.gateways import PaymentDeclined
from plugins.payments.ledger import InsufficientFunds, Movement
from plugins.payments.models import CREDIT, CUSTOMER_WALLET, DEBIT, PAYMENT, REFUND, TOP_UP, Payment


def balance(user_id: int) -> int:
    """The customer's balance in minor units."""
    with context.use(user=user_id):
        return ledger.balance(CUSTOMER_WALLET, user_id)


def history(user_id: int):
    """The customer's wallet entries, newest first (a query for the pagination helper; read it in their context)."""
    return ledger.entries(CUSTOMER_WALLET, user_id)


def pay(payment: Payment) -> None:
    """Debit the whole payment from its customer's wallet and settle it, or raise ``PaymentDeclined``.

    The debit is one conditional UPDATE of the balance row, so two checkouts
    racing for the same money cannot both take it.
    """
    if payment.amount:
        debit = Movement(CUSTOMER_WALLET, payment.user_id, DEBIT, payment.amount, PAYMENT, f"payment:{payment.id}",
                         payment_id=payment.id)
        try:
            with context.use(user=payment.user_id):
                ledger.post(debit)
        except InsufficientFunds:
            raise PaymentDeclined("Your wallet balance is too low for this order.") from None
    services.mark_paid(payment)


def top_up(user_id: int, amount: int, reference: str, note: str = "") -> bool:
    """Credit a customer's wallet (an operator's top-up); False when ``reference`` was already credited."""
    credit = Movement(CUSTOMER_WALLET, user_id, CREDIT, amount, TOP_UP, reference, note=note)
    with context.use(user=user_id):
        return ledger.post(credit)


def refund(payment: Payment, amount: int, reference: str) -> bool:
    """Give ``amount`` of a wallet payment back to the customer's wallet, once per refund reference."""
    credit = Movement(CUSTOMER_WALLET, payment.user_id, CREDIT, amount, REFUND, reference, payment_id=payment.id)
    with context.use(user=payment.user_id):
        return ledger.post(credit)
