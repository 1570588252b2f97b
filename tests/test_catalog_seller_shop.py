"""Seller storefront profile: the original ``shop-update`` and ``shop-setting-update`` routes and the
canonical ``/api/seller/shop``, scoped to the seller's own shop, with images counted against storage."""

import datetime as dt
import secrets
from io import BytesIO

import pytest
from PIL import Image
from urllib3 import encode_multipart_formdata

import catalog_fixtures as f
from conftest import login_token_for
from contract import assert_dart_types
from kernel import plans, storage, tenancy, uploads
from kernel.models import TenantUsage
from kernel.orm import utcnow

MB = 1024 * 1024
USER = {
    "data.user": "Map!", "data.user.id": "int!", "data.user.name": "String?", "data.user.phone": "String?",
    "data.user.email": "String?", "data.user.is_active": "bool!", "data.user.profile_photo": "String?",
    "data.user.gender": "String?", "data.user.date_of_birth": "String?", "data.user.country": "String?",
    "data.user.phone_code": "String?", "data.user.account_verified": "bool!",
}
SELLER_SHOP = {
    "data.shop": "Map!", "data.shop.id": "int!", "data.shop.name": "String!", "data.shop.logo": "String!",
    "data.shop.banner": "String!", "data.shop.short_description": "String!", "data.shop.description": "String!",
    "data.shop.address": "String!", "data.shop.prefix": "String!", "data.shop.min_order_amount": "double!",
    "data.shop.estimated_delivery_time": "String!", "data.shop.opening_time": "String!",
    "data.shop.closing_time": "String!", "data.shop.off_day": "List!", "data.shop.off_day[]": "String!",
    "data.shop.shop_status": "String!", "data.shop.is_published": "bool!",
}
# ShopDetails (FLUTTER_CONTRACT.md section 3.7) and its backend extras.
SHOP_DETAILS = {
    "data.shop.id": "int!", "data.shop.name": "String!", "data.shop.logo": "String!", "data.shop.banner": "String!",
    "data.shop.description": "String?", "data.shop.short_description": "String!", "data.shop.total_products": "int!",
    "data.shop.total_categories": "int!", "data.shop.total_reviews": "int!", "data.shop.rating": "double!",
    "data.shop.shop_status": "String!", "data.shop.banners": "List!",
}
SHOP_CARD = {
    "data.shops[].id": "int!", "data.shops[].name": "String!", "data.shops[].logo": "String!",
    "data.shops[].banner": "String!", "data.shops[].rating": "double!", "data.shops[].shop_status": "String!",
    "data.shops[].total_reviews": "String!",
}


