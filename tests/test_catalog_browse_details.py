"""Product details (both routes), favourites (both route sets) and categories."""

import datetime as dt

import pytest

import catalog_fixtures as cf
from contract import CATEGORY, PRODUCT_CARD, assert_dart_types, under
from kernel import context
from plugins.catalog.models import Product

DETAILS_SPEC = {
    "message": "String!",
    "data.product": "Map!",
    **under("data.product", PRODUCT_CARD),
    "data.product.short_description": "String!",
    "data.product.description": "String!",
    "data.product.thumbnails": "List!",
    "data.product.thumbnails[].id": "int!",
    "data.product.thumbnails[].thumbnail": "String?",
    "data.product.thumbnails[].url": "String?",
    "data.product.thumbnails[].type": "String?",
    "data.product.flash_sale": "Map?",
    "data.product.flash_sale.id": "int?",
    "data.product.flash_sale.name": "String?",
    "data.product.flash_sale.thumbnail": "String?",
    "data.product.flash_sale.start_date": "String?",
    "data.product.flash_sale.end_date": "String?",
    "data.related_products": "List!",
    **under("data.related_products[]", PRODUCT_CARD),
}


@pytest.fixture
def shop(api, root_token):
    return cf.shop(api, root_token, "starter")


def view_count(product) -> int:
    with context.use(tenant=product.tenant_id):
        return Product.select(Product.view_count).where(Product.id == product.id).scalar()


def test_product_details_answer_the_contract_and_count_a_view(api, shop):
    # given a product with a description, gallery images, a variant and two siblings in its category
    shop_id, host = shop
    cat = cf.category()
    item = cf.product(shop_id, category=cat, short_description="", description="<p>Soft</p>",
                      images=["products/a.png", "products/b.png"], colors=[cf.color()], sizes=[(cf.size(), 250)])
    siblings = {cf.product(shop_id, category=cat).id for _ in range(2)}
    cf.product(shop_id, category=cf.category())
    # when the app asks for its details
    response = api.get("/api/product-details", params={"product_id": item.id}, host=host)
    # then the body parses, the gallery is main image then the others, related are the same category
    assert response.status == 200, response
    assert_dart_types(response.json, DETAILS_SPEC)
    product = response.json["data"]["product"]
    assert product["short_description"] == "" and product["description"] == "<p>Soft</p>"
    assert [t["type"] for t in product["thumbnails"]] == ["image", "image", "image"]
    assert product["thumbnails"][1]["thumbnail"].endswith("products/a.png")
    assert product["sizes"][0]["price"] == 2.5 and product["flash_sale"] is None
    assert {p["id"] for p in response.json["data"]["related_products"]} == siblings
    assert view_count(item) == 1


def test_canonical_details_match_the_app_route(api, shop):
    # given a product in a running flash sale
    shop_id, host = shop
    item = cf.product(shop_id, category=cf.category(), price=3000)
    sale = cf.flash_sale([(item, 1200, 4)], name="Midnight deal")
    # when both routes are asked
    app = api.get("/api/product-details", params={"product_id": item.id}, host=host)
    canonical = api.get(f"/api/products/{item.id}", host=host)
    # then they agree and carry the running sale with parseable dates
    assert canonical.status == 200 and app.status == 200
    assert canonical.json["data"]["product"]["flash_sale"] == app.json["data"]["product"]["flash_sale"]
    flash = canonical.json["data"]["product"]["flash_sale"]
    assert flash["id"] == sale.id and flash["name"] == "Midnight deal"
    assert dt.datetime.strptime(flash["end_date"], "%Y-%m-%d %H:%M:%S") > dt.datetime.strptime(flash["start_date"], "%Y-%m-%d %H:%M:%S")
    assert canonical.json["data"]["product"]["discount_price"] == 12.0
    assert canonical.json["data"]["product"]["quantity"] == 4
    assert view_count(item) == 2


