"""Returns: asking through the app's and the canonical routes, every refusal, ownership, the shop's
decisions by the transition table, and the refund an approval makes (wallet, cash, Stripe), once."""

import datetime as dt
import os
from concurrent.futures import ThreadPoolExecutor

import pytest

import catalog_fixtures as cf
from contract import assert_dart_types, under
from kernel import context, db, invalidation
from kernel.hookspecs import hookimpl
from orders_fixtures import WebPay, add, buyer_with_address, place
from payments_fixtures import fund
from plugins.catalog.models import Product
from plugins.orders.orders import services as orders
from plugins.orders.orders.models import Order
from plugins.orders.returns.models import ReturnOrder, ReturnOrderItem
from plugins.payments import ledger
from plugins.payments import services as payments
from plugins.payments.models import (
    CUSTOMER_WALLET, PLATFORM, PLATFORM_OWNER, SHOP_WALLET, Payment, PaymentGateway, Refund,
)
from plugins.platform import services as platform
from test_payments_stripe import get, intent_of, localstripe, pay_at_stripe, stripe_api, stripe_on  # noqa: F401

RETURN_ORDER = {
    "id": "int!", "order_id": "String!", "reason": "String!", "amount": "double!", "status": "String!",
    "payment_status": "String!", "reject_note": "dynamic", "return_date": "String!", "return_address": "String!",
}
RETURN_DETAILS = {
    **RETURN_ORDER, "shop_name": "String!", "shop_logo": "String!", "shop_rating": "double!",
    "customer_name": "String!", "customer_phone": "String?", "customer_email": "String?",
    "return_order_products": "List!", "return_order_products[].product_id": "int!",
    "return_order_products[].product_name": "String!", "return_order_products[].product_price": "double!",
    "return_order_products[].thumbnail": "String!", "return_order_products[].quantity": "int!",
    "return_order_products[].color": "String?", "return_order_products[].size": "String?",
    "return_order_products[].unit": "String?", "return_order_products[].price": "double!",
}
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
FORM = {"reason": "Too small", "return_address": "Road 1, Gulshan", "bank_account_number": "0123456789",
        "bank_name": "City Bank"}


@pytest.fixture
def shop(make_shop):
    """A Starter shop delivering itself with a 3.00 delivery charge: ``(shop id, seller token)``.

    The platform's commission is set to 10 % here, since other tests (the API fuzz) may change it.
    """
    with db.transaction():
        payments.update_settings({"commission_percent": 10})
    created, seller_token, _ = make_shop("starter")
    cf.shop_profile(created["id"], delivery_charge=300)
    return created["id"], seller_token


class Delivered:
    """A customer's delivered order of 2 x 10.00 (``first``) and 1 x 25.00 (``second``) plus 3.00 delivery."""

    def __init__(self, api, shop_id, method="cash", deliver=True):
        category = cf.category()
        self.first = cf.product(shop_id, category=category, price=1000, quantity=10)
        self.second = cf.product(shop_id, category=category, price=2500, quantity=10)
        self.user, self.token, address_id = buyer_with_address()
        if method == "wallet":
            fund(self.user.id, 10_000)
        add(api, self.token, self.first.id, quantity=2)
        add(api, self.token, self.second.id)
        response = place(api, self.token, address_id, [shop_id], method=method)
        assert response.status == 200, response
        self.payment_url = response.json["data"]["order_payment_url"]
        self.order = self.reload()
        if deliver:
            self.deliver()

    def reload(self) -> Order:
        with context.use(user=self.user.id):
            return Order.across_tenants().where(Order.user == self.user.id).get()

    def deliver(self) -> None:
        for status in ("Confirm", "Processing", "On The Way", "Delivered"):
            self.order = orders.change_status(self.order, status, "seller", None)

    def ask(self, api, product_ids, path="/api/return-order", **changes):
        body = {"order_id": self.order.id, "product_ids": product_ids, **FORM, **changes}
        return api.post(path, json=body, token=self.token)

    def returned(self, api, product_ids) -> int:
        response = self.ask(api, product_ids)
        assert response.status == 200, response
        return response.json["data"]["returnOrder"]["id"]


def decide(api, seller_token, return_id, status, note=None):
    body = {"status": status} if note is None else {"status": status, "note": note}
    return api.post(f"/api/seller/return-order/{return_id}/status-change", json=body, token=seller_token)


