"""Placing orders: contract types, totals, one order per shop under one payment, gateways, minimums,
the monthly order limit, idempotency, and the ``order_placed`` hook."""

from concurrent.futures import ThreadPoolExecutor

import pytest

import catalog_fixtures as cf
from contract import assert_dart_types, under
from kernel import context, db
from kernel.hookspecs import hookimpl
from kernel.models import TenantUsage
from orders_fixtures import ORDER_ADDRESS, add, buyer_with_address, install_webpay, place
from plugins.catalog.models import FlashSaleProduct, Product
from plugins.orders.cart.pricing import Adjustment
from plugins.orders.models import CartItem
from plugins.orders.orders.models import Order, OrderItem
from plugins.payments.models import Payment, PaymentShare

ORDER_CARD = {"id": "int!", "order_code": "String!", "quantity": "int!", "amount": "double!",
              "order_status": "String!", "created_at": "String!", "address": "Map!", **under("address", ORDER_ADDRESS)}
LIST_SPEC = {"message": "String!", "data.total": "int!", "data.orders": "List!", **under("data.orders[]", ORDER_CARD)}


@pytest.fixture
def shops(api, root_token):
    """Two marketplace shops (delivery 5.00 and 2.50): ``[shop_id, shop_id]``."""
    first, second = cf.shop(api, root_token, "starter")[0], cf.shop(api, root_token, "free")[0]
    cf.shop_profile(first, delivery_charge=500, prefix="RC")
    cf.shop_profile(second, delivery_charge=250)
    return [first, second]


@pytest.fixture
def webpay(platform):
    remove = install_webpay(platform)
    yield "webpay"
    remove()


def stock_of(product) -> int:
    with context.use(tenant=product.tenant_id):
        return Product.get_by_id(product.id).quantity


def orders_of(user_id) -> list[Order]:
    with context.use(user=user_id):
        return list(Order.across_tenants().where(Order.user == user_id).order_by(Order.id))


def test_cash_checkout_places_one_order_per_shop_under_one_payment(api, shops, customer_token):
    # given a customer's cart with products of two shops, one with size and colour extras and VAT
    first, second = shops
    size, color = cf.size(), cf.color()
    shirt = cf.product(first, category=cf.category(), price=2000, sizes=[(size, 150)], colors=[(color, 50)],
                       quantity=10, vat_percent=10.0)
    mug = cf.product(second, category=cf.category(), price=800, quantity=5)
    user, token, address_id = buyer_with_address()
    add(api, token, shirt.id, quantity=2, size=size.id, color=color.id)
    add(api, token, mug.id)
    # when the app places both shops with cash
    response = place(api, token, address_id, [first, second])
    # then data is present with a null payment URL, as the app needs for cash
    assert response.status == 200, response
    assert response.json["data"]["order_payment_url"] is None
    orders = orders_of(user.id)
    assert [o.tenant_id for o in orders] == [first, second]
    # and each order carries its shop's totals: extras, delivery, VAT on the subtotal
    shirt_order, mug_order = orders
    assert shirt_order.subtotal == 2 * 2200 and shirt_order.delivery_charge == 500
    assert shirt_order.tax_amount == 440 and shirt_order.payable == 4400 + 500 + 440
    assert mug_order.payable == 800 + 250
    assert shirt_order.code.startswith("#RC") and len(shirt_order.code) == 9
    # and one payment covers both, a share per shop
    assert shirt_order.payment_id == mug_order.payment_id
    with context.use(user=user.id):
        payment = Payment.get_by_id(shirt_order.payment_id)
        shares = dict(PaymentShare.select(PaymentShare.tenant_id, PaymentShare.amount)
                      .where(PaymentShare.payment == payment.id).tuples())
    assert payment.amount == shirt_order.payable + mug_order.payable and payment.gateway == "cash"
    assert shares == {first: shirt_order.payable, second: mug_order.payable}
    # and stock was taken, the cart emptied
    assert stock_of(shirt) == 8 and stock_of(mug) == 4
    with context.use(user=user.id):
        assert not CartItem.across_tenants().where(CartItem.user == user.id).exists()
    # and the lines keep what was sold
    with context.use(tenant=first):
        (item,) = OrderItem.select().where(OrderItem.order == shirt_order.id)
    assert (item.size, item.color, item.unit_price, item.quantity) == (size.name, color.name, 2200, 2)


