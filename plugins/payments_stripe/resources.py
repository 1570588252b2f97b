"""Thin Falcon resources of the Stripe gateway: the web-view pages, their JSON call, and the webhook.

The pages are raw HTML and redirect responders (the app's web view reads
only the URL it lands on, FLUTTER_CONTRACT.md section 8); each is reached
through a signed link instead of a token.
"""

import logging

import falcon
import peewee
import stripe

from kernel import config
from kernel.http import APIError, Route, ok, op
from plugins.payments import services as payments
from plugins.payments.models import CANCELLED, FAILED, PAID, PENDING, REFUNDED
from plugins.payments_stripe import links, pages, schemas, services

log = logging.getLogger("qutecat.payments_stripe")

TAGS = ("payments",)
SUCCESS, FAIL, CANCEL = "success", "fail", "cancel"
OUTCOME_OF = {PAID: SUCCESS, REFUNDED: SUCCESS, FAILED: FAIL, CANCELLED: FAIL}
OUTCOME_PAGES = {
    SUCCESS: ("Payment received", "Thank you: your payment went through. You can go back to the app."),
    FAIL: ("Payment failed", "Your card was not charged for this order. You can try again from the app."),
    CANCEL: ("Payment cancelled", "Nothing was charged. You can pay later from your order in the app."),
}


def _linked_payment(payment_id: int, customer, expires, signature):
    """The payment a signed link names, or 403/404 (an altered link reveals nothing about the payment)."""
    user_id = links.verify(payment_id, customer, expires, signature)
    if user_id is None:
        raise APIError(403, "This payment link is invalid or has expired.")
    payment = payments.get_payment(payment_id, user_id)
    if payment is None or payment.gateway != links.GATEWAY:
        raise APIError(404, "Payment not found.")
    return payment


def _from_query(req, payment_id: int):
    return _linked_payment(payment_id, req.get_param("customer"), req.get_param("expires"),
                           req.get_param("signature"))


def _html(resp, document: str, status=falcon.HTTP_200) -> None:
    resp.status = status
    resp.content_type = falcon.MEDIA_HTML
    # The signed URL must not leak to Stripe.js's host through Referer, nor be cached on the device.
    resp.set_header("Referrer-Policy", "no-referrer")
    resp.cache_control = ["no-store"]
    resp.text = document


def _redirect(resp, url: str) -> None:
    resp.status = falcon.HTTP_302
    resp.location = url
    resp.cache_control = ["no-store"]


def _try_again(resp) -> None:
    _html(resp, pages.message_page("Please try again", "We could not reach the card processor. Reload this page."),
          falcon.HTTP_503)


class PaymentPage:
    @op(raw=True, summary="The card form of a pending Stripe payment (HTML); a settled one redirects to its outcome")
    def on_get(self, req, resp, payment_id):
        if req.get_param("gateway") != links.GATEWAY:
            raise APIError(404, "Unknown payment gateway.")
        payment = _from_query(req, payment_id)
        if payment.status != PENDING:
            return _redirect(resp, links.outcome_url(payment.id, OUTCOME_OF[payment.status]))
        try:
            intent = services.ensure_intent(payment)
            status = services.settle(payment, intent)
        except stripe.StripeError:
            log.exception("Stripe failed while showing payment %s", payment.id)
            return _try_again(resp)
        if status != PENDING:
            return _redirect(resp, links.outcome_url(payment.id, OUTCOME_OF[status]))
        settings = config.settings
        _html(resp, pages.payment_page(
            amount_text=payments.format_money(payment.amount), js_url=settings.stripe_js_url,
            cancel_url=links.outcome_url(payment.id, CANCEL),
            data={"publishable_key": settings.stripe_publishable_key, "client_secret": intent.client_secret,
                  "confirm_url": links.confirm_url(payment.id, payment.user_id),
                  "return_url": links.return_url(payment.id, payment.user_id)},
        ))