def stock_of(product) -> int:
    with context.use(tenant=product.tenant_id):
        return Product.get_by_id(product.id).quantity


def refunds_of(return_id, shop_id, user_id) -> list[Refund]:
    with context.use(tenant=shop_id, user=user_id):
        return list(Refund.select().where(Refund.reference == f"return:{return_id}"))


def entry(account, owner, reason, reference, shop_id, user_id=None):
    with context.use(tenant=shop_id, user=user_id):
        return ledger.entry_of(account, owner, reason, reference)


def assert_refused(response, field):
    """A 422 in the envelope: a String message, the field's error, and no ``data`` for the app to trust."""
    assert response.status == 422, response
    assert isinstance(response.json["message"], str) and field in response.json["errors"]
    assert "data" not in response.json


# -- asking ------------------------------------------------------------------------------


def test_app_asks_for_a_return_and_every_read_parses(api, shop):
    # given a delivered cash order of two products
    shop_id, _ = shop
    bought = Delivered(api, shop_id)
    # when the app asks to return the first product (its two units)
    response = bought.ask(api, [bought.first.id])
    # then it answers exactly 200 with a Pending, unrefunded return worth what the lines were sold at
    assert response.status == 200, response
    created = response.json["data"]["returnOrder"]
    assert_dart_types(response.json, under("data.returnOrder", RETURN_DETAILS))
    assert (created["status"], created["payment_status"], created["amount"]) == ("Pending", "Unpaid", 20.0)
    assert created["order_id"] == bought.order.code and created["quantity"] == 2
    assert [p["product_id"] for p in created["return_order_products"]] == [bought.first.id]
    # and the list (no page sent, or bare keys as Dio sends them) and the details parse as the app reads them
    for listing in (api.get("/api/return-orders", token=bought.token),
                    api.get("/api/return-orders", token=bought.token, query_string="page&per_page")):
        assert listing.status == 200, listing
        assert listing.json["data"]["total"] == 1
        assert_dart_types(listing.json, {"data.total": "int!", "data.returnOrders": "List!",
                                         **under("data.returnOrders[]", RETURN_ORDER)})
    details = api.get(f"/api/return-order-details/{created['id']}", token=bought.token)
    assert details.status == 200 and isinstance(details.json["data"]["returnOrders"], dict)
    assert_dart_types(details.json, under("data.returnOrders", RETURN_DETAILS))
    canonical = api.get(f"/api/return-orders/{created['id']}", token=bought.token)
    assert canonical.json["data"] == details.json["data"]
    # and the order's lines say which may still be returned (``is_returned`` means "returnable")
    order = api.get(f"/api/orders/{bought.order.id}", token=bought.token).json["data"]["order"]
    assert {line["id"]: line["is_returned"] for line in order["products"]} == {
        bought.first.id: False, bought.second.id: True}
    assert order["is_returnable"] is True


def test_canonical_route_asks_with_201_and_lists_newest_first(api, shop):
    shop_id, _ = shop
    bought = Delivered(api, shop_id)
    first = bought.ask(api, [bought.first.id], path="/api/return-orders")
    second = bought.ask(api, [bought.second.id], path="/api/return-orders")
    assert (first.status, second.status) == (201, 201)
    listing = api.get("/api/return-orders", token=bought.token, params={"page": 1, "per_page": 1}).json["data"]
    assert listing["total"] == 2 and [r["id"] for r in listing["returnOrders"]] == [
        second.json["data"]["returnOrder"]["id"]]
    # and once every line is in a return, the order offers no "Return" action any more
    order = api.get(f"/api/orders/{bought.order.id}", token=bought.token).json["data"]["order"]
    assert [line["is_returned"] for line in order["products"]] == [False, False]
    assert order["is_returnable"] is False


