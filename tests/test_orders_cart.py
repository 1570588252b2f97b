"""The cart: both route sets, contract types, merging, stock and minimums, prices, the checkout summary,
the ``cart_adjustments`` hook, auth and isolation between customers and storefronts."""

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

import catalog_fixtures as cf
from conftest import BASE_DOMAIN
from contract import assert_dart_types, under
from kernel import context, db
from kernel.hookspecs import hookimpl
from plugins.catalog.models import Product
from plugins.orders.cart.pricing import Adjustment
from plugins.orders.models import CartItem

VARIANT = {"id": "int?", "name": "String?", "color_code": "String?", "price": "double?"}
CART_ITEM = {
    "shop_id": "int!", "shop_name": "String!", "shop_logo": "String!", "shop_rating": "num!", "has_gift": "bool?",
    "products": "List!", "products[].id": "int!", "products[].quantity": "int!", "products[].name": "String!",
    "products[].thumbnail": "String!", "products[].brand": "String?", "products[].price": "double!",
    "products[].discount_price": "double!", "products[].discount_percentage": "double!",
    "products[].rating": "double!", "products[].total_reviews": "String!", "products[].total_sold": "String!",
    **under("products[].color", VARIANT), **under("products[].size", VARIANT),
    "products[].color": "Map?", "products[].size": "Map?", "products[].unit": "String?", "products[].gift": "Map?",
}
CART_SPEC = {"message": "String!", "data.cart_items": "List!", **under("data.cart_items[]", CART_ITEM)}
CHECKOUT_SPEC = {
    "message": "String!",
    "data.checkout.total_amount": "double!", "data.checkout.payable_amount": "double!",
    "data.checkout.coupon_discount": "double!", "data.checkout.delivery_charge": "double!",
    "data.checkout.order_tax_amount": "double!", "data.checkout.gift_charge": "dynamic",
    "data.checkout.all_vat_taxes": "List!", "data.checkout.all_vat_taxes[].name": "dynamic",
    "data.checkout.all_vat_taxes[].percentage": "dynamic", "data.checkout.all_vat_taxes[].amount": "num!",
    "data.apply_coupon": "bool!",
}
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.fixture
def shops(api, root_token):
    """Two marketplace shops with delivery charges of 5.00 and 2.50: ``[(shop_id, host), ...]``."""
    first, second = cf.shop(api, root_token, "starter"), cf.shop(api, root_token, "free")
    cf.shop_profile(first[0], delivery_charge=500)
    cf.shop_profile(second[0], delivery_charge=250)
    return [first, second]


@pytest.fixture
def buyer():
    return cf.customer()


def add(api, token, product_id, quantity=1, size=None, color=None, host=BASE_DOMAIN):
    """``POST /cart/store`` with the app's body (``unit`` and ``is_buy_now`` always null)."""
    body = {"product_id": product_id, "quantity": quantity, "size": size, "color": color, "unit": None,
            "is_buy_now": None}
    return api.post("/api/cart/store", json=body, token=token, host=host)


def lines(response) -> list[dict]:
    assert response.status == 200, response
    return [product for shop in response.json["data"]["cart_items"] for product in shop["products"]]


def cart(api, token, host=BASE_DOMAIN) -> list[dict]:
    return lines(api.get("/api/carts", token=token, host=host))


def summary(api, token, shop_ids, coupon_code="", host=BASE_DOMAIN):
    body = {"coupon_code": coupon_code, "shop_ids": shop_ids, "is_buy_now": None}
    response = api.post("/api/cart/checkout", json=body, token=token, host=host)
    assert response.status == 200, response
    assert_dart_types(response.json, CHECKOUT_SPEC)
    return response