def test_details_of_unknown_hidden_or_foreign_products_are_404(api, shop, root_token):
    # given an inactive product, another shop's product and a missing id
    shop_id, host = shop
    other_id, _ = cf.shop(api, root_token)
    cat = cf.category()
    inactive = cf.product(shop_id, category=cat, is_active=False)
    foreign = cf.product(other_id, category=cat)
    # when asked through this shop's host, then 404 without data
    for product_id in (inactive.id, foreign.id, 2_000_000_000):
        for response in (api.get("/api/product-details", params={"product_id": product_id}, host=host),
                         api.get(f"/api/products/{product_id}", host=host)):
            assert response.status == 404, response
            assert "data" not in response.json
    # and a missing product_id is a 422
    assert api.get("/api/product-details", query_string="product_id", host=host).status == 422


def test_favorite_toggle_adds_then_removes_per_user(api, shop):
    # given a product and two customers
    shop_id, host = shop
    item = cf.product(shop_id, category=cf.category())
    _, alice = cf.customer()
    _, bob = cf.customer()
    # when alice toggles it on
    added = api.post("/api/favorite-add-or-remove", json={"product_id": item.id}, token=alice, host=host)
    # then it is on for alice only, in her list and on the details page
    assert added.status == 200 and isinstance(added.json["message"], str)
    assert added.json["data"]["is_favorite"] is True
    listed = api.get("/api/favorite-products", token=alice, host=host)
    assert_dart_types(listed.json, {"message": "String!", "data.products": "List!", **under("data.products[]", PRODUCT_CARD)})
    assert [p["id"] for p in listed.json["data"]["products"]] == [item.id]
    assert listed.json["data"]["products"][0]["is_favorite"] is True
    assert api.get("/api/favorite-products", token=bob, host=host).json["data"]["products"] == []
    details = api.get(f"/api/products/{item.id}", token=alice, host=host).json["data"]["product"]
    assert details["is_favorite"] is True
    # when she toggles again, then it is gone
    removed = api.post("/api/favorite-add-or-remove", json={"product_id": item.id}, token=alice, host=host)
    assert removed.status == 200 and removed.json["data"]["is_favorite"] is False
    assert api.get("/api/favorite-products", token=alice, host=host).json["data"]["products"] == []


def test_canonical_favorites_are_idempotent(api, shop):
    # given a product and a customer
    shop_id, host = shop
    item = cf.product(shop_id, category=cf.category())
    _, token = cf.customer()
    # when the product is added twice and listed
    for _ in range(2):
        assert api.post(f"/api/products/{item.id}/favorite", token=token, host=host).status == 200
    listed = api.get("/api/favorites", token=token, host=host)
    # then it is listed once
    assert [p["id"] for p in listed.json["data"]["products"]] == [item.id]
    assert listed.json["data"]["total"] == 1
    # when removed twice, then the list is empty
    for _ in range(2):
        response = api.delete(f"/api/products/{item.id}/favorite", token=token, host=host)
        assert response.status == 200 and response.json["data"]["is_favorite"] is False
    assert api.get("/api/favorites", token=token, host=host).json["data"]["products"] == []


def test_favorites_need_a_customer_and_a_visible_product(api, shop, root_token, seller_token):
    # given a product of another shop
    shop_id, host = shop
    other_id, _ = cf.shop(api, root_token)
    foreign = cf.product(other_id, category=cf.category())
    _, token = cf.customer()
    # when called without a token, as a seller, or for a product this storefront does not show
    anonymous = api.post("/api/favorite-add-or-remove", json={"product_id": foreign.id}, host=host)
    seller = api.get("/api/favorite-products", token=seller_token, host=host)
    hidden = api.post("/api/favorite-add-or-remove", json={"product_id": foreign.id}, token=token, host=host)
    canonical = api.post(f"/api/products/{foreign.id}/favorite", token=token, host=host)
    # then 401, 403 and 404
    assert anonymous.status == 401
    assert seller.status == 403
    assert hidden.status == 404 and canonical.status == 404


def test_favorite_toggle_refuses_a_fractional_id(api, shop):
    # given a visible product whose id is the whole part of the id sent
    shop_id, host = shop
    item = cf.product(shop_id, category=cf.category())
    _, token = cf.customer()
    # when the body carries the id with a fraction, or as a string
    fractional = api.post("/api/favorite-add-or-remove", json={"product_id": item.id + 0.5}, token=token, host=host)
    as_text = api.post("/api/favorite-add-or-remove", json={"product_id": str(item.id)}, token=token, host=host)
    # then the fraction is a 422 (not silently product ``item.id``) and the string is read as the id
    assert fractional.status == 422 and "data" not in fractional.json
    assert fractional.json["errors"]["product_id"]
    assert as_text.status == 200 and as_text.json["data"]["is_favorite"] is True