def test_the_return_window_follows_the_platform_setting(api, shop):
    # given an order delivered eight days ago, and a platform that allows returns for ten days
    shop_id, _ = shop
    bought = Delivered(api, shop_id)
    with context.use(tenant=shop_id), db.transaction():
        Order.update(delivered_at=dt.datetime.utcnow() - dt.timedelta(days=8)).where(
            Order.id == bought.order.id).execute()
    with db.transaction():
        platform.set_settings({orders.RETURN_DAYS_SETTING: 10})
    try:
        # when the app reads the order, then it offers the return with the platform's window
        order = api.get(f"/api/orders/{bought.order.id}", token=bought.token).json["data"]["order"]
        assert (order["is_returnable"], order["return_order_within_days"]) == (True, 10)
        # and asking for it is accepted
        assert bought.ask(api, [bought.first.id]).status == 200
    finally:
        with db.transaction():
            platform.set_settings({orders.RETURN_DAYS_SETTING: orders.DEFAULT_RETURN_DAYS})


def test_every_refusal_answers_422_without_data(api, shop):
    shop_id, _ = shop
    # given an order not delivered yet
    pending = Delivered(api, shop_id, deliver=False)
    assert_refused(pending.ask(api, [pending.first.id]), "order_id")
    # given a delivered order whose return window has closed
    late = Delivered(api, shop_id)
    with context.use(tenant=shop_id), db.transaction():
        Order.update(delivered_at=dt.datetime.utcnow() - dt.timedelta(days=orders.return_days(), minutes=1)).where(
            Order.id == late.order.id).execute()
    assert_refused(late.ask(api, [late.first.id]), "order_id")
    # given a returnable order: a product it lacks, a line returned already, a cash order without a bank account
    bought = Delivered(api, shop_id)
    assert_refused(bought.ask(api, [bought.first.id, late.second.id]), "product_ids")
    bought.returned(api, [bought.first.id])
    assert_refused(bought.ask(api, [bought.second.id, bought.first.id]), "product_ids")
    assert_refused(bought.ask(api, [bought.second.id], bank_account_number=""), "bank_account_number")
    # and bodies that do not fit the schema
    assert_refused(bought.ask(api, []), "product_ids")
    assert_refused(bought.ask(api, [bought.second.id], reason=None), "reason")
    assert_refused(bought.ask(api, [1.5]), "product_ids.0")
    # then nothing but the one return was made
    with context.use(tenant=shop_id):
        assert ReturnOrder.select().count() == 1


def test_another_customers_order_and_return_answer_404(api, shop):
    shop_id, _ = shop
    bought = Delivered(api, shop_id)
    return_id = bought.returned(api, [bought.first.id])
    _, stranger, _ = buyer_with_address()
    answers = [
        api.post("/api/return-order", json={"order_id": bought.order.id, "product_ids": [bought.second.id], **FORM},
                 token=stranger),
        api.post("/api/return-orders", json={"order_id": bought.order.id, "product_ids": [bought.second.id],
                                             **FORM}, token=stranger),
        api.get(f"/api/return-order-details/{return_id}", token=stranger),
        api.get(f"/api/return-orders/{return_id}", token=stranger),
    ]
    assert [a.status for a in answers] == [404] * 4
    assert all("data" not in a.json for a in answers)
    assert api.get("/api/return-orders", token=stranger).json["data"] == {"total": 0, "returnOrders": []}


def test_routes_check_roles(api, shop):
    shop_id, seller_token = shop
    bought = Delivered(api, shop_id)
    return_id = bought.returned(api, [bought.first.id])
    assert api.get("/api/return-orders").status == 401
    assert api.get("/api/seller/return-orders", token=bought.token).status == 403
    assert decide(api, bought.token, return_id, "Approved").status == 403
    assert api.get("/api/return-orders", token=seller_token).status == 403


@pytest.mark.skipif(not ON_POSTGRES, reason="row-level security is PostgreSQL's")
def test_the_database_shows_a_return_to_its_shop_and_its_customer_only(api, shop, make_shop):
    # given a return, another customer and another shop
    shop_id, _ = shop
    bought = Delivered(api, shop_id)
    return_id = bought.returned(api, [bought.first.id])
    stranger, _ = cf.customer()
    other_shop, _, _ = make_shop("starter")

    def visible(tenant, user) -> tuple[int, int]:
        with context.use(tenant=tenant, user=user):
            return (ReturnOrder.across_tenants().where(ReturnOrder.id == return_id).count(),
                    ReturnOrderItem.across_tenants().where(ReturnOrderItem.return_order == return_id).count())

    # then the database itself shows it to its shop and its customer, and to no one else
    assert visible(shop_id, None) == visible(None, bought.user.id) == (1, 1)
    assert visible(other_shop["id"], None) == visible(None, stranger.id) == visible(None, None) == (0, 0)
    # and the customer cannot change it, even naming its shop's id
    with context.use(tenant=None, user=bought.user.id), db.transaction():
        cursor = db.database.obj.execute_sql("UPDATE return_order SET status = 'Approved' WHERE id = %s", (return_id,))
        assert cursor.rowcount == 0


