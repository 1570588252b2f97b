"""Reviews: the app's list with its rating summary, and the canonical create, update and delete."""

from concurrent.futures import ThreadPoolExecutor

import pytest

import catalog_fixtures as cf
from contract import assert_dart_types
from kernel import context
from plugins.catalog.models import Product, ShopProfile

REVIEW_LIST_SPEC = {
    "message": "String!",
    "data.total": "int!",
    "data.reviews": "List!",
    "data.reviews[].id": "int!",
    "data.reviews[].customer_name": "String!",
    "data.reviews[].customer_profile": "String!",
    "data.reviews[].rating": "num!",
    "data.reviews[].description": "String!",
    "data.reviews[].created_at": "String!",
    "data.average_rating_percentage": "Map!",
    "data.average_rating_percentage.rating": "num!",
    "data.average_rating_percentage.total_review": "int!",
    "data.average_rating_percentage.percentages": "Map!",
    **{f"data.average_rating_percentage.percentages.{star}": "double!" for star in "12345"},
}


@pytest.fixture
def shop(api, root_token):
    return cf.shop(api, root_token, "starter")


def counters(product) -> tuple:
    with context.use(tenant=product.tenant_id):
        row = Product.select(Product.rating, Product.review_count).where(Product.id == product.id).get()
        profile = ShopProfile.select().get()
    return row.rating, row.review_count, profile.rating, profile.review_count


def test_review_list_parses_and_the_summary_adds_up(api, shop):
    # given five reviews of a product: 5, 5, 4, 2 and 1 stars
    shop_id, host = shop
    item = cf.product(shop_id, category=cf.category())
    for stars in (5, 5, 4, 2, 1):
        user, _ = cf.customer()
        cf.review(item, user, stars, "fine")
    # when the app asks for the product's reviews (all 14 keys, most bare)
    response = api.get("/api/reviews", host=host, query_string=(
        f"page=1&per_page=20&search&shop_id&product_id={item.id}&category_id&rating&min_price&max_price"
        "&sort_type&sub_category_id&brand_id&size_id&color_id"))
    # then it parses and the summary is the mean and the share of each star
    assert response.status == 200, response
    assert_dart_types(response.json, REVIEW_LIST_SPEC)
    data = response.json["data"]
    assert data["total"] == 5 and len(data["reviews"]) == 5
    summary = data["average_rating_percentage"]
    assert summary["rating"] == 3.4 and summary["total_review"] == 5
    assert summary["percentages"] == {"1": 20.0, "2": 20.0, "3": 0.0, "4": 20.0, "5": 40.0}


def test_reviews_page_and_summary_only_on_first_page(api, shop):
    # given three reviews of a shop's products
    shop_id, host = shop
    cat = cf.category()
    first, second = cf.product(shop_id, category=cat), cf.product(shop_id, category=cat)
    made = []
    for product, stars in ((first, 3), (second, 4), (first, 5)):
        user, _ = cf.customer()
        made.append(cf.review(product, user, stars))
    # when paged by two with shop_id
    one = api.get("/api/reviews", params={"shop_id": shop_id, "page": 1, "per_page": 2}, host=host)
    two = api.get("/api/reviews", params={"shop_id": shop_id, "page": 2, "per_page": 2}, host=host)
    # then totals count all, newest first, and the summary comes with page 1 only
    assert one.json["data"]["total"] == 3 and two.json["data"]["total"] == 3
    seen = [r["id"] for r in one.json["data"]["reviews"] + two.json["data"]["reviews"]]
    assert seen == [r.id for r in reversed(made)]
    assert one.json["data"]["average_rating_percentage"]["total_review"] == 3
    assert two.json["data"]["average_rating_percentage"] is None


def test_summary_is_null_without_shop_or_product(api, shop):
    # given a shop host
    _, host = shop
    # when no subject is named, then the summary is null
    response = api.get("/api/reviews", host=host)
    assert response.status == 200 and response.json["data"]["average_rating_percentage"] is None


def test_review_list_follows_the_storefront(api, shop, root_token):
    # given a review of another shop's product
    _, host = shop
    other_id, _ = cf.shop(api, root_token)
    foreign = cf.product(other_id, category=cf.category())
    user, _ = cf.customer()
    cf.review(foreign, user, 4)
    # when this shop's host asks for it by product and by shop
    by_product = api.get("/api/reviews", params={"product_id": foreign.id}, host=host)
    by_shop = api.get("/api/reviews", params={"shop_id": other_id}, host=host)
    canonical = api.get(f"/api/products/{foreign.id}/reviews", host=host)
    # then nothing leaks
    assert by_product.json["data"]["reviews"] == [] and by_shop.json["data"]["total"] == 0
    assert canonical.status == 404


