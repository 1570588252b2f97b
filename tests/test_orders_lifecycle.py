"""After placing: customer cancel with restock, transitions refused, payments, expiry, invoices,
ordering again, isolation between customers, and the ``order_status_changed`` hook."""

import datetime as dt

import pytest

import catalog_fixtures as cf
from kernel import context
from kernel.hookspecs import hookimpl
from orders_fixtures import add, buyer_with_address, install_webpay, place
from plugins.catalog.models import FlashSaleProduct, Product
from plugins.orders.orders import services, tasks
from plugins.orders.orders.models import Order, OrderStatusEvent
from plugins.payments import services as payments
from plugins.payments.models import Payment


@pytest.fixture
def shop(api, root_token):
    shop_id = cf.shop(api, root_token, "starter")[0]
    cf.shop_profile(shop_id, delivery_charge=300)
    return shop_id


@pytest.fixture
def webpay(platform):
    remove = install_webpay(platform)
    yield "webpay"
    remove()


def placed(api, shop_id, method="cash", quantity=2, flash=False):
    """A customer's placed order of one product: ``(order, product, token)``."""
    product = cf.product(shop_id, category=cf.category(), price=1000, quantity=10)
    if flash:
        cf.flash_sale([(product, 700, 5)])
    user, token, address_id = buyer_with_address()
    add(api, token, product.id, quantity=quantity)
    response = place(api, token, address_id, [shop_id], method=method)
    assert response.status == 200, response
    with context.use(user=user.id):
        order = Order.across_tenants().where(Order.user == user.id).get()
    return order, product, token


def reload(order) -> Order:
    with context.use(tenant=order.tenant_id):
        return Order.get_by_id(order.id)


def payment_of(order) -> Payment:
    with context.use(user=order.user_id):
        return Payment.get_by_id(order.payment_id)


def stock_of(product) -> int:
    with context.use(tenant=product.tenant_id):
        return Product.get_by_id(product.id).quantity


def test_customer_cancels_a_pending_order_and_the_stock_comes_back(api, shop):
    # given a pending cash order of two units bought at a flash sale
    order, product, token = placed(api, shop, flash=True)
    assert stock_of(product) == 8
    # when the customer cancels it through the app's route
    response = api.post("/api/orders/cancel", json={"order_id": order.id}, token=token)
    # then it is cancelled, the stock and the flash slot are back, the payment is given up, history kept
    assert response.status == 200, response
    assert reload(order).order_status == "Cancelled" and stock_of(product) == 10
    with context.use(tenant=shop):
        assert FlashSaleProduct.get(FlashSaleProduct.product == product.id).sold == 0
        events = [(e.from_status, e.to_status, e.actor) for e in
                  OrderStatusEvent.select().where(OrderStatusEvent.order == order.id).order_by(OrderStatusEvent.id)]
    assert events == [(None, "Pending", "customer"), ("Pending", "Cancelled", "customer")]
    assert payment_of(order).status == "cancelled"
    # and cancelling again is refused with 422 (canonical route too), stock unchanged
    again = api.post(f"/api/orders/{order.id}/cancel", token=token)
    assert again.status == 422 and "order_status" in again.json["errors"] and stock_of(product) == 10


def test_customer_cannot_cancel_once_confirmed(api, shop):
    order, product, token = placed(api, shop)
    services.change_status(order, "Confirm", "seller", None)
    response = api.post("/api/orders/cancel", json={"order_id": order.id}, token=token)
    assert response.status == 422 and reload(order).order_status == "Confirm" and stock_of(product) == 8


def test_another_customers_order_answers_404_everywhere(api, shop):
    order, _, _ = placed(api, shop)
    _, stranger, _ = buyer_with_address()
    answers = [
        api.get("/api/order-details", token=stranger, params={"order_id": order.id}),
        api.get(f"/api/orders/{order.id}", token=stranger),
        api.post("/api/orders/cancel", json={"order_id": order.id}, token=stranger),
        api.post(f"/api/orders/{order.id}/cancel", token=stranger),
        api.get(f"/api/order-payment/{order.id}/webpay", token=stranger),
        api.post("/api/place-order/again", json={"order_id": order.id, "payment_method": "cash"}, token=stranger),
    ]
    assert [a.status for a in answers] == [404] * 6
    assert api.get("/api/orders", token=stranger).json["data"]["total"] == 0
    assert reload(order).order_status == "Pending"