# -- the shop's side -----------------------------------------------------------------------


def test_seller_lists_and_reads_its_returns_and_another_shop_gets_404(api, shop, make_shop):
    shop_id, seller_token = shop
    bought = Delivered(api, shop_id)
    return_id = bought.returned(api, [bought.second.id])
    # the shop's list and details, through both route sets
    listing = api.get("/api/seller/return-orders", token=seller_token)
    assert listing.status == 200 and listing.json["data"]["total"] == 1
    assert api.get("/api/seller/return-orders", token=seller_token,
                   params={"status": "pending"}).json["data"]["total"] == 1
    assert api.get("/api/seller/return-orders", token=seller_token,
                   params={"status": "approved"}).json["data"]["total"] == 0
    details = api.get(f"/api/seller/return-order-details/{return_id}", token=seller_token)
    assert details.status == 200
    assert_dart_types(details.json, under("data.returnOrders", RETURN_DETAILS))
    shown = details.json["data"]["returnOrders"]
    assert shown["customer_name"] == bought.user.name and shown["bank_account_number"] == FORM["bank_account_number"]
    assert shown["order"] == {"id": bought.order.id, "code": bought.order.code}
    assert api.get(f"/api/seller/return-orders/{return_id}", token=seller_token).json["data"] == details.json["data"]
    # another shop's seller sees none of it and cannot decide it
    _, other_seller, _ = make_shop("starter")
    answers = [
        api.get(f"/api/seller/return-order-details/{return_id}", token=other_seller),
        api.get(f"/api/seller/return-orders/{return_id}", token=other_seller),
        decide(api, other_seller, return_id, "Approved"),
        api.post(f"/api/seller/return-orders/{return_id}/status", json={"status": "Rejected"}, token=other_seller),
    ]
    assert [a.status for a in answers] == [404] * 4
    assert api.get("/api/seller/return-orders", token=other_seller).json["data"]["total"] == 0
    assert api.get(f"/api/return-order-details/{return_id}", token=bought.token).json["data"]["returnOrders"][
        "status"] == "Pending"


def test_seller_moves_returns_by_the_table(api, shop):
    shop_id, seller_token = shop
    bought = Delivered(api, shop_id)
    return_id = bought.returned(api, [bought.first.id])
    # a refusal carries the shop's note and moves no money or stock
    rejected = decide(api, seller_token, return_id, "rejected", note="Worn")
    assert rejected.status == 200, rejected
    shown = rejected.json["data"]["returnOrders"]
    assert (shown["status"], shown["payment_status"], shown["reject_note"]) == ("Rejected", "Unpaid", "Worn")
    assert stock_of(bought.first) == 8 and refunds_of(return_id, shop_id, bought.user.id) == []
    # a refusal becomes no other refusal and never Pending again; unknown statuses are refused
    for wanted in ("Damaged", "Mismatch", "Pending", "Rejected", "nonsense"):
        assert_refused(decide(api, seller_token, return_id, wanted), "status")
    # the shop may still approve it, which is final
    approved = api.post(f"/api/seller/return-orders/{return_id}/status", json={"status": "Approved"},
                        token=seller_token)
    assert approved.status == 200 and approved.json["data"]["returnOrders"]["status"] == "Approved"
    for wanted in ("Rejected", "Damaged", "Mismatch", "Pending", "Approved"):
        assert_refused(decide(api, seller_token, return_id, wanted), "status")
    # and Damaged and Mismatch refuse a Pending return like Rejected does
    for refusal in ("Damaged", "Mismatch"):
        again = Delivered(api, shop_id)
        answer = decide(api, seller_token, again.returned(api, [again.second.id]), refusal)
        assert answer.status == 200 and answer.json["data"]["returnOrders"]["payment_status"] == "Unpaid"