class PaymentConfirm:
    @op(query=schemas.SignedLinkQuery, body=schemas.ConfirmIn, response=schemas.ConfirmData, tags=TAGS,
        errors=(403, 409, 503),
        summary="Confirm a Stripe payment with the card token Stripe.js made (the payment page's call)")
    def on_post(self, req, resp, payment_id):
        query = req.context.query
        payment = _linked_payment(payment_id, query["customer"], query["expires"], query["signature"])
        if payment.status != PENDING:
            raise APIError(409, "This payment is no longer pending.")
        try:
            intent = services.attach_card(payment, req.context.body["token"])
        except LookupError:
            raise APIError(409, "Open the payment page first.") from None
        except stripe.InvalidRequestError:
            message = "The card token is not valid."
            raise APIError(422, message, errors={"token": [message]}) from None
        except stripe.StripeError:
            log.exception("Stripe failed while confirming payment %s", payment.id)
            raise APIError(503, "We could not reach the card processor. Please try again.") from None
        ok(resp, {"status": intent.status, "requires_action": intent.status == "requires_action"})


class PaymentReturn:
    @op(raw=True, summary="Where the payment page returns: asks Stripe, settles the payment, redirects to its outcome")
    def on_get(self, req, resp, payment_id):
        payment = _from_query(req, payment_id)
        status = payment.status
        stored = services.stored_intent(payment)
        if status == PENDING and stored is not None:
            try:
                status = services.settle(payment, services.client().v1.payment_intents.retrieve(stored.intent_id))
            except stripe.StripeError:
                log.exception("Stripe failed on the return of payment %s", payment.id)
                return _try_again(resp)
        if status == PENDING:
            return _redirect(resp, links.page_url(payment.id, payment.user_id))
        _redirect(resp, links.outcome_url(payment.id, OUTCOME_OF[status]))


class OutcomePage:
    """The page the app's web view stops at; it shows no payment details, so it needs no signature."""

    def __init__(self, outcome: str):
        self.outcome = outcome

    @op(raw=True, summary="The HTML outcome page of a web-view payment (success, fail or cancel)")
    def on_get(self, req, resp, payment_id):
        _html(resp, pages.message_page(*OUTCOME_PAGES[self.outcome]))


class StripeWebhook:
    @op(raw=True, summary="Stripe's webhook: signed events, each applied once (400 bad signature, 503 retry later)")
    def on_post(self, req, resp):
        secret = config.settings.stripe_webhook_secret
        if not secret or not services.configured():
            raise APIError(503, "Stripe is not configured.")
        payload = req.bounded_stream.read()
        try:
            event = stripe.Webhook.construct_event(payload, req.get_header("Stripe-Signature") or "", secret,
                                                   tolerance=300)
        except stripe.SignatureVerificationError:
            raise APIError(400, "Invalid Stripe signature.") from None
        except (ValueError, AttributeError):
            # The SDK's answer to a correctly signed body that is not JSON, or not a JSON object.
            raise APIError(400, "The body is not a Stripe event.") from None
        body = event.to_dict()
        event_type, event_id = body.get("type"), body.get("id")
        if event_type not in services.INTENT_EVENTS:
            return ok(resp, None, "Ignored.")
        data = body.get("data")
        intent = data.get("object") if isinstance(data, dict) else None
        intent_id = intent.get("id") if isinstance(intent, dict) else None
        if not (isinstance(event_id, str) and isinstance(intent_id, str) and intent_id.startswith("pi_")):
            raise APIError(400, "The event names no PaymentIntent.")
        try:
            applied = services.apply_intent_event(event_id, event_type, intent_id)
        except stripe.InvalidRequestError:
            log.warning("webhook %s names PaymentIntent %s, which Stripe does not know", event_id, intent_id)
            return ok(resp, None, "Unknown PaymentIntent.")
        except (*services.TRANSIENT, peewee.OperationalError, peewee.InterfaceError):
            log.exception("webhook %s could not be applied now; Stripe will retry", event_id)
            raise APIError(503, "Try again later.") from None
        ok(resp, None, "Applied." if applied else "Already applied.")


def routes() -> list[Route]:
    page = "/order/{payment_id:int}/payment"
    return [
        Route(page, PaymentPage()),
        Route(f"{page}/stripe/confirm", PaymentConfirm()),
        Route(f"{page}/stripe/return", PaymentReturn()),
        *(Route(f"{page}/{outcome}", OutcomePage(outcome)) for outcome in (SUCCESS, FAIL, CANCEL)),
        Route("/api/webhooks/stripe", StripeWebhook()),
    ]