def test_cart_groups_lines_by_shop_in_the_contract_types(api, shops, buyer):
    # given products of two shops, one with a size and a colour that cost extra
    (first, _), (second, _) = shops
    size, color = cf.size(), cf.color(color_code="#FF0000")
    shirt = cf.product(first, category=cf.category(), price=2000, sizes=[(size, 150)], colors=[(color, 50)],
                       quantity=10, brand=cf.brand(name="Acme"))
    mug = cf.product(second, category=cf.category(), price=800, quantity=5)
    _, token = buyer
    # when the app puts both in the cart on the marketplace
    first_add = add(api, token, shirt.id, size=size.id, color=color.id)
    add(api, token, mug.id)
    response = api.get("/api/carts", token=token)
    # then every answer is 200, the cart parses as the app's CartItem list, one per shop, in adding order
    assert first_add.status == 200 and first_add.json["message"] == "Product added to cart"
    assert_dart_types(response.json, CART_SPEC)
    assert_dart_types(first_add.json, CART_SPEC)
    items = response.json["data"]["cart_items"]
    assert [item["shop_id"] for item in items] == [first, second]
    assert items[0]["has_gift"] is False and response.json["data"]["total"] == 2
    line = items[0]["products"][0]
    # and the line is named by its product, priced with its add-ons, with its variants
    assert line["id"] == shirt.id and line["quantity"] == 1 and line["brand"] == "Acme"
    assert line["price"] == 22.0 and line["discount_price"] == 0.0
    assert line["size"] == {"id": size.id, "name": size.name, "color_code": None, "price": 1.5}
    assert line["color"] == {"id": color.id, "name": color.name, "color_code": "#FF0000", "price": 0.5}
    assert items[1]["products"][0]["size"] is None and items[1]["products"][0]["color"] is None


def test_lines_of_the_same_product_size_and_colour_merge(api, shops, buyer):
    # given a product in two colours
    shop_id = shops[0][0]
    red, blue = cf.color(), cf.color()
    product = cf.product(shop_id, category=cf.category(), colors=[red, blue], quantity=10)
    _, token = buyer
    # when it is added twice in red and once in blue
    add(api, token, product.id, color=red.id)
    add(api, token, product.id, quantity=2, color=red.id)
    response = add(api, token, product.id, color=blue.id)
    # then red is one line of three, blue a line of its own
    assert sorted((line["color"]["id"], line["quantity"]) for line in lines(response)) == [(red.id, 3), (blue.id, 1)]
    # and a product without variants merges as well
    plain = cf.product(shop_id, category=cf.category(), quantity=10)
    add(api, token, plain.id)
    assert [line["quantity"] for line in lines(add(api, token, plain.id)) if line["id"] == plain.id] == [2]


def test_quantities_never_exceed_stock(api, shops, buyer):
    # given a product with two units in stock, in the cart twice
    product = cf.product(shops[0][0], category=cf.category(), quantity=2)
    _, token = buyer
    assert add(api, token, product.id).status == 200
    assert add(api, token, product.id).status == 200
    # when a third is added, incremented or set through either route set
    answers = [
        add(api, token, product.id),
        api.post("/api/cart/increment", json={"product_id": product.id}, token=token),
        api.post("/api/cart", json={"product_id": product.id}, token=token),
        api.put(f"/api/cart/{cart(api, token)[0]['cart_id']}", json={"quantity": 3}, token=token),
    ]
    # then each is refused with the original's message, without data, and the line keeps two
    assert [a.status for a in answers] == [422] * 4
    assert answers[0].json["message"] == "Sorry! product cart quantity is limited. No more stock"
    assert all("quantity" in a.json["errors"] and "data" not in a.json for a in answers)
    assert [line["quantity"] for line in cart(api, token)] == [2]


def test_concurrent_adds_merge_into_one_line_within_stock(api, shops, buyer):
    # given a product with four units and a customer tapping "add" six times at once
    product = cf.product(shops[0][0], category=cf.category(), quantity=4)
    _, token = buyer
    # when the six requests race
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(lambda _: add(api, token, product.id).status, range(6)))
    # then four went in, two were refused, and there is one line of four
    assert statuses == [200] * 4 + [422] * 2
    assert [line["quantity"] for line in cart(api, token)] == [4]


def test_a_deleted_product_leaves_every_cart(api, shops, buyer):
    # given a product in a customer's cart
    shop_id = shops[0][0]
    product = cf.product(shop_id, category=cf.category(), quantity=4)
    user, token = buyer
    add(api, token, product.id)
    # when its shop deletes it
    with context.use(tenant=shop_id), db.transaction():
        Product.delete().where(Product.id == product.id).execute()
    # then its line is gone from the database, not just out of sight
    assert cart(api, token) == []
    with context.use(user=user.id):
        assert not CartItem.across_tenants().where(CartItem.product == product.id).exists()