def test_a_paid_online_order_cancelled_is_refunded(api, shop, webpay):
    # given an online order whose payment succeeded
    order, product, token = placed(api, shop, method="webpay")
    assert payments.mark_paid(payment_of(order))
    assert reload(order).payment_status == "Paid"
    # when the seller cancels it
    services.change_status(reload(order), "Cancelled", "seller", None)
    # then the stock is back and the payment refunded
    payment = payment_of(order)
    assert payment.refunded_amount == order.payable and payment.status == "refunded"
    assert stock_of(product) == 10


def test_unpaid_online_orders_expire_and_release_stock(api, shop, webpay):
    # given an unpaid online order and a cash order, both older than the expiry
    online, product, _ = placed(api, shop, method="webpay")
    cash, cash_product, _ = placed(api, shop)
    later = dt.datetime.utcnow() + dt.timedelta(minutes=services.DEFAULT_EXPIRY_MINUTES + 1)
    # when the expiry runs (twice: it is idempotent)
    assert services.expire_unpaid(shop, now=later) == 1
    assert services.expire_unpaid(shop, now=later) == 0
    # then only the online order is cancelled, by the system, and its stock released
    assert reload(online).order_status == "Cancelled" and reload(cash).order_status == "Pending"
    assert stock_of(product) == 10 and stock_of(cash_product) == 8
    assert payment_of(online).status == "cancelled"
    # and the task carries the tenant
    assert tasks.expire_orders(tenant_id=shop) is not None


def test_pay_now_returns_a_payment_url_for_an_unpaid_online_order(api, shop, webpay):
    order, _, token = placed(api, shop, method="webpay")
    response = api.get(f"/api/order-payment/{order.id}/webpay", token=token)
    assert response.status == 200 and response.json["data"]["order_payment_url"].startswith("https://pay.example/")
    assert api.get(f"/api/order-payment/{order.id}/cash", token=token).status == 422
    cash, _, cash_token = placed(api, shop)
    assert api.post(f"/api/order-payment/{cash.id}/webpay", token=cash_token).status == 422


def test_invoice_url_is_fetched_without_a_token(api, shop):
    # given a placed order (its invoice is made by a task after commit)
    order, _, token = placed(api, shop)
    url = api.get(f"/api/orders/{order.id}", token=token).json["data"]["order"]["invoice_url"]
    assert url
    # when the URL is fetched without credentials, then it is the PDF
    path, _, query = url.partition("://")[2].partition("/")[2].partition("?")
    response = api.client.simulate_get(f"/{path}", query_string=query, host=api.host)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    # and a tampered signature is refused
    assert api.get(f"/{path}", query_string=query.replace("signature=", "signature=0")).status == 403


def test_order_again_places_a_new_order_of_a_delivered_one(api, shop):
    order, product, token = placed(api, shop)
    for status in ("Confirm", "Processing", "On The Way", "Delivered"):
        order = services.change_status(order, status, "seller", None)
    response = api.post("/api/place-order/again", json={"order_id": order.id, "payment_method": "cash"}, token=token)
    assert response.status == 200, response
    assert response.json["data"]["order_payment_url"] is None
    assert stock_of(product) == 6
    pending, _, pending_token = placed(api, shop)
    again = api.post("/api/place-order/again", json={"order_id": pending.id, "payment_method": "cash"},
                     token=pending_token)
    assert again.status == 422


class StatusProbe:
    def __init__(self):
        self.calls = []

    @hookimpl
    def order_status_changed(self, order, from_status, to_status, actor):
        self.calls.append((order.id, from_status, to_status, actor, order.order_status))


def test_hook_order_status_changed(api, shop, platform):
    order, _, token = placed(api, shop)
    probe = StatusProbe()
    platform.host.pm.register(probe, name="status_probe")
    try:
        api.post("/api/orders/cancel", json={"order_id": order.id}, token=token)
    finally:
        platform.host.pm.unregister(name="status_probe")
    assert probe.calls == [(order.id, "Pending", "Cancelled", "customer", "Cancelled")]
