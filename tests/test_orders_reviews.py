"""Reviews from an order (the app's ``POST /api/product-review``): delivered orders only, one review
per customer and product, the line's ``rating`` as a double, and the catalog's counters kept right."""

import pytest

import catalog_fixtures as cf
from contract import assert_dart_types, under
from kernel import context
from orders_fixtures import add, buyer_with_address, place
from plugins.catalog.models import Product, Review, ShopProfile
from plugins.orders.orders import services
from plugins.orders.orders.models import Order

LINE = {
    "id": "int!", "name": "String!", "brand": "String?", "thumbnail": "String!", "price": "double!",
    "order_qty": "int!", "color": "String?", "size": "String?", "discount_price": "num!", "rating": "double?",
    "is_returned": "bool?",
}
DETAILS_SPEC = {"message": "String!", "data.order.order_status": "String!", "data.order.products": "List!",
                **under("data.order.products[]", LINE)}
ERROR_SPEC = {"message": "String!"}


@pytest.fixture
def shop(api, root_token):
    return cf.shop(api, root_token, "starter")[0]


def ordered(api, shop_id, products, deliver=True, buyer=None):
    """A customer's cash order of one unit of each product, delivered by the shop: ``(order, token)``."""
    user, token, address_id = buyer or buyer_with_address()
    for product in products:
        add(api, token, product.id)
    assert place(api, token, address_id, [shop_id]).status == 200
    with context.use(user=user.id):
        order = Order.across_tenants().where(Order.user == user.id).order_by(Order.id.desc()).get()
    if deliver:
        for status in ("Confirm", "Processing", "On The Way", "Delivered"):
            order = services.change_status(order, status, "seller", None)
    return order, token


def review(api, token, order_id, product_id, rating=4.0, description="Lovely"):
    body = {"order_id": order_id, "product_id": product_id, "rating": rating, "description": description}
    return api.post("/api/product-review", json=body, token=token)


def line_ratings(api, token, order_id) -> dict:
    response = api.get("/api/order-details", params={"order_id": order_id}, token=token)
    assert response.status == 200, response
    assert_dart_types(response.json, DETAILS_SPEC)
    return {line["id"]: line["rating"] for line in response.json["data"]["order"]["products"]}


def counters(product) -> tuple:
    """The product's rating and review count, and its shop's."""
    with context.use(tenant=product.tenant_id):
        row = Product.select(Product.rating, Product.review_count).where(Product.id == product.id).get()
        profile = ShopProfile.select().get()
    return row.rating, row.review_count, profile.rating, profile.review_count


def test_customer_reviews_a_line_of_a_delivered_order(api, shop):
    # given a delivered order of two products
    category = cf.category()
    shirt, mug = cf.product(shop, category=category, quantity=5), cf.product(shop, category=category, quantity=5)
    order, token = ordered(api, shop, [shirt, mug])
    assert line_ratings(api, token, order.id) == {shirt.id: None, mug.id: None}
    # when the app posts a review of the shirt, with the rating as a double
    response = review(api, token, order.id, shirt.id, rating=4.0)
    # then it is taken with exactly 200 and a String message, the review noted against the order
    assert response.status == 200, response
    assert isinstance(response.json["message"], str) and response.json["data"]["review"]["rating"] == 4
    with context.use(tenant=shop):
        stored = Review.get(Review.product == shirt.id, Review.user == order.user_id)
    assert stored.order_id == order.id and stored.description == "Lovely"
    # and the shirt's line shows the rating as a double, the mug's still none (its review button stays)
    ratings = line_ratings(api, token, order.id)
    assert ratings == {shirt.id: 4.0, mug.id: None} and isinstance(ratings[shirt.id], float)
    # and the product's and shop's counters include it
    assert counters(shirt) == (4.0, 1, 4.0, 1)


def test_counters_average_every_customers_review(api, shop):
    # given two customers' delivered orders of the same product
    product = cf.product(shop, category=cf.category(), quantity=5)
    first, first_token = ordered(api, shop, [product])
    second, second_token = ordered(api, shop, [product])
    # when they rate it 5 and 2 stars
    assert review(api, first_token, first.id, product.id, rating=5.0).status == 200
    assert review(api, second_token, second.id, product.id, rating=2.0).status == 200
    # then the product's and shop's ratings are the mean of both, and the summary agrees
    assert counters(product) == (3.5, 2, 3.5, 2)
    summary = api.get("/api/reviews", params={"product_id": product.id}).json["data"]["average_rating_percentage"]
    assert summary["rating"] == 3.5 and summary["total_review"] == 2