@pytest.mark.parametrize("case, field", [
    ("unpublished", "product_id"),
    ("unapproved", "product_id"),
    ("unknown", "product_id"),
    ("out_of_stock", "quantity"),
    ("more_than_stock", "quantity"),
    ("below_minimum", "quantity"),
    ("foreign_size", "size"),
    ("foreign_color", "color"),
])
def test_products_the_cart_cannot_take_answer_422(api, shops, buyer, case, field):
    # given a product in one of the states a cart refuses
    shop_id = shops[0][0]
    own_size, own_color = cf.size(), cf.color()
    fields = {
        "unpublished": {"is_active": False}, "unapproved": {"is_approved": False}, "out_of_stock": {"quantity": 0},
        "below_minimum": {"min_order_quantity": 3},
    }.get(case, {})
    product = cf.product(shop_id, category=cf.category(), sizes=[own_size], colors=[own_color],
                         **{"quantity": 5, **fields})
    body = {"product_id": product.id, "quantity": 6 if case == "more_than_stock" else 1}
    if case == "unknown":
        body["product_id"] = 2_000_000_000
    if case == "foreign_size":
        body["size"] = cf.size().id
    if case == "foreign_color":
        body["color"] = cf.color().id
    _, token = buyer
    # when the app adds it
    response = api.post("/api/cart/store", json=body, token=token)
    # then it is a 422 on the field at fault, without data, and the cart stays empty
    assert response.status == 422, response
    assert field in response.json["errors"] and "data" not in response.json
    assert cart(api, token) == []


@pytest.mark.parametrize("body", [
    {"product_id": "abc"}, {"product_id": 1.5}, {"product_id": 0}, {}, {"product_id": 1, "quantity": 0},
    {"product_id": 1, "quantity": 10_001}, {"product_id": 1, "size": -1},
])
def test_malformed_cart_bodies_answer_422(api, buyer, body):
    _, token = buyer
    response = api.post("/api/cart/store", json=body, token=token)
    assert response.status == 422 and "errors" in response.json and "data" not in response.json


def test_minimum_order_quantity_is_the_smallest_line(api, shops, buyer):
    # given a product sold by three at least
    product = cf.product(shops[0][0], category=cf.category(), quantity=10, min_order_quantity=3)
    _, token = buyer
    # when three are added, then it goes in
    assert lines(add(api, token, product.id, quantity=3))[0]["quantity"] == 3
    # when the canonical route sets two, then it is refused
    line_id = cart(api, token)[0]["cart_id"]
    assert api.put(f"/api/cart/{line_id}", json={"quantity": 2}, token=token).status == 422
    # when the app decrements it, then the line is removed (below its minimum)
    response = api.post("/api/cart/decrement", json={"product_id": product.id}, token=token)
    assert response.json["message"] == "product removed from cart" and lines(response) == []


def test_increment_and_decrement_name_lines_by_product(api, shops, buyer):
    # given a product in the cart once
    product = cf.product(shops[0][0], category=cf.category(), quantity=10)
    _, token = buyer
    add(api, token, product.id)
    # when the app increments twice and decrements once
    api.post("/api/cart/increment", json={"product_id": product.id}, token=token)
    up = api.post("/api/cart/increment", json={"product_id": product.id}, token=token)
    down = api.post("/api/cart/decrement", json={"product_id": product.id}, token=token)
    # then each answers 200 with the cart, and the line holds two
    assert up.status == 200 and lines(up)[0]["quantity"] == 3
    assert_dart_types(down.json, CART_SPEC)
    assert lines(down)[0]["quantity"] == 2
    # when it is decremented down to nothing, the line goes with the original's message
    api.post("/api/cart/decrement", json={"product_id": product.id}, token=token)
    gone = api.post("/api/cart/decrement", json={"product_id": product.id}, token=token)
    assert gone.status == 200 and gone.json["message"] == "product removed from cart" and lines(gone) == []
    # and a product not in the cart is not found
    missing = api.post("/api/cart/increment", json={"product_id": product.id}, token=token)
    assert missing.status == 404 and "data" not in missing.json