def test_posting_a_review_updates_product_and_shop_ratings(api, shop):
    # given a product and two customers
    shop_id, host = shop
    item = cf.product(shop_id, category=cf.category())
    _, alice = cf.customer("Alice")
    _, bob = cf.customer("Bob")
    # when both review it
    first = api.post(f"/api/products/{item.id}/reviews", json={"rating": 5, "description": "Great"}, token=alice, host=host)
    second = api.post(f"/api/products/{item.id}/reviews", json={"rating": 2}, token=bob, host=host)
    # then both are created and the counters follow in the same transaction
    assert first.status == 201, first
    assert first.json["data"]["review"]["customer_name"] == "Alice"
    assert first.json["data"]["review"]["rating"] == 5 and second.json["data"]["review"]["description"] == ""
    assert counters(item) == (3.5, 2, 3.5, 2)
    listed = api.get(f"/api/products/{item.id}/reviews", host=host)
    assert [r["rating"] for r in listed.json["data"]["reviews"]] == [2, 5]
    card = api.get(f"/api/products/{item.id}", host=host).json["data"]["product"]
    assert card["rating"] == 3.5 and card["total_reviews"] == "2"


def test_a_second_review_by_the_same_customer_is_422(api, shop):
    # given a customer who reviewed a product
    shop_id, host = shop
    item = cf.product(shop_id, category=cf.category())
    _, token = cf.customer()
    assert api.post(f"/api/products/{item.id}/reviews", json={"rating": 4}, token=token, host=host).status == 201
    # when reviewing it again
    again = api.post(f"/api/products/{item.id}/reviews", json={"rating": 1}, token=token, host=host)
    # then 422 with a field error, and the counters did not move
    assert again.status == 422 and "product_id" in again.json["errors"] and "data" not in again.json
    assert counters(item)[:2] == (4.0, 1)


def test_review_input_is_validated(api, shop, seller_token):
    # given a product
    shop_id, host = shop
    item = cf.product(shop_id, category=cf.category())
    _, token = cf.customer()
    # when the rating is out of range, missing, or the caller is no customer
    for body in ({"rating": 0}, {"rating": 6}, {"rating": 4.5}, {"description": "no stars"}, {"rating": "five"}):
        assert api.post(f"/api/products/{item.id}/reviews", json=body, token=token, host=host).status == 422, body
    assert api.post(f"/api/products/{item.id}/reviews", json={"rating": 3}, host=host).status == 401
    assert api.post(f"/api/products/{item.id}/reviews", json={"rating": 3}, token=seller_token, host=host).status == 403
    # then nothing was counted
    assert counters(item)[:2] == (0.0, 0)


def test_authors_update_and_delete_their_reviews_and_others_get_404(api, shop):
    # given alice's review and a stranger
    shop_id, host = shop
    item = cf.product(shop_id, category=cf.category())
    _, alice = cf.customer()
    _, mallory = cf.customer()
    review_id = api.post(f"/api/products/{item.id}/reviews", json={"rating": 2}, token=alice, host=host).json["data"]["review"]["id"]
    # when the stranger tries to change or delete it
    assert api.put(f"/api/reviews/{review_id}", json={"rating": 1}, token=mallory, host=host).status == 404
    assert api.delete(f"/api/reviews/{review_id}", token=mallory, host=host).status == 404
    # then it is untouched; when alice edits it, the counters follow
    assert counters(item)[:2] == (2.0, 1)
    edited = api.put(f"/api/reviews/{review_id}", json={"rating": 5, "description": "Changed my mind"}, token=alice, host=host)
    assert edited.status == 200 and edited.json["data"]["review"]["description"] == "Changed my mind"
    assert counters(item) == (5.0, 1, 5.0, 1)
    # when alice deletes it, it is gone and the counters reset
    deleted = api.delete(f"/api/reviews/{review_id}", token=alice, host=host)
    assert deleted.status == 200 and "data" not in deleted.json
    assert counters(item) == (0.0, 0, 0.0, 0)
    assert api.delete(f"/api/reviews/{review_id}", token=alice, host=host).status == 404


def test_reviews_through_another_storefront_are_404(api, shop, root_token):
    # given alice's review of a product of this shop
    shop_id, host = shop
    _, other_host = cf.shop(api, root_token)
    item = cf.product(shop_id, category=cf.category())
    _, alice = cf.customer()
    review_id = api.post(f"/api/products/{item.id}/reviews", json={"rating": 3}, token=alice, host=host).json["data"]["review"]["id"]
    # when alice uses another shop's host, then the product and the review are not there
    assert api.post(f"/api/products/{item.id}/reviews", json={"rating": 3}, token=alice, host=other_host).status == 404
    assert api.put(f"/api/reviews/{review_id}", json={"rating": 4}, token=alice, host=other_host).status == 404


def test_concurrent_reviews_are_all_counted(api, shop):
    # given a product and six customers
    shop_id, host = shop
    item = cf.product(shop_id, category=cf.category())
    tokens = [cf.customer()[1] for _ in range(6)]
    stars = [1, 2, 3, 4, 5, 5]

    def post(pair):
        token, rating = pair
        return api.post(f"/api/products/{item.id}/reviews", json={"rating": rating}, token=token, host=host).status

    # when they all post at once
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(post, zip(tokens, stars)))
    # then every review is in the product's and the shop's counters
    assert statuses == [201] * 6
    mean = round(sum(stars) / 6, 6)
    rating, count, shop_rating, shop_count = counters(item)
    assert (round(rating, 6), count, round(shop_rating, 6), shop_count) == (mean, 6, mean, 6)
