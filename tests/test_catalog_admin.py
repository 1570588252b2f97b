"""Reference-data management by the platform's administrators: categories, sub-categories, brands, sizes,
colours and units, seen at once on the public routes; permissions, 404, 409 on rows in use, 422 on bad input."""

import io
import threading

import pytest
from PIL import Image
from urllib3 import encode_multipart_formdata

import catalog_fixtures as cf
from contract import CATEGORY, assert_dart_types, under
from kernel import storage
from plugins.catalog.admin import services
from plugins.catalog.models import Brand, Category, Color, Size

ADMIN_COLLECTIONS = ["categories", "sub-categories", "brands", "sizes", "colors", "units"]


def png_bytes(color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 40), color).save(out, "PNG")
    return out.getvalue()


def send_form(api, method: str, path: str, token: str, fields: dict):
    body, content_type = encode_multipart_formdata(fields)
    return api.request(method, path, token=token, body=body, content_type=content_type)


def stored_key(url: str) -> str:
    return url.split("/media/", 1)[1]


def create(api, token, collection: str, **fields):
    response = api.post(f"/api/admin/{collection}", token=token, json=fields)
    assert response.status == 201, response
    return response.json["data"]


def public_categories(api) -> dict[int, dict]:
    return {c["id"]: c for c in api.get("/api/categories").json["data"]["categories"]}


def filter_panel(api) -> dict:
    return api.get("/api/products", params={"per_page": 1}).json["data"]["filters"]


# -- categories and sub-categories ---------------------------------------------------------------------


def test_category_round_trip_shows_on_the_public_routes(api, root_token):
    # given a shop with a product, and root adding a category with an image
    shop_id, _ = cf.shop(api, root_token)
    created = send_form(api, "POST", "/api/admin/categories", root_token, {
        "name": cf.unique("Garden"), "sort_order": "0", "is_active": "true",
        "thumbnail": ("garden.png", png_bytes(), "image/png"),
    })
    assert created.status == 201, created
    category = created.json["data"]["category"]
    key = stored_key(category["thumbnail"])
    assert storage.backend().exists(key)
    row = Category.get_by_id(category["id"])
    cf.product(shop_id, category=row)
    # then the storefront lists it with the uploaded image, typed as the app parses it
    listed = api.get("/api/categories")
    assert_dart_types(listed.json, under("data.categories[]", CATEGORY))
    assert public_categories(api)[category["id"]]["thumbnail"] == category["thumbnail"]
    # when root renames it and replaces the image
    new_name = cf.unique("Patio")
    changed = send_form(api, "PUT", f"/api/admin/categories/{category['id']}", root_token, {
        "name": new_name, "thumbnail": ("patio.png", png_bytes((0, 90, 0)), "image/png"),
    })
    # then the public routes show the change at once, and the old image is gone from storage
    assert changed.status == 200, changed
    shown = public_categories(api)[category["id"]]
    assert shown["name"] == new_name and shown["thumbnail"] == changed.json["data"]["category"]["thumbnail"]
    assert api.get(f"/api/categories/{category['id']}").json["data"]["category"]["name"] == new_name
    assert not storage.backend().exists(key)
    # when root removes the image, the default one shows; when root deactivates it, it is no longer listed
    removed = api.put(f"/api/admin/categories/{category['id']}", token=root_token, json={"remove_thumbnail": True})
    assert removed.json["data"]["category"]["thumbnail"] is None
    assert public_categories(api)[category["id"]]["thumbnail"].endswith("/media/defaults/category.png")
    api.put(f"/api/admin/categories/{category['id']}", token=root_token, json={"is_active": False})
    assert category["id"] not in public_categories(api)
    assert api.get(f"/api/categories/{category['id']}").status == 404


