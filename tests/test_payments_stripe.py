"""The Stripe gateway against a real localstripe server, driven through the real ``stripe`` SDK.

localstripe runs as a subprocess on a free port for the session. The app is
called through WSGI, and also served over real HTTP on a free port where
localstripe's webhook delivery and headless Chromium must reach it.
"""

import dataclasses
import hashlib
import hmac
import json
import os
import secrets
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
import requests
import stripe

from kernel import config, context, tenancy
from payments_fixtures import customer, names, place
from peers import free_port
from plugins.payments import services as payments
from plugins.payments_stripe import services as stripe_services
from plugins.payments_stripe.models import StripeEvent, StripeIntent

CHROMIUM = Path("/usr/bin/chromium")
WEBHOOK_SECRET = "whsec_qutecat_test"
# localstripe 1.15 rewrites one fixed pickle (/tmp/localstripe.pickle) on every change and reads
# it only without --from-scratch; writing it is skipped so concurrent runs never race on that file.
LAUNCH_LOCALSTRIPE = (
    "import localstripe.resources as r; r.Store.dump_to_disk = lambda self: None; "
    "from localstripe.server import start; start()"
)


def wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture(scope="session")
def localstripe():
    """A localstripe server of our own on a free port; yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCH_LOCALSTRIPE, "--port", str(port), "--from-scratch"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/js.stripe.com/v3/")
        requests.delete(f"{base}/_config/data", timeout=5).raise_for_status()
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def stripe_on(platform, localstripe):
    """Configure Stripe for this module's tests only, then restore the settings other modules expect."""
    variables = {
        "STRIPE_API_BASE": localstripe, "STRIPE_SECRET_KEY": "sk_test_qutecat",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_qutecat", "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_JS_URL": f"{localstripe}/js.stripe.com/v3/",
    }
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    config.reload()
    yield stripe_services.client()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    config.reload()