def test_a_half_star_counts_as_the_next_whole_star(api, shop):
    # given a delivered order
    product = cf.product(shop, category=cf.category(), quantity=5)
    order, token = ordered(api, shop, [product])
    # when the app's star bar sends four and a half stars
    assert review(api, token, order.id, product.id, rating=4.5).status == 200
    # then the review keeps five whole stars and the line shows them
    assert line_ratings(api, token, order.id) == {product.id: 5.0}
    assert counters(product)[:2] == (5.0, 1)


def test_a_product_is_reviewed_once_whichever_order_it_came_in(api, shop):
    # given a customer who bought the same product in two delivered orders and reviewed it from the first
    product = cf.product(shop, category=cf.category(), quantity=5)
    buyer = buyer_with_address()
    first, token = ordered(api, shop, [product], buyer=buyer)
    second, _ = ordered(api, shop, [product], buyer=buyer)
    assert review(api, token, first.id, product.id, rating=3.0).status == 200
    # when the app shows the second order, and the customer tries to review the product again from either order
    ratings = line_ratings(api, token, second.id)
    answers = [review(api, token, first.id, product.id, rating=1.0),
               review(api, token, second.id, product.id, rating=1.0)]
    # then the second order's line already shows the review (no review button), and both tries are refused
    assert ratings == {product.id: 3.0}
    for answer in answers:
        assert answer.status == 422 and "product_id" in answer.json["errors"] and "data" not in answer.json
        assert_dart_types(answer.json, ERROR_SPEC)
    assert counters(product)[:2] == (3.0, 1)


def test_only_delivered_orders_and_their_own_products_can_be_reviewed(api, shop):
    # given a pending order, a delivered one, and a product not in either
    category = cf.category()
    product, other = cf.product(shop, category=category, quantity=5), cf.product(shop, category=category)
    pending, pending_token = ordered(api, shop, [product], deliver=False)
    delivered, token = ordered(api, shop, [product])
    # when the customer reviews the pending order, another product, or with a rating out of 1..5
    answers = {
        "order_id": review(api, pending_token, pending.id, product.id),
        "product_id": review(api, token, delivered.id, other.id),
        "rating": review(api, token, delivered.id, product.id, rating=0.5),
    }
    bad_bodies = [
        {"order_id": delivered.id, "product_id": product.id, "rating": 5.5, "description": ""},
        {"order_id": delivered.id, "product_id": product.id, "rating": "five", "description": ""},
        {"order_id": delivered.id, "product_id": product.id, "description": "no stars"},
        {"order_id": "x", "product_id": product.id, "rating": 3.0},
    ]
    malformed = [api.post("/api/product-review", json=body, token=token) for body in bad_bodies]
    # then each is refused with 422 on the field at fault, without data, and nothing is stored
    for field, answer in answers.items():
        assert answer.status == 422 and field in answer.json["errors"] and "data" not in answer.json, answer
        assert_dart_types(answer.json, ERROR_SPEC)
    assert [a.status for a in malformed] == [422] * 4 and all("data" not in a.json for a in malformed)
    assert counters(product)[:2] == (0.0, 0)


def test_another_customers_order_answers_404(api, shop, seller_token):
    # given a delivered order
    product = cf.product(shop, category=cf.category(), quantity=5)
    order, _ = ordered(api, shop, [product])
    _, stranger, _ = buyer_with_address()
    # when another customer, a seller, or nobody reviews its product
    answers = [review(api, stranger, order.id, product.id), review(api, seller_token, order.id, product.id),
               api.post("/api/product-review", json={"order_id": order.id, "product_id": product.id,
                                                      "rating": 4.0, "description": ""})]
    # then the stranger gets 404, the seller 403 (no customer permission), nobody 401; no review is stored
    assert [a.status for a in answers] == [404, 403, 401]
    assert all("data" not in a.json and isinstance(a.json["message"], str) for a in answers)
    assert counters(product)[:2] == (0.0, 0)


def test_a_null_description_is_an_empty_one(api, shop):
    # given a delivered order
    product = cf.product(shop, category=cf.category(), quantity=5)
    order, token = ordered(api, shop, [product])
    # when the review comes with a null description
    response = review(api, token, order.id, product.id, rating=2.0, description=None)
    # then it is taken with no text
    assert response.status == 200 and response.json["data"]["review"]["description"] == ""