def test_sub_category_round_trip(api, root_token):
    # given two categories
    first = create(api, root_token, "categories", name=cf.unique("Kitchen"))["category"]
    second = create(api, root_token, "categories", name=cf.unique("Bath"))["category"]
    # when root adds a sub-category to the first
    created = send_form(api, "POST", "/api/admin/sub-categories", root_token, {
        "name": "Knives", "category_id": str(first["id"]), "sort_order": "2",
        "thumbnail": ("k.png", png_bytes(), "image/png"),
    })
    # then the app's sub-category route lists it under the first category
    assert created.status == 201, created
    sub = created.json["data"]["sub_category"]
    assert sub["category"] == {"id": first["id"], "name": first["name"]}
    public = api.get("/api/sub-categories", params={"category_id": first["id"]}).json["data"]["sub_categories"]
    assert [s["id"] for s in public] == [sub["id"]] and public[0]["thumbnail"] == sub["thumbnail"]
    # when root renames it and moves it to the second category
    moved = api.put(f"/api/admin/sub-categories/{sub['id']}", token=root_token,
                    json={"name": "Towels", "category_id": second["id"]})
    # then it shows under the second one only, and the admin list filters by category
    assert moved.status == 200, moved
    assert api.get("/api/sub-categories", params={"category_id": first["id"]}).json["data"]["sub_categories"] == []
    public = api.get("/api/sub-categories", params={"category_id": second["id"]}).json["data"]["sub_categories"]
    assert [(s["id"], s["name"]) for s in public] == [(sub["id"], "Towels")]
    listed = api.get("/api/admin/sub-categories", token=root_token, params={"category_id": second["id"]})
    assert [s["id"] for s in listed.json["data"]["sub_categories"]] == [sub["id"]]
    renamed = api.put(f"/api/admin/sub-categories/{sub['id']}", token=root_token, json={"name": "Bath towels"})
    assert renamed.status == 200 and renamed.json["data"]["sub_category"]["category"]["id"] == second["id"]
    # and a category and a sub-category are not each other's ids
    assert api.put(f"/api/admin/categories/{sub['id']}", token=root_token, json={"name": "X"}).status == 404
    assert api.delete(f"/api/admin/sub-categories/{first['id']}", token=root_token).status == 404
    # when root deletes it, the app no longer lists it
    assert api.delete(f"/api/admin/sub-categories/{sub['id']}", token=root_token).status == 200
    assert api.get("/api/sub-categories", params={"category_id": second["id"]}).json["data"]["sub_categories"] == []
    assert api.delete(f"/api/admin/sub-categories/{sub['id']}", token=root_token).status == 404


def test_sub_category_names_are_unique_within_their_category(api, root_token):
    # given two categories, the first with a sub-category "Tops"
    first = create(api, root_token, "categories", name=cf.unique("Women"))["category"]
    second = create(api, root_token, "categories", name=cf.unique("Girls"))["category"]
    create(api, root_token, "sub-categories", name="Tops", category_id=first["id"])
    # when "Tops" is added again to the first, and to the second
    again = api.post("/api/admin/sub-categories", token=root_token, json={"name": "tops", "category_id": first["id"]})
    elsewhere = api.post("/api/admin/sub-categories", token=root_token,
                         json={"name": "Tops", "category_id": second["id"]})
    # then only the second category takes it
    assert again.status == 422 and "name" in again.json["errors"]
    assert elsewhere.status == 201, elsewhere
    # when the first category is renamed, its sub-categories keep their names unique under it
    renamed = api.put(f"/api/admin/categories/{first['id']}", token=root_token, json={"name": cf.unique("Ladies")})
    assert renamed.status == 200, renamed
    again = api.post("/api/admin/sub-categories", token=root_token, json={"name": "Tops", "category_id": first["id"]})
    assert again.status == 422
    # and a sub-category needs an existing top-level category
    orphan = api.post("/api/admin/sub-categories", token=root_token, json={"name": "X", "category_id": 2_000_000_000})
    assert orphan.status == 422 and "category_id" in orphan.json["errors"]
    nested = elsewhere.json["data"]["sub_category"]["id"]
    below_sub = api.post("/api/admin/sub-categories", token=root_token, json={"name": "Y", "category_id": nested})
    assert below_sub.status == 422


def test_deleting_a_category_takes_its_unused_sub_categories(api, root_token):
    # given a category with an image and a sub-category no product uses
    created = send_form(api, "POST", "/api/admin/categories", root_token, {
        "name": cf.unique("Seasonal"), "thumbnail": ("s.png", png_bytes(), "image/png"),
    })
    category = created.json["data"]["category"]
    sub = create(api, root_token, "sub-categories", name="Winter", category_id=category["id"])["sub_category"]
    # when root deletes the category
    deleted = api.delete(f"/api/admin/categories/{category['id']}", token=root_token)
    # then both are gone, with the stored image
    assert deleted.status == 200, deleted
    assert Category.get_or_none(Category.id == sub["id"]) is None
    assert not storage.backend().exists(stored_key(category["thumbnail"]))
    assert api.get(f"/api/categories/{category['id']}").status == 404


