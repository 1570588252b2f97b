"""Concurrent checkouts: stock is never oversold and one cart never becomes two orders
(threads; on PostgreSQL each thread takes its own connection from the real pool), and 50
customers at once through a real gunicorn for the last 10 units."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

import catalog_fixtures as cf
from conftest import BASE_DOMAIN
from kernel import context, db
from orders_fixtures import add, buyer_with_address, place
from peers import Gunicorn
from plugins.catalog import stock
from plugins.catalog.models import FlashSaleProduct, Product
from plugins.orders.orders.models import Order


def _quantity(product) -> int:
    with context.use(tenant=product.tenant_id):
        return Product.get_by_id(product.id).quantity


def test_concurrent_checkouts_never_oversell(api, root_token):
    # given a product with 3 units and 6 customers with one unit each in their cart
    shop_id = cf.shop(api, root_token, "starter")[0]
    product = cf.product(shop_id, category=cf.category(), quantity=3)
    buyers = [buyer_with_address() for _ in range(6)]
    for _, token, _ in buyers:
        add(api, token, product.id)
    # when they all place at once
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(lambda b: place(api, b[1], b[2], [shop_id]).status, buyers))
    # then exactly three orders were placed, the others refused, and the stock is zero, not negative
    assert statuses == [200] * 3 + [422] * 3
    assert _quantity(product) == 0
    with context.use(tenant=shop_id):
        assert Order.select().count() == 3


@pytest.fixture
def gunicorn_server(platform):
    """The platform under gunicorn as deployed (2 workers x 8 threads) on this suite's database."""
    server = Gunicorn(workers=2, threads=8)
    try:
        yield server.ready().url
    finally:
        server.stop()


def test_fifty_checkouts_at_once_under_gunicorn_take_the_ten_units_once(api, root_token, gunicorn_server):
    # given a product with 10 units and 50 customers with one unit each in their cart
    shop_id = cf.shop(api, root_token, "starter")[0]
    product = cf.product(shop_id, category=cf.category(), quantity=10)
    buyers = [buyer_with_address() for _ in range(50)]
    for _, token, _ in buyers:
        add(api, token, product.id)

    def checkout(buyer):
        _, token, address_id = buyer
        return requests.post(f"{gunicorn_server}/api/v1/place-order", timeout=60, headers={
            "Host": BASE_DOMAIN, "Authorization": f"Bearer {token}", "Accept": "application/json",
        }, json={"address_id": address_id, "coupon_code": "", "note": "", "payment_method": "cash",
                 "shop_ids": [shop_id], "is_buy_now": None})

    # when all of them place their order at the same moment
    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(checkout, buyers))
    # then exactly ten orders were placed, the forty others were told it sold out, and the stock is zero
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] * 10 + [422] * 40, [a.text for a in answers if a.status_code not in (200, 422)][:3]
    assert all(a.json()["message"] == "Sorry! this product is sold out." for a in answers if a.status_code == 422)
    assert _quantity(product) == 0
    with context.use(tenant=shop_id):
        assert Order.select().count() == 10


def test_the_same_cart_placed_twice_at_once_becomes_one_order(api, root_token):
    # given one customer's cart
    shop_id = cf.shop(api, root_token, "starter")[0]
    product = cf.product(shop_id, category=cf.category(), quantity=10)
    user, token, address_id = buyer_with_address()
    add(api, token, product.id, quantity=2)
    # when the app sends the placement four times at once (no idempotency key)
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = sorted(pool.map(lambda _: place(api, token, address_id, [shop_id]).status, range(4)))
    # then one order was placed, the rest found the cart empty
    assert statuses == [200] + [422] * 3
    assert _quantity(product) == 8
    with context.use(user=user.id):
        assert Order.across_tenants().where(Order.user == user.id).count() == 1


def test_stock_take_is_all_or_nothing_and_flash_slots_never_oversell(api, root_token):
    # given two products, the second in a flash sale with 1 unit left
    shop_id = cf.shop(api, root_token, "starter")[0]
    first = cf.product(shop_id, category=cf.category(), quantity=5)
    second = cf.product(shop_id, category=cf.category(), quantity=5)
    sale = cf.flash_sale([(second, 100, 1)])
    lines = [stock.StockLine(shop_id, first.id, 2), stock.StockLine(shop_id, second.id, 2, sale.id)]
    # when both are taken, then the flash slot refuses and nothing is taken
    try:
        with db.transaction():
            stock.take(lines)
        raise AssertionError("the flash slot should have refused")
    except stock.OutOfStock as exc:
        assert exc.product_id == second.id and exc.flash_sale
    assert _quantity(first) == 5 and _quantity(second) == 5
    # and concurrent takes of the one flash unit give it once
    def take_one(_):
        try:
            with db.transaction():
                stock.take([stock.StockLine(shop_id, second.id, 1, sale.id)])
            return True
        except stock.OutOfStock:
            return False
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert sorted(pool.map(take_one, range(4))) == [False] * 3 + [True]
    with context.use(tenant=shop_id):
        assert FlashSaleProduct.get(FlashSaleProduct.flash_sale == sale.id).sold == 1
    assert _quantity(second) == 4
