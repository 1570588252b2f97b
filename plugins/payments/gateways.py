"""What gateway plugins give and get back: their descriptor and the results of their operations."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Gateway:
    """A payment method a gateway plugin provides.

    ``name`` is what the app sends back as ``payment_method`` (``cash`` for
    cash on delivery, as the app hard-codes it). ``online`` gateways are listed
    in ``/api/master`` ``payment_gateways``; an offline one (cash) is announced
    by ``cash_on_delivery`` instead, because the app shows it as its own option.
    """

    name: str
    title: str
    online: bool


@dataclass(frozen=True)
class PaymentStart:
    """How the customer goes on after placing: a web-view URL, or None when nothing is left to do."""

    redirect_url: str | None = None


@dataclass(frozen=True)
class RefundResult:
    """How a refund reached the customer: ``wallet``, ``gateway`` or ``manual`` (a bank transfer)."""

    method: str
    external_reference: str | None = None


class PaymentDeclined(Exception):
    """The gateway refused the payment (an empty wallet, a declined card); the message is for the customer."""


class GatewayNotOffered(Exception):
    """The gateway is not offered by every shop of the checkout (or is not known at all)."""