@pytest.fixture
def stripe_api(stripe_on):
    """The SDK client the app uses; a test that breaks the settings gets them restored."""
    settings = config.settings
    yield stripe_on
    config.settings = settings


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def http_app(platform):
    """The app behind a real threaded HTTP server on a free port; yields its origin."""
    server = make_server("127.0.0.1", free_port(), platform.app, server_class=_ThreadingWSGIServer,
                         handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def get(api, url: str):
    parts = urlsplit(url)
    return api.get(parts.path, query_string=parts.query)


def stripe_payment(make_shop, amount: int = 2599):
    """A Starter shop, a fresh customer, and their pending Stripe payment: ``(payment, page_url, shop_id)``."""
    shop, _, _ = make_shop("starter")
    user, _ = customer()
    payment, started = place(user.id, "stripe", {shop["id"]: amount})
    return payment, started.redirect_url, shop["id"]


def intent_rows(payment) -> list[StripeIntent]:
    """The payment's stored intents, read as its customer (row-level security shows them no one else)."""
    with context.use(user=payment.user_id):
        return list(StripeIntent.select().where(StripeIntent.payment == payment.id))


def intent_of(payment) -> str:
    (row,) = intent_rows(payment)
    return row.intent_id


def pay_at_stripe(client, intent_id: str, payment_method: str = "pm_card_visa"):
    """What the browser's Stripe.js does, done server-side: attach a card and confirm."""
    client.v1.payment_intents.update(intent_id, params={"payment_method": payment_method})
    try:
        client.v1.payment_intents.confirm(intent_id)
    except stripe.CardError:
        pass
    return client.v1.payment_intents.retrieve(intent_id)


def status_of(payment) -> str:
    return payments.get_payment(payment.id, payment.user_id).status


def signed(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """A ``Stripe-Signature`` header made the way Stripe makes it."""
    stamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def event(event_type: str, intent_id: str, event_id: str | None = None) -> bytes:
    return json.dumps({
        "id": event_id or f"evt_{secrets.token_hex(8)}", "object": "event", "type": event_type,
        "data": {"object": {"id": intent_id, "object": "payment_intent"}},
    }).encode()


def deliver(api, payload: bytes, signature: str | None = None):
    return api.post("/api/webhooks/stripe", body=payload, content_type="application/json",
                    headers={"Stripe-Signature": signature if signature is not None else signed(payload)})


# -- offering the gateway ----------------------------------------------------------------


def test_stripe_is_offered_from_starter_once_configured(api, make_shop, stripe_on):
    # given a Free and a Starter shop, with Stripe's keys configured
    free, _, _ = make_shop("free")
    starter, _, host = make_shop("starter")
    # then only the Starter shop offers cards, and /api/master lists them as an online gateway
    assert names(payments.storefront_gateways(tenancy.get(free["id"]))) == ["cash"]
    assert names(payments.storefront_gateways(tenancy.get(starter["id"]))) == ["cash", "wallet", "stripe"]
    listed = api.get("/api/master", host=host).json["data"]["payment_gateways"]
    assert [g["name"] for g in listed] == ["wallet", "stripe"]


def test_stripe_is_not_offered_without_keys(make_shop, stripe_on):
    # given Stripe's keys removed
    settings = config.settings
    config.settings = dataclasses.replace(settings, stripe_secret_key=None)
    try:
        shop, _, _ = make_shop("starter")
        # then the storefront does not offer cards
        assert names(payments.storefront_gateways(tenancy.get(shop["id"]))) == ["cash", "wallet"]
    finally:
        config.settings = settings


# -- the payment page ----------------------------------------------------------------------


def test_placing_answers_a_signed_page_url_that_only_works_unaltered(api, make_shop, stripe_api):
    # given a placed Stripe payment
    payment, url, _ = stripe_payment(make_shop)
    # then the app gets our absolute page URL, free of the substrings its web view watches for
    assert url.startswith("http") and f"/order/{payment.id}/payment?gateway=stripe" in url
    assert not any(watched in url for watched in ("/payment/success", "payment/fail", "payment/cancel"))
    # when the signature, the customer or the expiry is altered, or the gateway is another
    tampered = [
        url.replace("signature=", "signature=0"), url.replace("customer=", "customer=9"),
        url.replace("expires=", "expires=1"), url.replace("gateway=stripe", "gateway=paypal"),
        url.split("&signature=")[0], url.replace("signature=", "signature=%C2%AD"),
    ]
    # then nothing is shown and no intent is created
    assert [get(api, bad).status for bad in tampered] == [403, 403, 403, 404, 403, 403]
    assert intent_rows(payment) == []


def test_page_creates_one_intent_per_payment(api, make_shop, stripe_api):
    # given a placed Stripe payment
    payment, url, _ = stripe_payment(make_shop, amount=4250)
    # when the page is loaded twice
    first, second = get(api, url), get(api, url)
    # then it is HTML loading Stripe.js from STRIPE_JS_URL, and both loads use one intent
    assert first.status == 200 and first.headers["content-type"].startswith("text/html")
    assert config.settings.stripe_js_url in first.text and "pk_test_qutecat" in first.text
    assert first.headers["referrer-policy"] == "no-referrer"
    rows = intent_rows(payment)
    assert len(rows) == 1
    intent = stripe_api.v1.payment_intents.retrieve(rows[0].intent_id)
    assert intent.client_secret in first.text and intent.client_secret in second.text
    # and the intent carries the payment's amount, currency and id
    assert (intent.amount, intent.currency) == (4250, payment.currency.lower())
    assert intent.metadata["payment_id"] == str(payment.id)


def test_return_marks_paid_only_once_stripe_says_succeeded(api, make_shop, stripe_api):
    # given a payment whose page was opened
    payment, url, _ = stripe_payment(make_shop)
    get(api, url)
    return_path = f"/order/{payment.id}/payment/stripe/return"
    query = urlsplit(url).query
    # when the browser returns before paying, even claiming success in the query
    early = api.get(return_path, query_string=f"{query}&redirect_status=succeeded&status=succeeded")
    # then Stripe is asked, the payment stays pending and the browser goes back to the page
    assert early.status == 302 and f"/order/{payment.id}/payment?gateway=stripe" in early.headers["location"]
    assert status_of(payment) == "pending"
    # when the card is confirmed at Stripe and the browser returns
    intent = pay_at_stripe(stripe_api, intent_of(payment))
    assert intent.status == "succeeded"
    back = api.get(return_path, query_string=query)
    # then the payment is paid before the redirect to the success page
    assert back.status == 302 and back.headers["location"].endswith(f"/order/{payment.id}/payment/success")
    paid = payments.get_payment(payment.id, payment.user_id)
    assert paid.status == "paid" and paid.external_reference == intent.id
    # and the page now redirects to success too, and the success page is HTML
    assert get(api, url).headers["location"].endswith("/payment/success")
    assert api.get(path_of(back.headers["location"])).headers["content-type"].startswith("text/html")


def test_declined_card_fails_the_payment(api, make_shop, stripe_api):
    # given a payment whose page was opened
    payment, url, _ = stripe_payment(make_shop)
    get(api, url)
    # when the card is declined at Stripe and the browser returns
    intent = pay_at_stripe(stripe_api, intent_of(payment), "pm_card_chargeCustomerFail")
    assert intent.status == "requires_payment_method" and intent.last_payment_error
    back = api.get(f"/order/{payment.id}/payment/stripe/return", query_string=urlsplit(url).query)
    # then the payment failed and the app is sent to the fail page
    assert back.status == 302 and back.headers["location"].endswith(f"/order/{payment.id}/payment/fail")
    failed = payments.get_payment(payment.id, payment.user_id)
    assert failed.status == "failed" and failed.failure_reason
    # and the page is no longer usable
    assert get(api, url).headers["location"].endswith("/payment/fail")


def test_confirm_call_pays_with_a_stripe_js_token(api, make_shop, stripe_api):
    # given an opened page and a card token as Stripe.js makes it in the browser
    payment, url, _ = stripe_payment(make_shop)
    get(api, url)
    token = stripe_api.v1.tokens.create(params={"card": {
        "number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}})
    confirm = f"/order/{payment.id}/payment/stripe/confirm"
    query = urlsplit(url).query
    # when the page posts a malformed token, or an unsigned call is made
    assert api.post(confirm, query_string=query, json={"token": "4242424242424242"}).status == 422
    assert api.post(confirm, query_string=query.split("&signature=")[0], json={"token": token.id}).status == 422
    # when the page posts the token
    response = api.post(confirm, query_string=query, json={"token": token.id})
    # then Stripe charged the card, and the return callback settles the payment
    assert response.status == 200 and response.json["data"] == {"status": "succeeded", "requires_action": False}
    back = api.get(f"/order/{payment.id}/payment/stripe/return", query_string=query)
    assert back.headers["location"].endswith("/payment/success") and status_of(payment) == "paid"
    # and a second confirmation is refused
    assert api.post(confirm, query_string=query, json={"token": token.id}).status == 409


def test_cancel_link_leads_to_the_cancel_page(api, make_shop, stripe_api):
    # given an opened page
    payment, url, _ = stripe_payment(make_shop)
    page = get(api, url)
    # then its cancel link is the page the app reads as a failure, and the payment stays payable
    cancel = f"/order/{payment.id}/payment/cancel"
    assert cancel in page.text
    assert api.get(cancel).status == 200 and status_of(payment) == "pending"


# -- webhooks --------------------------------------------------------------------------------


def test_webhook_signature_is_verified(api, make_shop, stripe_api):
    # given a paid intent at Stripe
    payment, url, _ = stripe_payment(make_shop)
    get(api, url)
    intent = pay_at_stripe(stripe_api, intent_of(payment))
    payload = event("payment_intent.succeeded", intent.id)
    # when the event comes unsigned, signed with another secret, or signed too long ago
    unsigned = deliver(api, payload, "")
    forged = deliver(api, payload, signed(payload, secret="whsec_other"))
    stale = deliver(api, payload, signed(payload, timestamp=int(time.time()) - 301))
    # then each is refused and nothing is applied
    assert [unsigned.status, forged.status, stale.status] == [400, 400, 400]
    assert status_of(payment) == "pending"
    # when it comes properly signed, then the payment is paid without any return callback
    assert deliver(api, payload).status == 200 and status_of(payment) == "paid"


def test_webhook_event_is_applied_once(api, make_shop, stripe_api):
    # given a paid intent and its event
    payment, url, _ = stripe_payment(make_shop)
    get(api, url)
    intent = pay_at_stripe(stripe_api, intent_of(payment))
    event_id = f"evt_{secrets.token_hex(8)}"
    payload = event("payment_intent.succeeded", intent.id, event_id)
    # when Stripe delivers it five times
    first, *replays = [deliver(api, payload) for _ in range(5)]
    # then it is applied once and every replay is acknowledged
    assert first.status == 200 and first.json["message"] == "Applied."
    assert [(r.status, r.json["message"]) for r in replays] == [(200, "Already applied.")] * 4
    assert StripeEvent.select().where(StripeEvent.event_id == event_id).count() == 1
    assert status_of(payment) == "paid"


def test_late_failure_event_does_not_unpay(api, make_shop, stripe_api):
    # given a payment paid through its success event
    payment, url, _ = stripe_payment(make_shop)
    get(api, url)
    intent = pay_at_stripe(stripe_api, intent_of(payment))
    deliver(api, event("payment_intent.succeeded", intent.id))
    # when a failure event about the same intent arrives afterwards
    late = deliver(api, event("payment_intent.payment_failed", intent.id))
    # then Stripe's current word (succeeded) stands
    assert late.status == 200 and status_of(payment) == "paid"


def test_failure_event_fails_a_pending_payment(api, make_shop, stripe_api):
    # given a declined card at Stripe and no return callback
    payment, url, _ = stripe_payment(make_shop)
    get(api, url)
    intent = pay_at_stripe(stripe_api, intent_of(payment), "pm_card_chargeCustomerFail")
    # when the failure event arrives, then the payment failed
    assert deliver(api, event("payment_intent.payment_failed", intent.id)).status == 200
    assert status_of(payment) == "failed"


def test_webhook_ignores_other_events_and_answers_503_when_stripe_is_down(api, make_shop, stripe_api):
    # given an event type this plugin does not handle, then it is acknowledged
    ignored = deliver(api, json.dumps({"id": "evt_x", "type": "customer.created", "data": {"object": {}}}).encode())
    assert ignored.status == 200 and ignored.json["message"] == "Ignored."
    # and a payload that is not an event, however well signed, is a 400
    assert deliver(api, b"[1, 2]").status == 400 and deliver(api, b"not json").status == 400
    # given a paid intent, when Stripe cannot be reached while its event is applied
    payment, url, _ = stripe_payment(make_shop)
    get(api, url)
    intent = pay_at_stripe(stripe_api, intent_of(payment))
    event_id = f"evt_{secrets.token_hex(8)}"
    payload = event("payment_intent.succeeded", intent.id, event_id)
    settings = config.settings
    config.settings = dataclasses.replace(settings, stripe_api_base=f"http://127.0.0.1:{free_port()}")
    try:
        down = deliver(api, payload)
    finally:
        config.settings = settings
    # then Stripe is told to retry, and the event is not recorded as applied
    assert down.status == 503
    assert not StripeEvent.select().where(StripeEvent.event_id == event_id).exists()
    # when Stripe retries, then it is applied
    assert deliver(api, payload).status == 200 and status_of(payment) == "paid"


def test_localstripe_delivers_its_webhooks_to_our_server(api, make_shop, stripe_api, localstripe, http_app):
    # given localstripe told to post its events to our real HTTP server
    response = requests.post(f"{localstripe}/_config/webhooks/qutecat-{secrets.token_hex(4)}", data={
        "url": f"{http_app}/api/webhooks/stripe", "secret": WEBHOOK_SECRET,
        "events[]": ["payment_intent.succeeded", "payment_intent.payment_failed"],
    }, timeout=5)
    assert response.status_code == 200
    # when a payment's intent is paid at Stripe and no browser returns
    payment, url, _ = stripe_payment(make_shop)
    get(api, url)
    intent = pay_at_stripe(stripe_api, intent_of(payment))
    # then Stripe's signed event reaches us and pays the payment
    deadline = time.monotonic() + 15
    while status_of(payment) != "paid" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert status_of(payment) == "paid"
    assert payments.get_payment(payment.id, payment.user_id).external_reference == intent.id


# -- refunds ----------------------------------------------------------------------------------


def test_refund_goes_back_through_stripe_once(api, make_shop, stripe_api):
    # given a paid Stripe payment
    payment, url, shop_id = stripe_payment(make_shop, amount=3000)
    get(api, url)
    intent = pay_at_stripe(stripe_api, intent_of(payment))
    get(api, url.replace("/payment?", "/payment/stripe/return?"))
    assert status_of(payment) == "paid"
    reference = f"refund:test:{secrets.token_hex(4)}"
    # when part of it is refunded, twice with the same reference
    first = payments.refund(payment, shop_id, f"order:{payment.id}", 1200, reference)
    again = payments.refund(payment, shop_id, f"order:{payment.id}", 1200, reference)
    # then Stripe refunded it once, on the payment's intent
    assert first.method == "gateway" and first.external_reference.startswith("re_") and again.id == first.id
    refund = stripe_api.v1.refunds.retrieve(first.external_reference)
    assert (refund.amount, refund.payment_intent) == (1200, intent.id)
    assert payments.get_payment(payment.id, payment.user_id).refunded_amount == 1200


# -- in a real browser ------------------------------------------------------------------------


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_customer_pays_in_a_headless_browser(make_shop, stripe_api, http_app):
    from playwright.sync_api import sync_playwright

    # given a placed Stripe payment, opened as the app's web view opens it (our real HTTP server)
    payment, url, _ = stripe_payment(make_shop, amount=1999)
    page_url = f"{http_app}{path_of(url)}"
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        try:
            page = browser.new_page()
            page.goto(page_url)
            # when the customer types the card into the Stripe.js card element and pays
            page.fill("input[placeholder=number]", "4242424242424242")
            page.fill("input[placeholder=exp_month]", "12")
            page.fill("input[placeholder=exp_year]", "30")
            page.fill("input[placeholder=cvc]", "123")
            page.fill("input[placeholder=postal_code]", "42424")
            page.click("button[type=submit]")
            # then the web view ends on the success page, and the payment is paid
            page.wait_for_url("**/payment/success", timeout=20_000)
            assert f"/order/{payment.id}/payment/success" in page.url
        finally:
            browser.close()
    assert status_of(payment) == "paid"
