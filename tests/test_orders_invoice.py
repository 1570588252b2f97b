"""Invoices: the canonical ``GET /api/orders/{id}/invoice`` (and the seller's), rendered on demand
once, and the app's ``invoice_url`` fetched with no token through the local storage's signed link;
the ``payment_receipt_url`` of a paid order, likewise."""

import datetime as dt
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

import catalog_fixtures as cf
from kernel import context, db, storage
from kernel.orm import utcnow
from orders_fixtures import add, buyer_with_address, install_webpay, place
from plugins.orders.orders import invoice, services, tasks
from plugins.orders.orders.models import Order
from plugins.payments import services as payments
from plugins.payments.models import Payment

INVOICE_SPEC_KEYS = {"invoice_url", "expires_in"}


@pytest.fixture
def shop(make_shop):
    """A shop with its seller's token: ``(shop_id, seller_token)``."""
    made, seller_token, _ = make_shop("starter")
    cf.shop_profile(made["id"])
    return made["id"], seller_token


def placed(api, shop_id, method="cash"):
    """A customer's pending order: ``(order, token)`` (its invoice made by the placing task)."""
    product = cf.product(shop_id, category=cf.category(), price=1250, quantity=5)
    user, token, address_id = buyer_with_address()
    add(api, token, product.id, quantity=2)
    assert place(api, token, address_id, [shop_id], method=method).status == 200
    with context.use(user=user.id):
        return Order.across_tenants().where(Order.user == user.id).get(), token


def reload(order) -> Order:
    with context.use(tenant=order.tenant_id):
        return Order.get_by_id(order.id)


def forget_invoice(order) -> None:
    """As if the placing task had not run yet: no key, no file."""
    storage.backend().delete(reload(order).invoice_key, private=True)
    with context.use(tenant=order.tenant_id), db.transaction():
        Order.update(invoice_key=None).where(Order.id == order.id).execute()


def fetch(api, url: str):
    """GET a link as the app's downloader does: no Authorization header."""
    parsed = urlparse(url)
    return api.client.simulate_get(parsed.path, query_string=parsed.query, host=api.host)


def invoices_of(order, folder="invoices") -> list:
    return sorted((storage.backend().root / "private" / folder / str(order.tenant_id)).glob(f"{order.id}-*.pdf"))