def png(color="red", size=(64, 48)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def send_form(api, path: str, token: str | None, fields):
    body, content_type = encode_multipart_formdata(fields)
    return api.post(path, token=token, body=body, content_type=content_type)


def key_of(url: str) -> str:
    return url.split("/media/", 1)[1]


def bytes_used(shop_id: int) -> int:
    row = TenantUsage.get_or_none((TenantUsage.tenant == shop_id) & (TenantUsage.metric == uploads.STORAGE_METRIC))
    return row.used if row else 0


def stored_size(key: str) -> int:
    """An object's bytes plus its thumbnail's (the task made it at once: huey runs inline in tests)."""
    backend = storage.backend()
    return backend.size(key) + (backend.size(uploads.thumbnail_key(key)) or 0)


def assert_refused(response, status: int, field: str | None = None) -> None:
    assert response.status == status, response
    assert isinstance(response.json["message"], str) and "data" not in response.json
    if field is not None:
        assert any(key == field or key.startswith(f"{field}.") for key in response.json["errors"]), response.json


@pytest.fixture(scope="module")
def fresh_seller_token(api, root_token):
    """One seller token for the parametrised validation tests (none of them changes the shop)."""
    slug = f"v{secrets.token_hex(4)}"
    response = api.post("/api/admin/shops", token=root_token, json={
        "name": f"Shop {slug}", "slug": slug, "plan": "free",
        "owner": {"name": "Owner", "email": f"{slug}@example.com", "phone": f"01{secrets.randbelow(10**9):09d}",
                  "password": "secret123"},
    })
    assert response.status == 201, response
    return login_token_for(api, f"{slug}@example.com")


# -- reading -----------------------------------------------------------------------------


def test_a_new_shop_reads_its_default_profile_without_creating_one(api, make_shop):
    # given a shop created by an administrator, never edited
    shop, token, _host = make_shop("free")

    # when its seller reads the profile
    response = api.get("/api/seller/shop", token=token)

    # then the defaults come back with the app's types, and nothing was written
    assert response.status == 200, response
    assert_dart_types(response.json, SELLER_SHOP)
    data = response.json["data"]["shop"]
    assert data["id"] == shop["id"] and data["name"] == shop["name"]
    assert data["logo"].endswith("/media/defaults/shop-logo.png") and data["min_order_amount"] == 0.0
    assert data["off_day"] == [] and data["prefix"] == ""
    assert api.get(f"/api/shops/{shop['id']}").status == 404


# -- shop-update -----------------------------------------------------------------------


def test_shop_update_changes_name_images_and_texts_and_the_storefront_shows_them(api, make_shop):
    # given a seller's shop with a product
    shop, token, host = make_shop("free")
    f.product(shop["id"], category=f.category())
    logo, banner = png("blue", (120, 120)), png("green", (600, 200))

    # when the seller sends the original app's form
    response = send_form(api, "/api/seller/shop-update", token, [
        ("name", "  Blue Harbour  "), ("address", "7 Quay Street"), ("short_description", "Fresh fish daily."),
        ("description", "<p>A family fishmonger.</p>"),
        ("logo", ("logo.jpg", logo, "image/jpeg")), ("banner", ("banner.png", banner, "image/png")),
    ])

    # then the seller's account and the updated profile come back
    assert response.status == 200, response
    assert_dart_types(response.json, {**USER, **SELLER_SHOP})
    assert response.json["data"]["user"]["email"] == f"{shop['slug']}@example.com"
    data = response.json["data"]["shop"]
    assert data["name"] == "Blue Harbour" and data["address"] == "7 Quay Street"
    assert data["short_description"] == "Fresh fish daily." and data["description"] == "<p>A family fishmonger.</p>"
    logo_key, banner_key = key_of(data["logo"]), key_of(data["banner"])
    assert logo_key.endswith(".png") and storage.backend().get(logo_key) == logo
    assert storage.backend().get(banner_key) == banner

    # and both storefronts show it: the marketplace and the shop's own host
    details = api.get(f"/api/shops/{shop['id']}")
    assert details.status == 200, details
    assert_dart_types(details.json, SHOP_DETAILS)
    shown = details.json["data"]["shop"]
    assert (shown["name"], shown["logo"], shown["banner"]) == ("Blue Harbour", data["logo"], data["banner"])
    assert shown["short_description"] == "Fresh fish daily." and shown["description"] == "<p>A family fishmonger.</p>"
    assert api.get(f"/api/shops/{shop['id']}", host=host).json["data"]["shop"]["name"] == "Blue Harbour"
    listed = api.get("/api/shops", host=host)
    assert_dart_types(listed.json, SHOP_CARD)
    cards = [(s["id"], s["name"], key_of(s["logo"])) for s in listed.json["data"]["shops"]]
    assert cards == [(shop["id"], "Blue Harbour", logo_key)]
    # and the tenant itself carries the new name on every process
    assert tenancy.get(shop["id"]).name == "Blue Harbour"


def test_images_count_against_storage_and_a_replaced_logo_gives_its_bytes_back(api, make_shop):
    # given a shop whose seller uploaded a logo and a banner
    shop, token, _host = make_shop("free")
    first = send_form(api, "/api/seller/shop-update", token, [
        ("logo", ("a.png", png("red"), "image/png")), ("banner", ("b.png", png("navy", (400, 100)), "image/png")),
    ])
    assert first.status == 200, first
    old_logo, banner = key_of(first.json["data"]["shop"]["logo"]), key_of(first.json["data"]["shop"]["banner"])
    assert storage.backend().exists(uploads.thumbnail_key(old_logo))
    assert bytes_used(shop["id"]) == stored_size(old_logo) + stored_size(banner)

    # when the seller replaces only the logo
    second = send_form(api, "/api/seller/shop-update", token, [("logo", ("c.png", png("yellow", (90, 90)), "image/png"))])

    # then the old logo and its thumbnail are gone, their bytes given back; the banner stays
    assert second.status == 200, second
    new_logo = key_of(second.json["data"]["shop"]["logo"])
    assert new_logo != old_logo and key_of(second.json["data"]["shop"]["banner"]) == banner
    assert not storage.backend().exists(old_logo) and not storage.backend().exists(uploads.thumbnail_key(old_logo))
    assert bytes_used(shop["id"]) == stored_size(new_logo) + stored_size(banner)


def test_an_oversize_logo_is_413_and_nothing_changes(api, make_shop):
    # given a seller
    shop, token, _host = make_shop("free")
    # a real PNG padded past the logo's 2 MB (still under the image limit a banner has)
    big = png() + b"\x00" * (2 * MB)

    # when it is sent as the logo
    response = send_form(api, "/api/seller/shop-update", token, [("name", "Too Big"), ("logo", ("big.png", big, "image/png"))])

    # then it is refused before anything is stored
    assert_refused(response, 413, "logo")
    assert bytes_used(shop["id"]) == 0
    assert api.get("/api/seller/shop", token=token).json["data"]["shop"]["name"] == shop["name"]


def test_a_spoofed_image_type_is_422(api, make_shop):
    # given a seller
    _shop, token, _host = make_shop("free")

    # when text is sent named and typed as images
    logo = send_form(api, "/api/seller/shop-update", token, [("logo", ("logo.png", b"<svg onload=alert(1)>", "image/png"))])
    banner = send_form(api, "/api/seller/shop-update", token, [("banner", ("b.jpg", b"%PDF-1.7 nope", "image/jpeg"))])
    as_text = api.post("/api/seller/shop-update", token=token, json={"logo": "https://evil.example/x.png"})

    # then each is invalid, naming its field
    assert_refused(logo, 422, "logo")
    assert_refused(banner, 422, "banner")
    assert_refused(as_text, 422, "logo")


def test_images_over_the_plans_storage_are_refused_with_the_limit_body(api, make_shop):
    # given a free shop (500 MB) with all but a few bytes used
    shop, token, _host = make_shop("free")
    plans.take(shop["id"], uploads.STORAGE_METRIC, 500 * MB - 10)

    # when the seller uploads a logo and a new name
    response = send_form(api, "/api/seller/shop-update", token, [("name", "Full"), ("logo", ("l.png", png(), "image/png"))])

    # then the whole change is refused, the name included
    assert response.status == 403 and response.json["limit_type"] == "storage_bytes"
    assert api.get("/api/seller/shop", token=token).json["data"]["shop"]["name"] == shop["name"]


# -- shop-setting-update -------------------------------------------------------------------


def test_shop_settings_are_stored_with_the_app_types_and_shape_the_storefront(api, make_shop):
    # given a listed shop with a product, open around the clock
    shop, token, _host = make_shop("free")
    f.shop_profile(shop["id"], opening_time="00:00", closing_time="00:00")
    product = f.product(shop["id"], category=f.category())
    today = utcnow().strftime("%A")

    # when the seller sets the order minimum, delivery days, prefix, hours and makes today a day off
    response = api.post("/api/seller/shop-setting-update", token=token, json={
        "min_order_amount": 12.5, "estimated_delivery_time": 3, "prefix": "rc",
        "opening_time": "08:30", "closing_time": "22:00", "off_day": [today.upper(), "Sunday", today],
    })

    # then the settings come back normalised with the app's types
    assert response.status == 200, response
    assert_dart_types(response.json, {**USER, **SELLER_SHOP})
    data = response.json["data"]["shop"]
    assert data["min_order_amount"] == 12.5 and isinstance(data["min_order_amount"], float)
    assert data["estimated_delivery_time"] == "3 days" and data["prefix"] == "RC"
    assert (data["opening_time"], data["closing_time"]) == ("08:30", "22:00")
    expected_days = [day for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
                     if day in {today, "Sunday"}]
    assert data["off_day"] == expected_days and data["shop_status"] == "Offline"

    # and customers see the shop closed today and the delivery estimate on its products
    assert api.get(f"/api/shops/{shop['id']}").json["data"]["shop"]["shop_status"] == "Offline"
    card = api.get("/api/product-details", params={"product_id": product.id}).json["data"]["product"]["shop"]
    assert card["estimated_delivery_time"] == "3 days"


def test_a_one_day_estimate_reads_singular_and_the_original_form_is_accepted(api, make_shop):
    # given a seller
    _shop, token, _host = make_shop("free")

    # when the settings come as the original app's multipart form with off_day[] parts
    response = send_form(api, "/api/seller/shop-setting-update", token, [
        ("min_order_amount", "0"), ("estimated_delivery_time", "1"), ("prefix", "A7"),
        ("opening_time", "09:00"), ("closing_time", "18:00"), ("off_day[]", "friday"), ("off_day[]", "Saturday"),
    ])

    # then they are read like JSON
    assert response.status == 200, response
    data = response.json["data"]["shop"]
    assert data["estimated_delivery_time"] == "1 day" and data["off_day"] == ["Friday", "Saturday"]
    assert data["min_order_amount"] == 0.0 and data["prefix"] == "A7"


@pytest.mark.parametrize("body, field", [
    ({"estimated_delivery_time": 0}, "estimated_delivery_time"),
    ({"estimated_delivery_time": 121}, "estimated_delivery_time"),
    ({"estimated_delivery_time": 2.5}, "estimated_delivery_time"),
    ({"estimated_delivery_time": "soon"}, "estimated_delivery_time"),
    ({"prefix": "ABC"}, "prefix"),
    ({"prefix": "A"}, "prefix"),
    ({"prefix": "A-"}, "prefix"),
    ({"opening_time": "25:00"}, "opening_time"),
    ({"closing_time": "9am"}, "closing_time"),
    ({"opening_time": "09:00:00"}, "opening_time"),
    ({"off_day": ["Funday"]}, "off_day"),
    ({"off_day": "Caturday"}, "off_day"),
    ({"min_order_amount": -1}, "min_order_amount"),
    ({"min_order_amount": 10_000_000.01}, "min_order_amount"),
    ({"min_order_amount": "NaN"}, "min_order_amount"),
    ({}, "_schema"),
    ({"unknown": 1}, "_schema"),
])
def test_invalid_settings_are_422_naming_the_field(api, fresh_seller_token, body, field):
    # given a seller
    token = fresh_seller_token

    # when the setting is out of range or malformed
    response = api.post("/api/seller/shop-setting-update", token=token, json=body)

    # then it is refused in the envelope, naming the field
    assert_refused(response, 422, field)


@pytest.mark.parametrize("body, field", [
    ({"name": "x" * 121}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "Two\nlines"}, "name"),
    ({"address": "a" * 256}, "address"),
    ({"short_description": "s" * 256}, "short_description"),
    ({"name": 5}, "name"),
])
def test_invalid_profile_texts_are_422(api, fresh_seller_token, body, field):
    # given a seller
    token = fresh_seller_token

    # when a text is too long, blank, multi-line or not a string
    form = api.post("/api/seller/shop-update", token=token, json=body)
    canonical = api.put("/api/seller/shop", token=token, json=body)

    # then both routes refuse it
    assert_refused(form, 422, field)
    assert_refused(canonical, 422, field)