def test_order_list_and_details_parse_as_the_app_reads_them(api, shops):
    # given a placed order
    product = cf.product(shops[0], category=cf.category(), price=1500, quantity=5)
    user, token, address_id = buyer_with_address()
    add(api, token, product.id)
    assert place(api, token, address_id, [shops[0]]).status == 200
    # when the app lists orders and opens one
    listing = api.get("/api/orders", token=token, params={"page": 1, "per_page": 20})
    order_id = listing.json["data"]["orders"][0]["id"]
    details = api.get("/api/order-details", token=token, params={"order_id": order_id})
    # then both parse with the app's types
    assert listing.status == 200 and listing.json["data"]["total"] == 1
    assert_dart_types(listing.json, LIST_SPEC)
    assert details.status == 200, details
    spec = {
        "message": "String!", "data.order.id": "int!", "data.order.order_code": "String!",
        "data.order.order_status": "String!", "data.order.created_at": "String!", "data.order.tax_amount": "double!",
        "data.order.payment_method": "String!", "data.order.payment_status": "String!",
        "data.order.total_amount": "double!", "data.order.discount": "double!",
        "data.order.coupon_discount": "double!", "data.order.payable_amount": "double!",
        "data.order.delivery_charge": "double!", "data.order.quantity": "int!", "data.order.shop": "Map!",
        "data.order.shop.id": "int!", "data.order.shop.name": "String!", "data.order.shop.logo": "String!",
        "data.order.shop.banner": "String!", "data.order.shop.total_products": "int!",
        "data.order.shop.total_categories": "int!", "data.order.shop.rating": "double!",
        "data.order.shop.shop_status": "String!", "data.order.shop.total_reviews": "String!",
        "data.order.products": "List!", "data.order.products[].id": "int!", "data.order.products[].name": "String!",
        "data.order.products[].thumbnail": "String!", "data.order.products[].price": "double!",
        "data.order.products[].order_qty": "int!", "data.order.products[].discount_price": "num!",
        "data.order.products[].rating": "double?", "data.order.products[].is_returned": "bool?",
        "data.order.invoice_url": "String?", "data.order.address": "Map!",
        **under("data.order.address", {**ORDER_ADDRESS, "latitude": "String?", "longitude": "String?"}),
        "data.order.is_returnable": "bool?",
    }
    assert_dart_types(details.json, spec)
    order = details.json["data"]["order"]
    assert order["payment_method"] == "Cash Payment" and order["payment_status"] == "Pending"
    assert order["payable_amount"] == 20.0 and order["delivery_charge"] == 5.0
    # and the status filter compares case-insensitively, as the app's "On the Way" tab needs
    assert api.get("/api/orders", token=token, params={"order_status": "pending"}).json["data"]["total"] == 1
    assert api.get("/api/orders", token=token, params={"order_status": "On the Way"}).json["data"]["total"] == 0


def test_flash_sale_price_and_slot_are_taken(api, shops):
    # given a product in a running flash sale at 6.00 with 3 units
    product = cf.product(shops[1], category=cf.category(), price=1000, quantity=10)
    sale = cf.flash_sale([(product, 600, 3)])
    user, token, address_id = buyer_with_address()
    add(api, token, product.id, quantity=2)
    # when it is placed
    assert place(api, token, address_id, [shops[1]]).status == 200
    # then the order is priced at the flash price and the slot's sold count grew
    (order,) = orders_of(user.id)
    assert order.subtotal == 1200
    with context.use(tenant=shops[1]):
        assert FlashSaleProduct.get(FlashSaleProduct.flash_sale == sale.id).sold == 2


def test_a_gateway_not_offered_by_every_shop_answers_422(api, shops, webpay, platform):
    # given a cart in two shops and a gateway only one of them offers (wallet: Starter only)
    first, second = shops
    user, token, address_id = buyer_with_address()
    add(api, token, cf.product(first, category=cf.category(), quantity=5).id)
    add(api, token, cf.product(second, category=cf.category(), quantity=5).id)
    # when the customer pays both with the wallet, or with an unknown gateway
    answers = [place(api, token, address_id, [first, second], method=m) for m in ("wallet", "nopay")]
    # then both are refused on the field, without data, and nothing was placed
    assert [a.status for a in answers] == [422, 422]
    assert all("payment_method" in a.json["errors"] and "data" not in a.json for a in answers)
    assert orders_of(user.id) == []


def test_empty_cart_and_foreign_address_answer_422(api, shops):
    user, token, address_id = buyer_with_address()
    _, _, other_address = buyer_with_address()
    # given an empty cart, then placing is refused with the original's message
    empty = place(api, token, address_id, [shops[0]])
    assert empty.status == 422 and empty.json["message"] == "Sorry shop cart is empty"
    # and another customer's address is refused
    add(api, token, cf.product(shops[0], category=cf.category(), quantity=5).id)
    assert place(api, token, other_address, [shops[0]]).status == 422


def test_minimum_order_amount_of_the_shop(api, shops):
    # given a shop that takes orders of at least 50.00
    cf.shop_profile(shops[1], min_order_amount=5000)
    user, token, address_id = buyer_with_address()
    add(api, token, cf.product(shops[1], category=cf.category(), price=1000, quantity=5).id)
    # when 10.00 is placed, then it is refused
    response = place(api, token, address_id, [shops[1]])
    assert response.status == 422 and "minimum" in response.json["message"]