def test_categories_products_use_cannot_be_deleted(api, root_token):
    # given a category with a product, and a sub-category a product is filed under
    shop_id, _ = cf.shop(api, root_token)
    main, other = cf.category(), cf.category()
    sub = cf.category(parent=other)
    cf.product(shop_id, category=main)
    cf.product(shop_id, category=cf.category(), sub_categories=[sub])
    # when root deletes them, or the category above the used sub-category
    answers = [
        api.delete(f"/api/admin/categories/{main.id}", token=root_token),
        api.delete(f"/api/admin/sub-categories/{sub.id}", token=root_token),
        api.delete(f"/api/admin/categories/{other.id}", token=root_token),
    ]
    # then each is refused with 409 and a message, and every row stays
    assert [a.status for a in answers] == [409, 409, 409]
    assert all(a.json["message"] for a in answers)
    assert Category.select().where(Category.id.in_([main.id, other.id, sub.id])).count() == 3


def test_category_input_is_checked(api, root_token):
    # given root
    # when a category is sent without a name, with a blank one, a non-image, an unknown field or no change
    text = ("notes.png", b"just text", "image/png")
    answers = {
        "missing": api.post("/api/admin/categories", token=root_token, json={"is_active": True}),
        "blank": api.post("/api/admin/categories", token=root_token, json={"name": "   "}),
        "symbols": api.post("/api/admin/categories", token=root_token, json={"name": "!!!"}),
        "not an image": send_form(api, "POST", "/api/admin/categories", root_token, {"name": "A", "thumbnail": text}),
        "unknown": api.post("/api/admin/categories", token=root_token, json={"name": "A", "colour": "red"}),
        "nothing": api.put("/api/admin/categories/1", token=root_token, json={}),
        "both": send_form(api, "PUT", "/api/admin/categories/1", root_token, {
            "remove_thumbnail": "true", "thumbnail": ("a.png", png_bytes(), "image/png")}),
    }
    # then each answers 422 in the envelope
    for case, answer in answers.items():
        assert answer.status == 422, (case, answer)
        assert answer.json["message"] and answer.json["errors"], case
    assert "thumbnail" in answers["not an image"].json["errors"]
    # and a duplicate name (its slug) is refused, case aside
    name = cf.unique("Toys")
    create(api, root_token, "categories", name=name)
    duplicate = api.post("/api/admin/categories", token=root_token, json={"name": f"  {name.upper()} "})
    assert duplicate.status == 422 and "name" in duplicate.json["errors"]


# -- brands, sizes, colours, units ---------------------------------------------------------------------


def test_brand_round_trip_shows_in_the_product_filters(api, root_token):
    # given root adding a brand with a logo
    name = cf.unique("Acme")
    created = send_form(api, "POST", "/api/admin/brands", root_token, {
        "name": name, "logo": ("logo.png", png_bytes(), "image/png"),
    })
    assert created.status == 201, created
    brand = created.json["data"]["brand"]
    assert brand["logo"] and storage.backend().exists(stored_key(brand["logo"]))
    # then the product filters offer it
    assert {"id": brand["id"], "name": name} in filter_panel(api)["brands"]
    # when renamed, then hidden
    renamed = api.put(f"/api/admin/brands/{brand['id']}", token=root_token, json={"name": f"{name} Pro"})
    assert renamed.status == 200 and renamed.json["data"]["brand"]["name"] == f"{name} Pro"
    assert {"id": brand["id"], "name": f"{name} Pro"} in filter_panel(api)["brands"]
    api.put(f"/api/admin/brands/{brand['id']}", token=root_token, json={"is_active": False})
    assert brand["id"] not in {b["id"] for b in filter_panel(api)["brands"]}
    # when deleted, it and its logo are gone
    assert api.delete(f"/api/admin/brands/{brand['id']}", token=root_token).status == 200
    assert not storage.backend().exists(stored_key(brand["logo"]))
    listed = api.get("/api/admin/brands", token=root_token, params={"search": name})
    assert listed.json["data"]["brands"] == []


def test_logo_limit_is_the_logo_kind(api, root_token):
    # given a logo over 2 MB (an image, but too large for a logo)
    big = b"\x89PNG" + b"0" * (2 * 1024 * 1024 + 10)
    # when root uploads it as a brand's logo
    answer = send_form(api, "POST", "/api/admin/brands", root_token,
                       {"name": cf.unique("B"), "logo": ("l.png", big, "image/png")})
    # then it is refused as too large, naming the field
    assert answer.status == 413 and "logo" in answer.json["errors"]