# -- the canonical pair -----------------------------------------------------------------------


def test_canonical_put_changes_only_the_fields_sent(api, make_shop):
    # given a shop with a profile
    shop, token, _host = make_shop("free")
    f.shop_profile(shop["id"], address="1 Old Road", short_description="Old.")

    # when the seller changes a text and a setting through the canonical route
    response = api.put("/api/seller/shop", token=token, json={"short_description": "New.", "prefix": "QC",
                                                             "min_order_amount": 7})

    # then those change, the rest stays, and a GET shows the same
    assert response.status == 200, response
    assert_dart_types(response.json, SELLER_SHOP)
    data = response.json["data"]["shop"]
    assert (data["short_description"], data["prefix"], data["min_order_amount"]) == ("New.", "QC", 7.0)
    assert data["address"] == "1 Old Road" and data["name"] == shop["name"]
    assert api.get("/api/seller/shop", token=token).json["data"]["shop"] == data


def test_each_seller_edits_only_their_own_shop(api, make_shop):
    # given two shops
    mine, my_token, _ = make_shop("free")
    theirs, their_token, _ = make_shop("free")
    f.shop_profile(theirs["id"], address="Their street")

    # when one seller changes their profile
    assert api.put("/api/seller/shop", token=my_token, json={"address": "My street"}).status == 200

    # then the other shop is untouched
    assert api.get("/api/seller/shop", token=their_token).json["data"]["shop"]["address"] == "Their street"
    assert api.get("/api/seller/shop", token=my_token).json["data"]["shop"]["id"] == mine["id"]


