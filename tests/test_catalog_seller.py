"""Seller product management: CRUD on both route sets, shop scoping, the plan's product limit, codes."""

import secrets
import threading
from io import BytesIO

import pytest
from PIL import Image

from contract import assert_dart_types
from kernel import plans
from kernel.models import TenantUsage

ROW_TYPES = {
    "data.total": "int!",
    "data.products": "List!",
    "data.products[].id": "int!",
    "data.products[].name": "String!",
    "data.products[].thumbnail": "String!",
    "data.products[].price": "double!",
    "data.products[].discount_price": "double!",
    "data.products[].quantity": "int!",
    "data.products[].brand": "String?",
    "data.products[].is_active": "bool!",
}
DETAIL_TYPES = {
    "data.product.id": "int!",
    "data.product.name": "String!",
    "data.product.price": "double!",
    "data.product.discount_price": "double!",
    "data.product.quantity": "int!",
    "data.product.code": "String!",
    "data.product.min_order_quantity": "int!",
    "data.product.thumbnail": "String!",
    "data.product.additional_thumbnail": "List!",
    "data.product.additional_thumbnail[].id": "int!",
    "data.product.additional_thumbnail[].thumbnail": "String!",
    "data.product.category.id": "int!",
    "data.product.sub_categories": "List!",
    "data.product.sizes": "List!",
    "data.product.sizes[].price": "double!",
    "data.product.colors": "List!",
    "data.product.colors[].price": "double!",
    "data.product.short_description": "String!",
    "data.product.description": "String!",
}


@pytest.fixture(scope="module")
def catalog(platform):
    """Reference rows from the demo seed: a category with a sub-category, a brand, colours, sizes, a unit."""
    from plugins.catalog.models import Brand, Category, Color, Size, Unit

    parent = Category.select().where(Category.parent.is_null()).order_by(Category.id).first()
    return {
        "category": parent.id,
        "sub_category": Category.select().where(Category.parent == parent.id).first().id,
        "other_sub_category": Category.select().where(Category.parent != parent.id).first().id,
        "brand": Brand.select().first().id,
        "colors": [c.id for c in Color.select().limit(2)],
        "sizes": [s.id for s in Size.select().limit(3)],
        "unit": Unit.select().first().id,
    }


def _product(catalog, **overrides) -> dict:
    body = {
        "name": "Linen Shirt", "code": str(secrets.randbelow(10**9) + 10**8), "category": catalog["category"],
        "sub_category": [catalog["sub_category"]], "brand": catalog["brand"], "unit": catalog["unit"],
        "color": [{"id": catalog["colors"][0], "price": 1.5}, catalog["colors"][1]],
        "size": [{"id": sid, "price": 2} for sid in catalog["sizes"]],
        "price": 49.99, "discount_price": 39.5, "quantity": 12, "short_description": "Cool linen.",
    }
    body.update(overrides)
    return body