# -- refunds ---------------------------------------------------------------------------------


def test_approving_a_wallet_return_refunds_to_the_wallet_and_restocks(api, shop):
    # given a delivered order paid from the wallet (48.00 of 100.00), its shop credited on delivery
    shop_id, seller_token = shop
    bought = Delivered(api, shop_id, method="wallet")
    user_id = bought.user.id
    with context.use(user=user_id):
        assert ledger.balance(CUSTOMER_WALLET, user_id) == 10_000 - 4800
    return_id = bought.returned(api, [bought.first.id])
    # when the shop approves the return of 2 x 10.00
    response = decide(api, seller_token, return_id, "Approved")
    # then the customer's wallet is credited 20.00 and the return shows as refunded to the wallet
    assert response.status == 200, response
    shown = response.json["data"]["returnOrders"]
    assert (shown["payment_status"], shown["refund_method"]) == ("Paid", "wallet")
    reference = f"return:{return_id}"
    with context.use(user=user_id):
        assert ledger.balance(CUSTOMER_WALLET, user_id) == 10_000 - 4800 + 2000
    assert entry(CUSTOMER_WALLET, user_id, "refund", reference, shop_id, user_id).amount == 2000
    # and the shop pays it back, with the commission those 20.00 carried coming back to it
    order_ref = f"order:{bought.order.id}"
    assert entry(SHOP_WALLET, shop_id, "refund", reference, shop_id).direction == "debit"
    assert entry(SHOP_WALLET, shop_id, "commission", order_ref, shop_id).amount == 480  # 10 % of 48.00
    assert entry(SHOP_WALLET, shop_id, "commission_refund", reference, shop_id).amount == 200  # 10 % of 20.00
    assert entry(PLATFORM, PLATFORM_OWNER, "commission_refund", reference, shop_id).direction == "debit"
    (refund,) = refunds_of(return_id, shop_id, user_id)
    assert (refund.amount, refund.method) == (2000, "wallet")
    with context.use(user=user_id):
        assert Payment.get_by_id(bought.order.payment_id).refunded_amount == 2000
    # and the two units are back in stock, the other product untouched
    assert (stock_of(bought.first), stock_of(bought.second)) == (10, 9)


def test_approving_a_cash_return_is_a_bank_transfer_the_shop_pays_for(api, shop):
    # given a delivered cash order (the cash was collected, so its share is paid)
    shop_id, seller_token = shop
    bought = Delivered(api, shop_id)
    return_id = bought.returned(api, [bought.first.id, bought.second.id])
    # when the shop approves the return of both lines (45.00; the delivery charge stays)
    response = decide(api, seller_token, return_id, "Approved")
    # then the refund is a manual transfer to the bank account the return names, debited from the shop
    assert response.status == 200, response
    shown = response.json["data"]["returnOrders"]
    assert (shown["amount"], shown["payment_status"], shown["refund_method"]) == (45.0, "Paid", "manual")
    assert (shown["bank_name"], shown["bank_account_number"]) == (FORM["bank_name"], FORM["bank_account_number"])
    reference = f"return:{return_id}"
    debit = entry(SHOP_WALLET, shop_id, "refund", reference, shop_id)
    assert (debit.direction, debit.amount) == ("debit", 4500)
    assert entry(CUSTOMER_WALLET, bought.user.id, "refund", reference, shop_id, bought.user.id) is None
    (refund,) = refunds_of(return_id, shop_id, bought.user.id)
    assert (refund.amount, refund.method) == (4500, "manual")
    assert (stock_of(bought.first), stock_of(bought.second)) == (10, 10)


def test_the_amount_never_exceeds_what_the_order_paid(api, shop):
    # given a delivered order whose payable amount a coupon brought below its lines' worth (45.00 + 3.00)
    shop_id, seller_token = shop
    bought = Delivered(api, shop_id)
    with context.use(tenant=shop_id), db.transaction():
        Order.update(payable=3000).where(Order.id == bought.order.id).execute()
    # when both lines are returned one after the other
    first = bought.ask(api, [bought.second.id]).json["data"]["returnOrder"]
    second = bought.ask(api, [bought.first.id]).json["data"]["returnOrder"]
    # then the second gets only what the first left of the 30.00
    assert (first["amount"], second["amount"]) == (25.0, 5.0)