def test_the_largest_order_minimum_fits_its_column(api, make_shop):
    # given a seller
    _shop, token, _host = make_shop("free")

    # when the order minimum is the largest amount accepted (its minor units still fit a 32-bit column)
    response = api.put("/api/seller/shop", token=token, json={"min_order_amount": 10_000_000})

    # then it is stored as sent
    assert response.status == 200, response
    assert response.json["data"]["shop"]["min_order_amount"] == 10_000_000.0


# -- who may call -----------------------------------------------------------------------------


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/seller/shop"), ("PUT", "/api/seller/shop"),
    ("POST", "/api/seller/shop-update"), ("POST", "/api/seller/shop-setting-update"),
])
def test_anonymous_callers_get_401_and_customers_403(api, customer_token, method, path):
    # when
    anonymous = api.request(method, path, json={"address": "x"})
    customer = api.request(method, path, json={"address": "x"}, token=customer_token)

    # then
    assert_refused(anonymous, 401)
    assert_refused(customer, 403)


def test_the_new_column_is_added_to_an_older_table(platform):
    # given a table from before the prefix column (built here, with the column missing)
    from kernel import db
    from kernel.migrations import add_column

    with db.as_owner(), db.transaction():
        database = db.database.obj
        database.execute_sql("CREATE TABLE legacy_profile_probe (id INTEGER PRIMARY KEY, address VARCHAR(255))")
        database.execute_sql("INSERT INTO legacy_profile_probe (id, address) VALUES (1, 'x')")
        step = add_column("legacy_profile_probe", "prefix", "VARCHAR(2) NOT NULL DEFAULT ''")

        # when the migration step runs twice (a database created with the column skips it)
        step()
        step()

        # then the column exists once, filled with its default
        assert [c.name for c in database.get_columns("legacy_profile_probe")].count("prefix") == 1
        assert database.execute_sql("SELECT prefix FROM legacy_profile_probe").fetchone() == ("",)
        database.execute_sql("DROP TABLE legacy_profile_probe")


def test_shop_status_follows_the_hours_the_seller_sets(api, make_shop):
    # given a shop whose seller sets hours around now and no day off
    shop, token, _host = make_shop("free")
    now = utcnow()
    opening = (now - dt.timedelta(hours=1)).strftime("%H:%M")
    closing = (now + dt.timedelta(hours=1)).strftime("%H:%M")

    # when
    response = api.post("/api/seller/shop-setting-update", token=token,
                        json={"opening_time": opening, "closing_time": closing, "off_day": []})

    # then the shop is online for the seller and for customers
    assert response.status == 200, response
    assert response.json["data"]["shop"]["shop_status"] == "Online"
    assert api.get(f"/api/shops/{shop['id']}").json["data"]["shop"]["shop_status"] == "Online"