def test_the_monthly_order_limit_answers_403_with_the_limit_body(api, shops):
    # given a Free shop at its monthly allowance
    shop_id = shops[1]
    from kernel import plans
    with db.transaction():
        plans.take(shop_id, "orders_per_month", 0)
        TenantUsage.update(used=100).where(TenantUsage.tenant == shop_id,
                                           TenantUsage.metric == "orders_per_month").execute()
    product = cf.product(shop_id, category=cf.category(), quantity=5)
    user, token, address_id = buyer_with_address()
    add(api, token, product.id)
    # when an order is placed
    response = place(api, token, address_id, [shop_id])
    # then 403 names the limit, nothing was placed and the stock is untouched
    assert response.status == 403, response
    assert response.json["limit_type"] == "orders_per_month" and response.json["details"]["limit"] == 100
    assert orders_of(user.id) == [] and stock_of(product) == 5


def test_idempotency_key_replays_the_first_answer(api, shops):
    # given a cart and a key
    product = cf.product(shops[0], category=cf.category(), quantity=5)
    user, token, address_id = buyer_with_address()
    add(api, token, product.id)
    headers = {"Idempotency-Key": "tap-1"}
    # when the same request is sent twice with the key
    first = place(api, token, address_id, [shops[0]], headers=headers)
    again = place(api, token, address_id, [shops[0]], headers=headers)
    # then the second answers as the first and there is one order
    assert first.status == again.status == 200
    assert again.json["data"] == first.json["data"]
    assert len(orders_of(user.id)) == 1 and stock_of(product) == 4
    # and a different body under the same key is refused
    other = place(api, token, address_id, [shops[0]], headers=headers, coupon_code="X")
    assert other.status == 422 and "Idempotency-Key" in other.json["errors"]


def test_the_same_key_sent_four_times_at_once_places_one_order(api, shops):
    # given a cart and a key the app sends with each of four simultaneous retries
    product = cf.product(shops[0], category=cf.category(), quantity=5)
    user, token, address_id = buyer_with_address()
    add(api, token, product.id)
    headers = {"Idempotency-Key": "tap-concurrent"}
    # when they arrive at once
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: place(api, token, address_id, [shops[0]], headers=headers), range(4)))
    # then every one answers as the first did, and there is one order and one unit taken
    assert [answer.status for answer in answers] == [200] * 4
    assert all(answer.json["data"] == answers[0].json["data"] for answer in answers)
    assert len(orders_of(user.id)) == 1 and stock_of(product) == 4


def test_canonical_route_answers_201(api, shops):
    product = cf.product(shops[0], category=cf.category(), quantity=5)
    user, token, address_id = buyer_with_address()
    add(api, token, product.id)
    response = place(api, token, address_id, [shops[0]], path="/api/orders")
    assert response.status == 201 and len(response.json["data"]["order_ids"]) == 1


def test_online_order_returns_the_payment_url(api, shops, webpay):
    product = cf.product(shops[0], category=cf.category(), quantity=5)
    user, token, address_id = buyer_with_address()
    add(api, token, product.id)
    response = place(api, token, address_id, [shops[0]], method="webpay")
    assert response.status == 200, response
    assert response.json["data"]["order_payment_url"].startswith("https://pay.example/")
    (order,) = orders_of(user.id)
    details = api.get(f"/api/orders/{order.id}", token=token).json["data"]["order"]
    assert details["payment_method"] == "Online Payment" and details["payment_status"] == "Pending"


class PlacedProbe:
    def __init__(self):
        self.calls = []

    @hookimpl
    def order_placed(self, order, totals):
        self.calls.append((order.id, order.tenant_id, totals.payable, db.database.obj.in_transaction()))

    @hookimpl
    def cart_adjustments(self, cart, coupon_code):
        return [Adjustment("coupon", -100, "C1")] if coupon_code == "C1" else None


def test_hook_order_placed(api, shops, platform):
    # given a plugin answering order_placed and a coupon through cart_adjustments
    probe = PlacedProbe()
    platform.host.pm.register(probe, name="placed_probe")
    try:
        product = cf.product(shops[0], category=cf.category(), price=1000, quantity=5)
        user, token, address_id = buyer_with_address()
        add(api, token, product.id)
        # when the order is placed with the coupon
        assert place(api, token, address_id, [shops[0]], coupon_code="C1").status == 200
    finally:
        platform.host.pm.unregister(name="placed_probe")
    # then the hook ran once, inside the transaction, with the order and its discounted totals
    (order,) = orders_of(user.id)
    assert probe.calls == [(order.id, shops[0], 1000 + 500 - 100, True)]
    assert order.coupon_discount == 100 and order.coupon_code == "C1"