def test_favorites_list_follows_the_storefront(api, root_token):
    # given a customer who wish-listed products of two shops on the marketplace
    (first_id, first_host), (second_id, _) = cf.shop(api, root_token), cf.shop(api, root_token)
    cat = cf.category()
    mine, theirs = cf.product(first_id, category=cat), cf.product(second_id, category=cat)
    _, token = cf.customer()
    for item in (mine, theirs):
        assert api.post(f"/api/products/{item.id}/favorite", token=token).status == 200
    # when listed on the marketplace and on the first shop's host
    everywhere = api.get("/api/favorites", token=token)
    first_only = api.get("/api/favorites", token=token, host=first_host)
    # then the shop host shows only its own shop's favourites
    assert {p["id"] for p in everywhere.json["data"]["products"]} == {mine.id, theirs.id}
    assert [p["id"] for p in first_only.json["data"]["products"]] == [mine.id]


def test_categories_list_with_sub_categories_and_optional_pages(api, shop):
    # given a category with a product, two sub-categories and an inactive one
    parent = cf.category(sort_order=-1000)
    cf.product(shop[0], category=parent)
    first, second = cf.category(parent=parent, sort_order=1), cf.category(parent=parent, sort_order=2)
    cf.category(parent=parent, is_active=False)
    # when listed without and with paging
    everything = api.get("/api/categories")
    paged = api.get("/api/categories", params={"page": 1, "per_page": 1})
    # then the app's Category parses, sub-categories are in order, and paging limits the list
    assert everything.status == 200
    assert_dart_types(everything.json, {"message": "String!", "data.categories": "List!", **under("data.categories[]", CATEGORY)})
    listed = next(c for c in everything.json["data"]["categories"] if c["id"] == parent.id)
    assert [s["id"] for s in listed["sub_categories"]] == [first.id, second.id]
    assert listed["thumbnail"].startswith("http")
    assert [c["id"] for c in paged.json["data"]["categories"]] == [parent.id]
    assert paged.json["data"]["total"] == everything.json["data"]["total"]
    assert all(c["id"] != first.id for c in everything.json["data"]["categories"])


def test_categories_are_those_the_storefront_sells_in(api, root_token):
    # given a category with a product of the first shop only, and one with only an unpublished product
    (first_id, first_host), (second_id, second_host) = cf.shop(api, root_token), cf.shop(api, root_token)
    sold, unpublished = cf.category(), cf.category()
    cf.product(first_id, category=sold)
    cf.product(first_id, category=unpublished, is_active=False)
    # when each storefront lists its categories
    listed = {host: {c["id"] for c in api.get("/api/categories", host=host).json["data"]["categories"]}
              for host in (first_host, second_host, None)}
    # then a category shows only where a published product of the storefront is filed under it
    assert sold.id in listed[first_host] and sold.id in listed[None]
    assert sold.id not in listed[second_host]
    assert unpublished.id not in listed[first_host] | listed[None]


def test_category_detail_and_sub_categories(api):
    # given a category with a sub-category
    parent = cf.category()
    child = cf.category(parent=parent)
    # when read through the canonical route and the app's sub-categories route
    detail = api.get(f"/api/categories/{parent.id}")
    subs = api.get("/api/sub-categories", params={"category_id": parent.id})
    # then both carry the sub-category, and the app's items carry an empty sub_categories list
    assert_dart_types(detail.json, {"data.category": "Map!", **under("data.category", CATEGORY)})
    assert [s["id"] for s in detail.json["data"]["category"]["sub_categories"]] == [child.id]
    assert_dart_types(subs.json, {"data.sub_categories": "List!", **under("data.sub_categories[]", CATEGORY)})
    assert subs.json["data"]["sub_categories"][0]["sub_categories"] == []
    assert api.get("/api/categories/2000000000").status == 404
    assert api.get("/api/sub-categories", query_string="category_id").status == 422