def test_double_approval_refunds_once_even_when_concurrent(api, shop):
    # given a wallet order's pending return
    shop_id, seller_token = shop
    bought = Delivered(api, shop_id, method="wallet")
    return_id = bought.returned(api, [bought.second.id])
    # when the seller's app sends the approval four times at once, and once more later
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = sorted(pool.map(lambda _: decide(api, seller_token, return_id, "Approved").status, range(4)))
    late = decide(api, seller_token, return_id, "Approved")
    # then one approval was taken and the money moved once
    assert statuses == [200, 422, 422, 422] and late.status == 422
    user_id = bought.user.id
    assert len(refunds_of(return_id, shop_id, user_id)) == 1
    with context.use(user=user_id):
        assert ledger.balance(CUSTOMER_WALLET, user_id) == 10_000 - 4800 + 2500
        assert Payment.get_by_id(bought.order.payment_id).refunded_amount == 2500
    assert stock_of(bought.second) == 10


class RefusingPay(WebPay):
    """An online gateway whose refunds always fail (a card closed since, a gateway outage)."""

    NAME = "refusingpay"

    @hookimpl
    def gateway_refund(self, gateway, payment, amount, reference):
        if gateway != self.NAME:
            return None
        raise payments.RefundError("The gateway refused the refund.")


@pytest.fixture
def refusing_gateway(platform):
    platform.host.pm.register(RefusingPay(), name="refusingpay_probe")
    with db.transaction():
        PaymentGateway.get_or_create(name=RefusingPay.NAME, defaults={"title": "Refusing Pay", "sort_order": 60})
    invalidation.bump()
    yield RefusingPay.NAME
    platform.host.pm.unregister(name="refusingpay_probe")
    invalidation.bump()


def test_a_refund_the_gateway_refuses_leaves_the_return_as_it_was(api, shop, refusing_gateway):
    # given a paid and delivered order of a gateway that refuses refunds, and its pending return
    shop_id, seller_token = shop
    bought = Delivered(api, shop_id, method=refusing_gateway, deliver=False)
    with context.use(user=bought.user.id):
        assert payments.mark_paid(Payment.get_by_id(bought.order.payment_id))
    bought.order = bought.reload()
    bought.deliver()
    return_id = bought.returned(api, [bought.first.id])
    # when the shop approves it
    response = decide(api, seller_token, return_id, "Approved")
    # then the refusal answers 422 and nothing moved: status, stock, refund, the shop's wallet
    assert_refused(response, "status")
    assert response.json["message"] == "The gateway refused the refund."
    shown = api.get(f"/api/seller/return-orders/{return_id}", token=seller_token).json["data"]["returnOrders"]
    assert (shown["status"], shown["payment_status"]) == ("Pending", "Unpaid")
    assert stock_of(bought.first) == 8 and refunds_of(return_id, shop_id, bought.user.id) == []
    assert entry(SHOP_WALLET, shop_id, "refund", f"return:{return_id}", shop_id) is None


def test_approving_a_card_return_refunds_through_stripe(api, shop, stripe_api):  # noqa: F811
    # given an order paid by card at (local)Stripe and delivered
    shop_id, seller_token = shop
    bought = Delivered(api, shop_id, method="stripe", deliver=False)
    with context.use(user=bought.user.id):
        payment = Payment.get_by_id(bought.order.payment_id)
    get(api, bought.payment_url)
    intent = pay_at_stripe(stripe_api, intent_of(payment))
    get(api, bought.payment_url.replace("/payment?", "/payment/stripe/return?"))
    bought.order = bought.reload()
    assert bought.order.payment_status == "Paid"
    bought.deliver()
    return_id = bought.returned(api, [bought.first.id])
    # when the shop approves the return
    response = decide(api, seller_token, return_id, "Approved")
    # then Stripe refunded 20.00 on the payment's intent, once
    assert response.status == 200, response
    assert response.json["data"]["returnOrders"]["refund_method"] == "gateway"
    (refund,) = refunds_of(return_id, shop_id, bought.user.id)
    stripe_refund = stripe_api.v1.refunds.retrieve(refund.external_reference)
    assert (stripe_refund.amount, stripe_refund.payment_intent) == (2000, intent.id)