def _png(color="red", size=(80, 60)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def _usage(shop_id: int, metric: str = "products") -> int:
    row = TenantUsage.get_or_none((TenantUsage.tenant == shop_id) & (TenantUsage.metric == metric))
    return row.used if row else 0


# -- CRUD ------------------------------------------------------------------------


def test_create_then_get_update_and_list(api, make_shop, catalog):
    # given
    shop, token, _host = make_shop("starter")

    # when
    created = api.post("/api/seller/products", token=token, json=_product(catalog, code="70001"))

    # then
    assert created.status == 201, created
    product = created.json["data"]["product"]
    assert product["code"] == "70001" and product["price"] == 49.99 and product["discount_price"] == 39.5
    assert [c["price"] for c in product["colors"]] == [1.5, 0.0]
    assert len(product["sizes"]) == 3 and product["sub_categories"][0]["id"] == catalog["sub_category"]
    assert product["thumbnail"].endswith("/media/defaults/product.png")
    assert _usage(shop["id"]) == 1

    # when
    updated = api.put(f"/api/seller/products/{product['id']}", token=token, json={"name": "Linen Shirt II", "quantity": 3, "size": []})

    # then
    assert updated.status == 200, updated
    assert updated.json["data"]["product"]["name"] == "Linen Shirt II"
    assert updated.json["data"]["product"]["quantity"] == 3 and updated.json["data"]["product"]["sizes"] == []
    assert updated.json["data"]["product"]["price"] == 49.99
    fetched = api.get(f"/api/seller/products/{product['id']}", token=token)
    assert fetched.status == 200 and fetched.json["data"]["product"]["name"] == "Linen Shirt II"
    assert_dart_types(fetched.json, DETAIL_TYPES)

    # when
    listed = api.get("/api/seller/products", token=token)

    # then
    assert listed.status == 200
    assert listed.json["data"]["total"] == 1 and listed.json["data"]["page"] == 1 and listed.json["data"]["per_page"] == 20
    assert listed.json["data"]["products"][0]["id"] == product["id"]
    assert_dart_types(listed.json, ROW_TYPES)


def test_list_filters_search_status_category_and_brand(api, make_shop, catalog):
    # given
    _shop, token, _host = make_shop("starter")
    api.post("/api/seller/products", token=token, json=_product(catalog, name="Blue Kettle", code="80001"))
    hidden = api.post("/api/seller/products", token=token, json=_product(catalog, name="Red Teapot", code="80002", brand=None))
    api.post(f"/api/seller/products/{hidden.json['data']['product']['id']}/status", token=token, json={"is_active": False})

    # when
    by_search = api.get("/api/seller/products", token=token, params={"search": "kettle"})
    by_status = api.get("/api/seller/products", token=token, params={"status": "inactive"})
    by_brand = api.get("/api/seller/products", token=token, params={"brand": catalog["brand"]})
    by_other_category = api.get("/api/seller/products", token=token, params={"category": catalog["category"] + 1})
    paged = api.get("/api/seller/products", token=token, query_string="page=2&per_page=1&search&brand=")

    # then
    assert [p["name"] for p in by_search.json["data"]["products"]] == ["Blue Kettle"]
    assert [p["name"] for p in by_status.json["data"]["products"]] == ["Red Teapot"]
    assert [p["name"] for p in by_brand.json["data"]["products"]] == ["Blue Kettle"]
    assert by_other_category.json["data"]["total"] == 0
    assert paged.json["data"]["total"] == 2 and [p["name"] for p in paged.json["data"]["products"]] == ["Blue Kettle"]


def test_status_route_and_toggle(api, make_shop, catalog):
    # given
    _shop, token, _host = make_shop("starter")
    product_id = api.post("/api/seller/products", token=token, json=_product(catalog)).json["data"]["product"]["id"]

    # when
    hidden = api.post(f"/api/seller/products/{product_id}/status", token=token, json={"is_active": False})
    toggled = api.post(f"/api/seller/product/status/toggle/{product_id}", token=token)

    # then
    assert hidden.status == 200 and hidden.json["data"]["product"]["is_active"] is False
    assert toggled.status == 200 and toggled.json["data"]["product"]["is_active"] is True


def test_original_store_show_update_and_destroy_with_images(api, make_shop, catalog):
    # given
    shop, token, _host = make_shop("starter")
    fields = [
        ("name", "Ceramic Mug"), ("code", "90001"), ("category", str(catalog["category"])),
        ("sub_category[]", str(catalog["sub_category"])), ("color[]", str(catalog["colors"][0])),
        ("size[0][id]", str(catalog["sizes"][0])), ("size[0][price]", "2.5"),
        ("price", "15"), ("discount_price", ""), ("quantity", "7"),
    ]
    files = [
        ("thumbnail", ("mug.png", _png("green"), "image/png")),
        ("additionThumbnail[]", ("a.png", _png("blue"), "image/png")),
        ("additionThumbnail[]", ("b.png", _png("yellow"), "image/png")),
    ]

    # when
    stored = api.post("/api/seller/product/store", token=token, **_encode(fields + files))

    # then
    assert stored.status == 200, stored
    product = stored.json["data"]["product"]
    assert product["sizes"] == [{"id": catalog["sizes"][0], "name": product["sizes"][0]["name"], "price": 2.5}]
    assert len(product["additional_thumbnail"]) == 2 and "/media/products/" in product["thumbnail"]
    assert _usage(shop["id"], "storage_bytes") > 3 * len(_png())

    # when
    first_image = product["additional_thumbnail"][0]["id"]
    updated = api.post(f"/api/seller/product/{product['id']}/update", token=token, **_encode([
        ("name", "Ceramic Mug XL"), ("previousThumbnail[]", str(first_image)),
        ("additionThumbnail[]", ("c.png", _png("black"), "image/png")),
    ]))
    shown = api.get(f"/api/seller/product/{product['id']}/show", token=token)

    # then
    assert updated.status == 200, updated
    gallery = shown.json["data"]["product"]["additional_thumbnail"]
    assert shown.json["data"]["product"]["name"] == "Ceramic Mug XL"
    assert len(gallery) == 2 and gallery[0]["id"] == first_image

    # when
    removed = api.delete("/api/seller/product/thumbnail/delete", token=token,
                         json={"product_id": product["id"], "thumbnail_id": first_image})

    # then
    assert removed.status == 200 and len(removed.json["data"]["product"]["additional_thumbnail"]) == 1

    # when
    destroyed = api.delete(f"/api/seller/product/{product['id']}/destroy", token=token)

    # then
    assert destroyed.status == 200 and "data" not in destroyed.json
    assert api.get(f"/api/seller/product/{product['id']}/show", token=token).status == 404
    assert _usage(shop["id"]) == 0 and _usage(shop["id"], "storage_bytes") == 0


def _encode(parts: list) -> dict:
    from urllib3 import encode_multipart_formdata

    body, content_type = encode_multipart_formdata(parts)
    return {"body": body, "content_type": content_type}


def test_create_data_lists_the_form_choices(api, seller_token):
    # when
    response = api.get("/api/seller/product/create-data", token=seller_token)

    # then
    assert response.status == 200
    data = response.json["data"]
    assert sum(1 for c in data["categories"] if c["sub_categories"]) >= 10
    demo_sizes = ["S", "M", "L", "XL", "XXL"]
    assert [s["name"] for s in data["sizes"] if s["name"] in demo_sizes] == demo_sizes
    assert len(data["colors"]) >= 20 and data["colors"][0]["color_code"].startswith("#")
    assert len(data["brands"]) >= 20 and data["units"]


def test_deleting_a_product_removes_customers_favorites_and_reviews_of_it(api, make_shop, catalog):
    # given
    from kernel import context, db
    from kernel.models import User
    from plugins.catalog.models import Favorite, Review

    shop, token, _host = make_shop("starter")
    product_id = api.post("/api/seller/products", token=token, json=_product(catalog)).json["data"]["product"]["id"]
    customer = User.get(User.email == "customer@qutekart.com")
    with context.use(tenant=shop["id"], user=customer.id), db.transaction():
        Favorite.create(user=customer.id, product=product_id)
        Review.create(product=product_id, user=customer.id, rating=5)

    # when
    deleted = api.delete(f"/api/seller/products/{product_id}", token=token)

    # then
    assert deleted.status == 200
    with context.use(tenant=shop["id"], user=customer.id):
        assert not Favorite.select().where(Favorite.product == product_id).exists()
        assert not Review.select().where(Review.product == product_id).exists()


def test_lowering_the_price_below_the_discount_is_422(api, make_shop, catalog):
    # given
    _shop, token, _host = make_shop("starter")
    product_id = api.post("/api/seller/products", token=token, json=_product(catalog, price=50, discount_price=40)).json["data"]["product"]["id"]

    # when
    response = api.put(f"/api/seller/products/{product_id}", token=token, json={"price": 30})

    # then
    assert response.status == 422 and "discount_price" in response.json["errors"]


# -- validation ---------------------------------------------------------------------


def test_validation_errors_name_their_fields(api, make_shop, catalog):
    # given
    _shop, token, _host = make_shop("starter")

    # when
    missing = api.post("/api/seller/products", token=token, json={"name": ""})
    bad_refs = api.post("/api/seller/products", token=token, json=_product(
        catalog, category=catalog["sub_category"], brand=999999, color=[999999], sub_category=[catalog["category"]]))
    bad_discount = api.post("/api/seller/products", token=token, json=_product(catalog, price=10, discount_price=12))

    # then
    assert missing.status == 422 and {"name", "code", "category", "price"} <= set(missing.json["errors"])
    assert bad_refs.status == 422 and {"category", "brand", "color", "sub_category"} <= set(bad_refs.json["errors"])
    assert bad_discount.status == 422 and "discount_price" in bad_discount.json["errors"]
    assert "data" not in missing.json


def test_fractional_ids_are_422_not_cut_to_another_row(api, make_shop, catalog):
    # given a seller and ids that a cut fraction would turn into real rows
    _shop, token, _host = make_shop("starter")
    fractions = {
        "category": {"category": catalog["category"] + 0.5},
        "sub_category": {"sub_category": [catalog["sub_category"] + 0.5]},
        "brand": {"brand": catalog["brand"] + 0.5},
        "unit": {"unit": catalog["unit"] + 0.5},
        "color": {"color": [{"id": catalog["colors"][0] + 0.5, "price": 1}]},
        "size": {"size": [catalog["sizes"][0] + 0.5]},
        "quantity": {"quantity": 2.5},
    }

    # when each is sent in a JSON body, and as a query or body id of the other routes
    answers = {field: api.post("/api/seller/products", token=token, json=_product(catalog, **body))
               for field, body in fractions.items()}
    listed = api.get("/api/seller/products", token=token, params={"category": f"{catalog['category']}.5"})
    image = api.delete("/api/seller/product/thumbnail/delete", token=token, json={"product_id": 1.5, "thumbnail_id": 1})

    # then every one is refused naming its field, and no product was created
    for field, response in answers.items():
        assert response.status == 422, (field, response)
        assert any(key == field or key.startswith(f"{field}.") for key in response.json["errors"]), (field, response.json)
    assert listed.status == 422 and "category" in listed.json["errors"]
    assert image.status == 422 and "product_id" in image.json["errors"]
    assert api.get("/api/seller/products", token=token).json["data"]["total"] == 0


def test_prices_are_bounded_so_their_minor_units_fit_the_columns(api, make_shop, catalog):
    # given
    _shop, token, _host = make_shop("starter")

    # when
    largest = api.post("/api/seller/products", token=token, json=_product(catalog, price=10_000_000, discount_price=None))
    over = api.post("/api/seller/products", token=token, json=_product(catalog, price=10_000_000.01, discount_price=None))

    # then
    assert largest.status == 201, largest
    assert largest.json["data"]["product"]["price"] == 10_000_000.0
    assert over.status == 422 and "price" in over.json["errors"]


def test_duplicate_code_in_the_same_shop_is_422_but_another_shop_may_use_it(api, make_shop, catalog):
    # given
    _shop, token, _host = make_shop("starter")
    _other, other_token, _ = make_shop("starter")
    first = api.post("/api/seller/products", token=token, json=_product(catalog, code="12345"))
    second = api.post("/api/seller/products", token=token, json=_product(catalog, code="99999"))

    # when
    duplicate = api.post("/api/seller/products", token=token, json=_product(catalog, code="12345"))
    renamed = api.put(f"/api/seller/products/{second.json['data']['product']['id']}", token=token, json={"code": "12345"})
    elsewhere = api.post("/api/seller/products", token=other_token, json=_product(catalog, code="12345"))

    # then
    assert first.status == 201
    assert duplicate.status == 422 and "code" in duplicate.json["errors"]
    assert renamed.status == 422 and "code" in renamed.json["errors"]
    assert elsewhere.status == 201


def test_racing_duplicate_codes_give_one_product_and_422s(api, make_shop, catalog):
    # given
    shop, token, _host = make_shop("starter")
    statuses = _race(8, lambda: api.post("/api/seller/products", token=token, json=_product(catalog, code="55555")).status)

    # then
    assert sorted(statuses) == [201] + [422] * 7
    assert _usage(shop["id"]) == 1


# -- scoping ------------------------------------------------------------------------


def test_another_shops_product_is_404_on_every_route(api, make_shop, catalog):
    # given
    _shop, owner_token, _ = make_shop("starter")
    _intruder_shop, intruder_token, _ = make_shop("starter")
    product_id = api.post("/api/seller/products", token=owner_token, json=_product(catalog)).json["data"]["product"]["id"]

    # when
    answers = [
        api.get(f"/api/seller/products/{product_id}", token=intruder_token),
        api.put(f"/api/seller/products/{product_id}", token=intruder_token, json={"name": "Stolen"}),
        api.delete(f"/api/seller/products/{product_id}", token=intruder_token),
        api.post(f"/api/seller/products/{product_id}/status", token=intruder_token, json={"is_active": False}),
        api.get(f"/api/seller/product/{product_id}/show", token=intruder_token),
        api.post(f"/api/seller/product/{product_id}/update", token=intruder_token, json={"name": "Stolen"}),
        api.post(f"/api/seller/product/status/toggle/{product_id}", token=intruder_token),
        api.delete(f"/api/seller/product/{product_id}/destroy", token=intruder_token),
        api.delete("/api/seller/product/thumbnail/delete", token=intruder_token, json={"product_id": product_id, "thumbnail_id": 1}),
    ]
    listed = api.get("/api/seller/products", token=intruder_token)

    # then
    assert [a.status for a in answers] == [404] * len(answers)
    assert listed.json["data"]["total"] == 0
    unchanged = api.get(f"/api/seller/products/{product_id}", token=owner_token).json["data"]["product"]
    assert unchanged["name"] == "Linen Shirt" and unchanged["is_active"] is True


def test_customers_and_anonymous_callers_cannot_manage_products(api, customer_token):
    # when
    anonymous = api.get("/api/seller/products")
    customer = api.get("/api/seller/products", token=customer_token)

    # then
    assert anonymous.status == 401
    assert customer.status == 403 and "data" not in customer.json


# -- the plan's product limit -----------------------------------------------------


def test_at_the_limit_create_answers_403_with_the_limit_body(api, make_shop, catalog):
    # given: a free shop (25 products) with 24 taken
    shop, token, _host = make_shop("free")
    plans.take(shop["id"], "products", 24)

    # when
    last = api.post("/api/seller/products", token=token, json=_product(catalog))
    over = api.post("/api/seller/products", token=token, json=_product(catalog))

    # then
    assert last.status == 201
    assert over.status == 403
    assert over.json["error"] == "limit_exceeded" and over.json["limit_type"] == "products"
    assert over.json["details"] == {"limit": 25, "current": 25, "remaining": 0, "upgrade_url": over.json["details"]["upgrade_url"]}
    assert over.json["current_plan"] == "free" and "data" not in over.json
    assert api.get("/api/seller/products", token=token).json["data"]["total"] == 1


def test_deleting_frees_the_slot(api, make_shop, catalog):
    # given
    shop, token, _host = make_shop("free")
    plans.take(shop["id"], "products", 24)
    product_id = api.post("/api/seller/products", token=token, json=_product(catalog)).json["data"]["product"]["id"]
    assert api.post("/api/seller/products", token=token, json=_product(catalog)).status == 403

    # when
    deleted = api.delete(f"/api/seller/products/{product_id}", token=token)
    again = api.post("/api/seller/products", token=token, json=_product(catalog))

    # then
    assert deleted.status == 200
    assert again.status == 201
    assert _usage(shop["id"]) == 25


def test_concurrent_creates_never_both_take_the_last_slot(api, make_shop, catalog):
    # given
    shop, token, _host = make_shop("free")
    plans.take(shop["id"], "products", 24)

    # when
    statuses = _race(8, lambda: api.post("/api/seller/products", token=token, json=_product(catalog)).status)

    # then
    assert sorted(statuses) == [201] + [403] * 7
    assert _usage(shop["id"]) == 25
    assert api.get("/api/seller/products", token=token).json["data"]["total"] == 1


def _race(count: int, call) -> list:
    """Run ``call`` in ``count`` threads released at the same moment; return their results."""
    from kernel import db

    barrier = threading.Barrier(count)
    results = [None] * count

    def worker(index):
        barrier.wait()
        try:
            results[index] = call()
        finally:
            if not db.database.obj.is_closed():
                db.database.obj.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