def test_discounts_and_flash_sales_price_the_line(api, shops, buyer):
    # given a discounted product with a size add-on, and a product in a running flash sale with 2 units left
    shop_id = shops[0][0]
    size = cf.size()
    discounted = cf.product(shop_id, category=cf.category(), price=3000, discount_price=2400, sizes=[(size, 200)],
                            quantity=10)
    flashed = cf.product(shop_id, category=cf.category(), price=3000, quantity=10)
    cf.flash_sale([(flashed, 1200, 5, 3)])
    _, token = buyer
    # when both are added
    add(api, token, discounted.id, size=size.id)
    response = add(api, token, flashed.id, quantity=2)
    # then the list price and the charged price both carry the add-on, and the flash price is charged
    by_id = {line["id"]: line for line in lines(response)}
    assert (by_id[discounted.id]["price"], by_id[discounted.id]["discount_price"]) == (32.0, 26.0)
    assert by_id[discounted.id]["discount_percentage"] == 18.75
    assert (by_id[flashed.id]["price"], by_id[flashed.id]["discount_price"]) == (30.0, 12.0)
    # and the flash sale's units left cap the line, as its card shows
    assert api.post("/api/cart/increment", json={"product_id": flashed.id}, token=token).status == 422
    # and the summary charges the same prices: 26.00 + 2 x 12.00
    checkout = summary(api, token, [shop_id]).json["data"]["checkout"]
    assert checkout["total_amount"] == 50.0


def test_checkout_sums_the_ticked_shops_with_delivery_and_vat(api, shops, buyer):
    # given lines in two shops, with products at 10% and 5% VAT
    (first, _), (second, _) = shops
    taxed = cf.product(first, category=cf.category(), price=1000, vat_percent=10.0, quantity=10)
    plain = cf.product(first, category=cf.category(), price=550, quantity=10)
    other = cf.product(second, category=cf.category(), price=700, vat_percent=5.0, quantity=10)
    _, token = buyer
    add(api, token, taxed.id, quantity=2)
    add(api, token, plain.id)
    add(api, token, other.id)
    # when the app asks for the summary of both shops, without a coupon
    both = summary(api, token, [first, second])
    # then the lines, the delivery charges and the VAT add up, as doubles
    checkout = both.json["data"]["checkout"]
    assert both.json["message"] == "Checkout information" and both.json["data"]["apply_coupon"] is False
    assert checkout["total_amount"] == 32.5 and checkout["delivery_charge"] == 7.5
    assert checkout["order_tax_amount"] == 2.35 and checkout["coupon_discount"] == 0.0
    assert checkout["payable_amount"] == 42.35 and checkout["gift_charge"] == 0.0
    assert sorted((t["percentage"], t["amount"]) for t in checkout["all_vat_taxes"]) == [(5.0, 0.35), (10.0, 2.0)]
    assert [item["payable_amount"] for item in both.json["data"]["checkout_items"]] == [32.5, 9.85]
    # when only the second shop is ticked
    one = summary(api, token, [second]).json["data"]["checkout"]
    # then only its part counts
    assert (one["total_amount"], one["delivery_charge"], one["payable_amount"]) == (7.0, 2.5, 9.85)
    # when no shop is ticked, everything is zero
    none = summary(api, token, []).json["data"]["checkout"]
    assert none["payable_amount"] == 0.0 and none["all_vat_taxes"] == []
    # when a code is typed and no plugin honours it, it is reported as not applied
    coupon = summary(api, token, [first], coupon_code="NOPE")
    assert coupon.json["message"] == "Coupon not applied" and coupon.json["data"]["apply_coupon"] is False


def test_digital_lines_alone_carry_no_delivery_charge(api, shops, buyer):
    # given a shop with a delivery charge and a digital product
    shop_id = shops[0][0]
    ebook = cf.product(shop_id, category=cf.category(), price=900, is_digital=True, quantity=100)
    _, token = buyer
    add(api, token, ebook.id)
    # when the summary is asked for, then nothing is charged for delivery
    checkout = summary(api, token, [shop_id]).json["data"]["checkout"]
    assert checkout["delivery_charge"] == 0.0 and checkout["payable_amount"] == 9.0


class CouponProbe:
    """A stand-in vouchers plugin: ``SAVE2`` takes 2.00 off each shop's part and adds a 0.50 packing fee."""

    def __init__(self):
        self.carts = []

    @hookimpl
    def cart_adjustments(self, cart, coupon_code):
        self.carts.append((cart, coupon_code))
        if coupon_code != "SAVE2":
            return None
        return [Adjustment("coupon", -200, "SAVE2"), Adjustment("delivery", 50, "Packing")]