def test_size_color_and_unit_round_trips(api, root_token, seller_token):
    # given root adding a size, a colour and a unit
    size = create(api, root_token, "sizes", name=cf.unique("XXXL"), sort_order=99)["size"]
    color = create(api, root_token, "colors", name=cf.unique("Teal"), color_code="#00a0b0")["color"]
    unit = create(api, root_token, "units", name=cf.unique("Crate"))["unit"]
    # then the product filters and the seller's product form offer them (the colour code in capitals)
    panel = filter_panel(api)
    assert size["id"] in {s["id"] for s in panel["sizes"]}
    assert {"id": color["id"], "name": color["name"], "color_code": "#00A0B0", "price": 0.0} in panel["colors"]
    form = api.get("/api/seller/product/create-data", token=seller_token).json["data"]
    assert unit["id"] in {u["id"] for u in form["units"]}
    # when each is changed
    assert api.put(f"/api/admin/sizes/{size['id']}", token=root_token, json={"name": size["name"] + "+"}).status == 200
    recoloured = api.put(f"/api/admin/colors/{color['id']}", token=root_token, json={"color_code": "#FFEEDD"})
    assert api.put(f"/api/admin/units/{unit['id']}", token=root_token, json={"name": unit["name"] + "s"}).status == 200
    # then the public routes show the change
    panel = filter_panel(api)
    assert recoloured.json["data"]["color"]["color_code"] == "#FFEEDD"
    assert {c["id"]: c["color_code"] for c in panel["colors"]}[color["id"]] == "#FFEEDD"
    assert {s["id"]: s["name"] for s in panel["sizes"]}[size["id"]] == size["name"] + "+"
    # when each is deleted, it is gone from the filters and the admin lists
    for collection, row in (("sizes", size), ("colors", color), ("units", unit)):
        assert api.delete(f"/api/admin/{collection}/{row['id']}", token=root_token).status == 200
        listed = api.get(f"/api/admin/{collection}", token=root_token).json["data"][collection]
        assert row["id"] not in {r["id"] for r in listed}
    panel = filter_panel(api)
    assert size["id"] not in {s["id"] for s in panel["sizes"]} and color["id"] not in {c["id"] for c in panel["colors"]}


@pytest.mark.parametrize("code", ["00AABB", "#GGHHII", "#ABC", "#AABBCCDD", "#AABBC\n", "#AABBCC\n", "red", ""])
def test_colour_codes_must_be_hex(api, root_token, code):
    # when a colour is sent with a code that is not #RRGGBB
    answer = api.post("/api/admin/colors", token=root_token, json={"name": cf.unique("C"), "color_code": code})
    # then it is refused, naming the field
    assert answer.status == 422, answer
    assert "color_code" in answer.json["errors"]


@pytest.mark.parametrize("collection, extra", [("sizes", {}), ("colors", {"color_code": "#123456"}), ("units", {}),
                                               ("brands", {})])
def test_duplicate_names_are_refused(api, root_token, collection, extra):
    # given a row with a name
    name = cf.unique("Dup")
    create(api, root_token, collection, name=name, **extra)
    # when another row takes the same name, and when a second row is renamed to it
    again = api.post(f"/api/admin/{collection}", token=root_token, json={"name": name, **extra})
    other = create(api, root_token, collection, name=cf.unique("Other"), **extra)
    other_id = next(iter(other.values()))["id"]
    renamed = api.put(f"/api/admin/{collection}/{other_id}", token=root_token, json={"name": name})
    # then both answer 422 on the name
    for answer in (again, renamed):
        assert answer.status == 422, answer
        assert list(answer.json["errors"]) == ["name"]