def test_customer_gets_a_signed_link_and_a_missing_invoice_is_made_once(api, shop):
    # given a placed order whose invoice is not made yet
    order, token = placed(api, shop[0])
    forget_invoice(order)
    # when the customer asks for its invoice twice
    first = api.get(f"/api/orders/{order.id}/invoice", token=token)
    second = api.get(f"/api/orders/{order.id}/invoice", token=token)
    # then each answer is a signed, expiring link, and the invoice was made once
    assert first.status == 200 and second.status == 200, first
    assert set(first.json["data"]) == INVOICE_SPEC_KEYS and first.json["data"]["expires_in"] == invoice.URL_LIFETIME
    key = reload(order).invoice_key
    assert key and urlparse(first.json["data"]["invoice_url"]).path == f"/media-private/{key}"
    assert len(invoices_of(order)) == 1
    # and the link downloads the PDF with no token
    pdf = fetch(api, first.json["data"]["invoice_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"


def test_the_shops_seller_gets_the_invoice_too(api, shop, make_shop):
    # given an order of the seller's shop, and another shop's seller
    shop_id, seller_token = shop
    order, _ = placed(api, shop_id)
    _, other_seller, _ = make_shop("starter")
    # when both ask for it on the seller route
    mine = api.get(f"/api/seller/orders/{order.id}/invoice", token=seller_token)
    theirs = api.get(f"/api/seller/orders/{order.id}/invoice", token=other_seller)
    # then the shop's seller gets the link and the other shop's seller 404
    assert mine.status == 200 and fetch(api, mine.json["data"]["invoice_url"]).content.startswith(b"%PDF")
    assert theirs.status == 404 and "data" not in theirs.json


def test_another_customers_order_answers_404(api, shop):
    # given a placed order and a stranger
    order, _ = placed(api, shop[0])
    _, stranger, _ = buyer_with_address()
    # when the stranger, nobody, or the customer with an unknown id asks for an invoice
    answers = [api.get(f"/api/orders/{order.id}/invoice", token=stranger),
               api.get(f"/api/orders/{order.id}/invoice"),
               api.get("/api/orders/999999999/invoice", token=stranger)]
    # then 404, 401, 404, never with data
    assert [a.status for a in answers] == [404, 401, 404]
    assert all("data" not in a.json and isinstance(a.json["message"], str) for a in answers)


def test_app_invoice_url_downloads_without_a_token(api, shop):
    # given the order details the app reads
    order, token = placed(api, shop[0])
    details = api.get("/api/order-details", params={"order_id": order.id}, token=token).json["data"]["order"]
    # when the downloader fetches invoice_url with no Authorization header
    response = fetch(api, details["invoice_url"])
    # then it is the order's PDF, not cached by shared caches
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "private, no-store"


@pytest.mark.parametrize("tamper", ["signature", "expires", "key"])
def test_a_tampered_invoice_url_is_refused(api, shop, tamper):
    # given the app's invoice_url of one order, and another order's invoice
    order, token = placed(api, shop[0])
    other, _ = placed(api, shop[0])
    url = urlparse(api.get(f"/api/orders/{order.id}", token=token).json["data"]["order"]["invoice_url"])
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    path = url.path
    # when one part of it is changed
    if tamper == "signature":
        params["signature"] = ("0" if params["signature"][0] != "0" else "1") + params["signature"][1:]
    elif tamper == "expires":
        params["expires"] = str(int(params["expires"]) + 3600)
    else:
        path = f"/media-private/{reload(other).invoice_key}"
    response = api.client.simulate_get(path, query_string=urlencode(params), host=api.host)
    # then it is refused in the envelope
    assert response.status_code == 403 and "data" not in response.json


def test_an_expired_invoice_url_is_refused(api, shop, monkeypatch):
    # given an invoice_url that has outlived its lifetime
    order, token = placed(api, shop[0])
    monkeypatch.setattr(invoice, "URL_LIFETIME", -1)
    url = api.get(f"/api/orders/{order.id}", token=token).json["data"]["order"]["invoice_url"]
    # when it is fetched, then it is refused
    response = fetch(api, url)
    assert response.status_code == 403 and "data" not in response.json


def test_invoice_task_and_a_late_renderer_keep_one_invoice(api, shop):
    # given an order whose invoice the placing task made
    order, _ = placed(api, shop[0])
    key = reload(order).invoice_key
    # when the task runs again, and a renderer that read the order before the key was stored finishes
    again = tasks.make_invoice(order.id, tenant_id=order.tenant_id)
    stale = reload(order)
    stale.invoice_key = None
    late = invoice.ensure(stale)
    # then the first key stays and the late renderer's file is removed
    assert again.get() == key and late == key
    assert [path.name for path in invoices_of(order)] == [key.rsplit("/", 1)[1]]


def test_a_paid_order_has_a_payment_receipt_and_an_unpaid_one_none(api, shop):
    # given a pending cash order: nothing is paid yet, so there is no receipt
    order, token = placed(api, shop[0])
    details = api.get("/api/order-details", params={"order_id": order.id}, token=token).json["data"]["order"]
    assert details["payment_status"] == "Pending" and details["payment_receipt_url"] is None
    # when it is delivered (the cash is collected) and the app reads the details twice
    for status in ("Confirm", "Processing", "On The Way", "Delivered"):
        order = services.change_status(order, status, "seller", None)
    urls = [api.get("/api/order-details", params={"order_id": order.id}, token=token).json["data"]["order"]
            ["payment_receipt_url"] for _ in range(2)]
    # then the receipt was made once and its link downloads the PDF with no token
    key = reload(order).receipt_key
    assert key and all(urlparse(url).path == f"/media-private/{key}" for url in urls)
    assert len(invoices_of(order, "receipts")) == 1
    response = fetch(api, urls[0])
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response.headers["content-type"] == "application/pdf"


def test_an_online_payment_gets_its_receipt_once_settled(api, shop, platform):
    # given an online order, unpaid and then settled by its gateway
    remove = install_webpay(platform)
    try:
        order, token = placed(api, shop[0], method="webpay")
        before = api.get(f"/api/orders/{order.id}", token=token).json["data"]["order"]["payment_receipt_url"]
        with context.use(user=order.user_id):
            assert payments.mark_paid(Payment.get_by_id(order.payment_id))
        after = api.get(f"/api/orders/{order.id}", token=token).json["data"]["order"]["payment_receipt_url"]
    finally:
        remove()
    # then the receipt appears with the payment and downloads with no token
    assert before is None and fetch(api, after).content.startswith(b"%PDF")


def test_reading_a_paid_order_renders_no_receipt_the_task_does(api, shop):
    # given a delivered cash order whose receipt task has not run (its key is cleared, its file removed)
    order, token = placed(api, shop[0])
    for status in ("Confirm", "Processing", "On The Way", "Delivered"):
        order = services.change_status(order, status, "seller", None)
    key = reload(order).receipt_key
    storage.backend().delete(key, private=True)
    with context.use(tenant=order.tenant_id), db.transaction():
        Order.update(receipt_key=None).where(Order.id == order.id).execute()
    # when the app reads the details, then there is no link yet and nothing was rendered
    details = api.get("/api/order-details", params={"order_id": order.id}, token=token).json["data"]["order"]
    assert details["payment_status"] == "Paid" and details["payment_receipt_url"] is None
    assert invoices_of(order, "receipts") == [] and reload(order).receipt_key is None
    # when the task runs (twice: a retry), then one receipt exists and the details link it
    first = tasks.make_receipt(order.id, tenant_id=order.tenant_id).get()
    assert tasks.make_receipt(order.id, tenant_id=order.tenant_id).get() == first
    url = api.get("/api/order-details", params={"order_id": order.id}, token=token).json["data"]["order"][
        "payment_receipt_url"]
    assert urlparse(url).path == f"/media-private/{first}" and len(invoices_of(order, "receipts")) == 1


def test_the_sweep_makes_the_documents_whose_tasks_were_lost(api, shop):
    # given a delivered cash order and a pending one whose document tasks were lost (keys cleared, files removed)
    delivered, _ = placed(api, shop[0])
    for status in ("Confirm", "Processing", "On The Way", "Delivered"):
        delivered = services.change_status(delivered, status, "seller", None)
    pending, _ = placed(api, shop[0])
    for order in (delivered, pending):
        made = reload(order)
        for key in (made.invoice_key, made.receipt_key):
            if key:
                storage.backend().delete(key, private=True)
        with context.use(tenant=order.tenant_id), db.transaction():
            Order.update(invoice_key=None, receipt_key=None).where(Order.id == order.id).execute()
    # when the sweep runs within minutes of their last change, it leaves them to their tasks
    assert tasks.make_missing_documents(tenant_id=shop[0]).get() == 0
    # when it runs later, each order gets what it lacks, once: both invoices, and the paid order's receipt
    later = utcnow() + tasks.SWEEP_AFTER + dt.timedelta(seconds=1)
    assert tasks.make_missing_documents(now=later, tenant_id=shop[0]).get() == 2
    assert tasks.make_missing_documents(now=later, tenant_id=shop[0]).get() == 0
    assert reload(delivered).invoice_key and reload(delivered).receipt_key
    assert reload(pending).invoice_key and reload(pending).receipt_key is None
    assert len(invoices_of(delivered)) == 1 and len(invoices_of(delivered, "receipts")) == 1
    assert len(invoices_of(pending)) == 1 and invoices_of(pending, "receipts") == []