@pytest.fixture
def coupon_probe(platform):
    probe = CouponProbe()
    platform.host.pm.register(probe, name="coupon_probe")
    yield probe
    platform.host.pm.unregister(name="coupon_probe")


def test_hook_cart_adjustments(api, shops, buyer, coupon_probe):
    # given a customer's lines in two shops, and a plugin answering cart_adjustments
    (first, _), (second, _) = shops
    user, token = buyer
    add(api, token, cf.product(first, category=cf.category(), price=1000, quantity=5).id, quantity=3)
    add(api, token, cf.product(second, category=cf.category(), price=500, quantity=5).id)
    # when the summary is asked for with the plugin's code
    response = summary(api, token, [first, second], coupon_code="SAVE2")
    # then the plugin was asked once per shop with that shop's priced cart
    carts = {cart.shop_id: cart for cart, code in coupon_probe.carts if code == "SAVE2"}
    assert set(carts) == {first, second}
    assert carts[first].user_id == user.id and carts[first].subtotal == 3000 and carts[first].quantity == 3
    assert carts[first].delivery_charge == 500 and carts[first].lines[0].unit_price == 1000
    # and its adjustments joined the totals they name
    checkout = response.json["data"]["checkout"]
    assert response.json["message"] == "Coupon applied" and response.json["data"]["apply_coupon"] is True
    assert checkout["coupon_discount"] == 4.0 and checkout["delivery_charge"] == 8.5
    assert checkout["payable_amount"] == 39.5
    # and without the code nothing changes
    plain = summary(api, token, [first, second]).json["data"]["checkout"]
    assert plain["coupon_discount"] == 0.0 and plain["payable_amount"] == 42.5


def test_adjustments_cannot_make_the_payable_amount_negative(api, shops, buyer, coupon_probe):
    # given a cheap line in a shop without delivery charge
    shop_id = shops[0][0]
    cf.shop_profile(shop_id, delivery_charge=0)
    _, token = buyer
    add(api, token, cf.product(shop_id, category=cf.category(), price=100, quantity=5).id)
    # when a coupon worth more than the line is applied, then the customer pays nothing, not less
    checkout = summary(api, token, [shop_id], coupon_code="SAVE2").json["data"]["checkout"]
    assert checkout["payable_amount"] == 0.0


def test_canonical_routes_match_the_app_routes(api, shops, buyer):
    # given two customers and a product, one customer using the app's routes and one the canonical ones
    product = cf.product(shops[0][0], category=cf.category(), quantity=10)
    _, app_token = buyer
    _, rest_token = cf.customer()
    # when each adds it twice and reads the cart
    for token, path in ((app_token, "/api/cart/store"), (rest_token, "/api/cart")):
        for _ in range(2):
            assert api.post(path, json={"product_id": product.id}, token=token).status == 200
    app, rest = api.get("/api/carts", token=app_token), api.get("/api/cart", token=rest_token)
    # then both carts are the same but for the line ids
    assert_dart_types(rest.json, CART_SPEC)
    strip = lambda data: [{k: v for k, v in line.items() if k != "cart_id"} for line in lines(data)]  # noqa: E731
    assert strip(app) == strip(rest)
    # when the canonical routes set the quantity, then remove the line
    line_id = lines(rest)[0]["cart_id"]
    updated = api.put(f"/api/cart/{line_id}", json={"quantity": 5}, token=rest_token)
    assert updated.status == 200 and lines(updated)[0]["quantity"] == 5
    removed = api.delete(f"/api/cart/{line_id}", token=rest_token)
    assert removed.status == 200 and lines(removed) == []
    # when the canonical route empties the app customer's cart, then it is empty
    emptied = api.delete("/api/cart", token=app_token)
    assert emptied.status == 200 and lines(emptied) == [] and cart(api, app_token) == []


def test_cart_routes_need_a_customer(api, seller_token):
    calls = [("GET", "/api/carts"), ("POST", "/api/cart/store"), ("POST", "/api/cart/increment"),
             ("POST", "/api/cart/decrement"), ("POST", "/api/cart/checkout"), ("GET", "/api/cart"),
             ("POST", "/api/cart"), ("DELETE", "/api/cart"), ("PUT", "/api/cart/1"), ("DELETE", "/api/cart/1")]
    for method, path in calls:
        body = {"product_id": 1, "quantity": 1} if method in ("POST", "PUT") else None
        assert api.request(method, path, json=body).status == 401, path
        assert api.request(method, path, json=body, token=seller_token).status == 403, path