def test_concurrent_duplicates_leave_one_row(api, root_token):
    # given two requests adding the same colour at the same moment
    name = cf.unique("Race")
    barrier = threading.Barrier(2)
    answers = []

    def add():
        barrier.wait()
        answers.append(api.post("/api/admin/colors", token=root_token, json={"name": name, "color_code": "#010203"}))

    threads = [threading.Thread(target=add) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then one is created and the other refused on the name, never a 500
    assert sorted(a.status for a in answers) == [201, 422], answers
    assert Color.select().where(Color.name == name).count() == 1


def test_reference_data_products_use_cannot_be_deleted(api, root_token):
    # given a brand, a unit, a colour and a size used by a published product, and a brand used only by a
    # hidden one (row-level security hides it from the administrator on PostgreSQL; the database still refuses)
    shop_id, _ = cf.shop(api, root_token)
    brand, hidden_brand = cf.brand(), cf.brand()
    color, size = cf.color(), cf.size()
    unit = create(api, root_token, "units", name=cf.unique("Bale"))["unit"]
    cf.product(shop_id, category=cf.category(), brand=brand, unit=unit["id"], colors=[color], sizes=[size])
    cf.product(shop_id, category=cf.category(), brand=hidden_brand, is_active=False, is_approved=False)
    # when root deletes each
    answers = {
        "brand": api.delete(f"/api/admin/brands/{brand.id}", token=root_token),
        "hidden brand": api.delete(f"/api/admin/brands/{hidden_brand.id}", token=root_token),
        "unit": api.delete(f"/api/admin/units/{unit['id']}", token=root_token),
        "color": api.delete(f"/api/admin/colors/{color.id}", token=root_token),
        "size": api.delete(f"/api/admin/sizes/{size.id}", token=root_token),
    }
    # then each is refused with 409 and a message, and the rows stay
    for case, answer in answers.items():
        assert answer.status == 409, (case, answer)
        assert "Products" in answer.json["message"], case
    assert Brand.select().where(Brand.id.in_([brand.id, hidden_brand.id])).count() == 2
    assert Color.get_or_none(Color.id == color.id) and Size.get_or_none(Size.id == size.id)


def test_the_database_refuses_what_the_check_cannot_see(api, root_token, monkeypatch):
    # given a brand a product uses, and a check that misses it (as row-level security hides an
    # unpublished product, or as a product filed between the check and the delete would be)
    shop_id, _ = cf.shop(api, root_token)
    brand = cf.brand()
    cf.product(shop_id, category=cf.category(), brand=brand)
    monkeypatch.setattr(services.Brands, "in_use", lambda self, row: False)
    # when root deletes the brand
    answer = api.delete(f"/api/admin/brands/{brand.id}", token=root_token)
    # then the foreign key refuses it: 409, never a 500, and the brand stays
    assert answer.status == 409, answer
    assert Brand.get_or_none(Brand.id == brand.id) is not None


def test_a_row_deleted_meanwhile_is_gone(platform):
    # given a size read by one request and deleted by another
    size = cf.size()
    stale = services.SIZES.find(size.id)
    services.SIZES.delete(services.SIZES.find(size.id))
    # when the first request changes or deletes it, then it learns the row is gone
    with pytest.raises(services.Gone):
        services.SIZES.update(stale, {"name": cf.unique("S")})
    with pytest.raises(services.Gone):
        services.SIZES.delete(stale)


# -- who may call ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("collection", ADMIN_COLLECTIONS)
def test_only_platform_administrators_manage_reference_data(api, seller_token, customer_token, collection):
    # given the collection and one of its items
    calls = [("GET", f"/api/admin/{collection}"), ("POST", f"/api/admin/{collection}"),
             ("PUT", f"/api/admin/{collection}/1"), ("DELETE", f"/api/admin/{collection}/1")]
    for method, path in calls:
        body = {"name": "X"} if method in ("POST", "PUT") else None
        # when called without a token, then 401; with a seller's or a customer's, then 403
        assert api.request(method, path, json=body).status == 401, (method, path)
        for token in (seller_token, customer_token):
            answer = api.request(method, path, json=body, token=token)
            assert answer.status == 403 and answer.json["message"], (method, path)


@pytest.mark.parametrize("collection", ADMIN_COLLECTIONS)
def test_unknown_ids_answer_404(api, root_token, collection):
    # when root changes or deletes an id that does not exist
    changed = api.put(f"/api/admin/{collection}/2000000000", token=root_token, json={"name": "Nothing"})
    deleted = api.delete(f"/api/admin/{collection}/2000000000", token=root_token)
    # then both answer 404 in the envelope
    assert changed.status == 404 and changed.json["message"]
    assert deleted.status == 404 and deleted.json["message"]


def test_superadmins_hold_the_permissions(api):
    # given a superadmin account
    from kernel import db, permissions, tokens
    from kernel.models import User

    with db.transaction():
        user = User.create(name="Operator", email=f"{cf.unique('op')}@example.com", password_hash="!")
        permissions.assign_role(user, "superadmin")
    token, _ = tokens.issue(user, name="test")
    # when it lists each kind of reference data, then it may
    for collection in ADMIN_COLLECTIONS:
        assert api.get(f"/api/admin/{collection}", token=token).status == 200, collection


def test_lists_page_and_search(api, root_token):
    # given three units sharing a word
    word = cf.unique("pallet")
    for n in range(3):
        create(api, root_token, "units", name=f"{word} {n}")
    # when searched and paged
    page = api.get("/api/admin/units", token=root_token, params={"search": word, "page": 2, "per_page": 2})
    # then the page holds the rest, in name order, with the total
    assert page.status == 200
    data = page.json["data"]
    assert data["total"] == 3 and data["page"] == 2 and [u["name"] for u in data["units"]] == [f"{word} 2"]
