"""Signed links to one payment's Stripe pages, so the app's web view needs no token.

The app opens the payment URL with no auth headers or cookies, so the link
itself is the credential: an HMAC (the kernel's signed-URL pattern for
private media) over the payment, its customer and an expiry. It grants
paying that one payment and nothing else; the customer id it carries is what
lets the server read the payment under row-level security.
"""

import time
from urllib.parse import urlencode

from kernel import storage, urls

GATEWAY = "stripe"
# As long as a Stripe Checkout session lives; "Pay now" in the app asks for a fresh link.
LINK_TTL = 24 * 3600


def _claim(payment_id: int, user_id: int) -> str:
    return f"payments_stripe:payment:{payment_id}:customer:{user_id}"


def signed_params(payment_id: int, user_id: int, now: float | None = None) -> dict:
    expires = int(now if now is not None else time.time()) + LINK_TTL
    return {"gateway": GATEWAY, "customer": user_id, "expires": expires,
            "signature": storage.sign_private(_claim(payment_id, user_id), expires)}


def verify(payment_id: int, customer, expires, signature) -> int | None:
    """The customer id a link was signed for, or None when it is forged, altered or expired."""
    customer, expires, signature = str(customer or ""), str(expires or ""), str(signature or "")
    if not (customer.isascii() and customer.isdigit()) or len(customer) > 10:
        return None
    if not storage.verify_private(_claim(payment_id, int(customer)), expires, signature):
        return None
    return int(customer)


def _url(path: str, payment_id: int, user_id: int) -> str:
    return urls.absolute(f"{path}?{urlencode(signed_params(payment_id, user_id))}")


def page_url(payment_id: int, user_id: int) -> str:
    """The payment page the app opens: ``/order/{id}/payment?gateway=stripe&...``."""
    return _url(f"/order/{payment_id}/payment", payment_id, user_id)


def confirm_url(payment_id: int, user_id: int) -> str:
    return _url(f"/order/{payment_id}/payment/stripe/confirm", payment_id, user_id)


def return_url(payment_id: int, user_id: int) -> str:
    """Where the page sends the browser after Stripe.js; deliberately free of the app's watched substrings."""
    return _url(f"/order/{payment_id}/payment/stripe/return", payment_id, user_id)


def outcome_url(payment_id: int, outcome: str) -> str:
    """``/order/{id}/payment/success``, ``.../fail`` or ``.../cancel``: what the app's web view watches for."""
    return urls.absolute(f"/order/{payment_id}/payment/{outcome}")