def test_another_customers_line_is_not_found(api, shops, buyer):
    # given a customer with a line in the cart, and a second customer
    product = cf.product(shops[0][0], category=cf.category(), quantity=10)
    _, owner_token = buyer
    _, other_token = cf.customer()
    add(api, owner_token, product.id, quantity=2)
    line_id = cart(api, owner_token)[0]["cart_id"]
    # when the second customer changes or removes it by its id, or by its product
    answers = [
        api.put(f"/api/cart/{line_id}", json={"quantity": 1}, token=other_token),
        api.delete(f"/api/cart/{line_id}", token=other_token),
        api.post("/api/cart/increment", json={"product_id": product.id}, token=other_token),
        api.post("/api/cart/decrement", json={"product_id": product.id}, token=other_token),
    ]
    # then each is a 404 without data; the second customer's cart and summary are empty; the line is untouched
    assert [a.status for a in answers] == [404] * 4 and all("data" not in a.json for a in answers)
    assert cart(api, other_token) == []
    assert summary(api, other_token, [shops[0][0]]).json["data"]["checkout"]["total_amount"] == 0.0
    api.delete("/api/cart", token=other_token)
    assert [line["quantity"] for line in cart(api, owner_token)] == [2]


def test_a_shop_storefront_shows_only_its_own_lines(api, shops, buyer):
    # given lines of two shops added on the marketplace
    (first, first_host), (second, _) = shops
    mine = cf.product(first, category=cf.category(), quantity=10)
    theirs = cf.product(second, category=cf.category(), quantity=10)
    _, token = buyer
    add(api, token, mine.id)
    add(api, token, theirs.id)
    # when the cart is read on the first shop's own host
    here = cart(api, token, host=first_host)
    # then only that shop's line is there, the other shop's product cannot be added there,
    # and emptying the cart there leaves the other shop's line
    assert [line["id"] for line in here] == [mine.id]
    assert add(api, token, theirs.id, host=first_host).status == 422
    api.delete("/api/cart", token=token, host=first_host)
    assert [line["id"] for line in cart(api, token)] == [theirs.id]


def test_lines_out_of_sight_leave_the_cart_and_come_back(api, shops, buyer):
    # given a line of a product in a colour
    shop_id = shops[0][0]
    color = cf.color()
    product = cf.product(shop_id, category=cf.category(), colors=[color], quantity=10)
    _, token = buyer
    add(api, token, product.id, color=color.id)
    # when the seller hides the product, then the line leaves the cart and the summary
    cf.update_product(product, is_active=False)
    assert cart(api, token) == []
    assert summary(api, token, [shop_id]).json["data"]["checkout"]["total_amount"] == 0.0
    # when it is published again, the line is back
    cf.update_product(product, is_active=True)
    assert [line["id"] for line in cart(api, token)] == [product.id]


@pytest.mark.parametrize("body", [{"shop_ids": "1"}, {"shop_ids": [0]}, {"coupon_code": "x" * 65}])
def test_malformed_checkout_bodies_answer_422(api, buyer, body):
    _, token = buyer
    response = api.post("/api/cart/checkout", json=body, token=token)
    assert response.status == 422 and "errors" in response.json and "data" not in response.json


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL only")
def test_row_level_security_shows_a_line_to_its_customer_and_its_shop(api, shops, buyer):
    # given a customer's line in the first shop
    (first, _), (second, _) = shops
    owner, token = buyer
    other, _ = cf.customer()
    add(api, token, cf.product(first, category=cf.category(), quantity=10).id)
    line_id = cart(api, token)[0]["cart_id"]
    visible = lambda: CartItem.across_tenants().where(CartItem.id == line_id).exists()  # noqa: E731
    # then the database shows it to its customer and to its shop, to no one else
    with context.use(user=owner.id):
        assert visible()
    with context.use(tenant=first):
        assert visible()
    with context.use(user=other.id):
        assert not visible()
    with context.use(tenant=second):
        assert not visible()
    assert not visible()
