"""The original seller app's banner routes (FLUTTER_CONTRACT.md section 12.1): list, store, update by id
and delete, over the content plugin's banner management, scoped to the seller's own shop."""

from io import BytesIO

import pytest
from PIL import Image
from urllib3 import encode_multipart_formdata

import catalog_fixtures as f
from contract import assert_dart_types
from kernel import context, db, storage, uploads
from kernel.models import TenantUsage
from plugins.content.models import ShopBanner

MB = 1024 * 1024
USER = {
    "data.user": "Map!", "data.user.id": "int!", "data.user.name": "String?", "data.user.email": "String?",
    "data.user.is_active": "bool!", "data.user.profile_photo": "String?", "data.user.account_verified": "bool!",
}
BANNER = {"data.banner.id": "int!", "data.banner.title": "String!", "data.banner.thumbnail": "String!"}
BANNERS = {"data.banners": "List!", "data.banners[].id": "int!", "data.banners[].title": "String!",
           "data.banners[].thumbnail": "String!"}


def jpeg(color=(200, 30, 30), size=(240, 100)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def send_form(api, path: str, token: str | None, fields):
    body, content_type = encode_multipart_formdata(fields)
    return api.post(path, token=token, body=body, content_type=content_type)


def key_of(url: str) -> str:
    return url.split("/media/", 1)[1]


def bytes_used(shop_id: int) -> int:
    row = TenantUsage.get_or_none((TenantUsage.tenant == shop_id) & (TenantUsage.metric == uploads.STORAGE_METRIC))
    return row.used if row else 0


def assert_refused(response, status: int, field: str | None = None) -> None:
    assert response.status == status, response
    assert isinstance(response.json["message"], str) and "data" not in response.json
    if field is not None:
        assert field in response.json["errors"], response.json


def stored_banner(shop_id: int, title: str = "Theirs") -> ShopBanner:
    with context.use(tenant=shop_id), db.transaction():
        return ShopBanner.create(title=title, thumbnail="content/x/theirs.jpg")


# -- the seller's own banners -------------------------------------------------------------------


def test_store_list_update_and_delete_on_the_original_routes(api, make_shop):
    # given a seller's listed shop
    shop, token, host = make_shop("free")
    f.shop_profile(shop["id"])
    first_image = jpeg()

    # when the seller stores a banner with the original form
    created = send_form(api, "/api/seller/banners/store", token, [
        ("title", "Summer"), ("banner", ("summer.jpg", first_image, "image/jpeg")),
    ])

    # then the seller's account and the banner come back, stored and counted against storage
    assert created.status == 200, created
    assert_dart_types(created.json, {**USER, **BANNER})
    banner = created.json["data"]["banner"]
    first_key = key_of(banner["thumbnail"])
    assert banner["title"] == "Summer" and storage.backend().get(first_key) == first_image
    assert bytes_used(shop["id"]) == len(first_image)
    listed = api.get("/api/seller/banners", token=token)
    assert_dart_types(listed.json, BANNERS)
    assert [b["id"] for b in listed.json["data"]["banners"]] == [banner["id"]]
    assert [b["id"] for b in api.get(f"/api/shops/{shop['id']}").json["data"]["shop"]["banners"]] == [banner["id"]]

    # when the seller replaces its image by id
    second_image = jpeg((10, 10, 200), (300, 120))
    updated = send_form(api, "/api/seller/banners/update", token, [
        ("id", str(banner["id"])), ("banner", ("winter.jpg", second_image, "image/jpeg")),
    ])

    # then the new image is shown, and the old one is gone with its bytes given back
    assert updated.status == 200, updated
    assert_dart_types(updated.json, {**USER, **BANNER})
    second_key = key_of(updated.json["data"]["banner"]["thumbnail"])
    assert updated.json["data"]["banner"]["id"] == banner["id"] and updated.json["data"]["banner"]["title"] == "Summer"
    assert second_key != first_key and not storage.backend().exists(first_key)
    assert bytes_used(shop["id"]) == len(second_image)
    shown = api.get("/api/banners", host=host).json["data"]["banners"]
    assert [key_of(b["thumbnail"]) for b in shown] == [second_key]

    # when the seller deletes it
    deleted = api.delete(f"/api/seller/banners/{banner['id']}", token=token)

    # then the account comes back, the banner and its image are gone
    assert deleted.status == 200, deleted
    assert_dart_types(deleted.json, USER)
    assert api.get("/api/seller/banners", token=token).json["data"]["banners"] == []
    assert not storage.backend().exists(second_key) and bytes_used(shop["id"]) == 0


def test_a_banner_without_a_title_has_an_empty_title(api, make_shop):
    # given a seller
    _shop, token, _host = make_shop("free")

    # when the optional title is left out
    created = send_form(api, "/api/seller/banners/store", token, [("banner", ("b.jpg", jpeg(), "image/jpeg"))])

    # then the app reads an empty string
    assert created.status == 200, created
    assert created.json["data"]["banner"]["title"] == ""


def test_another_shops_banner_is_404_and_untouched(api, make_shop):
    # given a banner of one shop
    shop, _, _ = make_shop("free")
    _, other_token, _ = make_shop("free")
    banner = stored_banner(shop["id"])

    # when another shop's seller updates or deletes it by id
    updated = send_form(api, "/api/seller/banners/update", other_token, [
        ("id", str(banner.id)), ("banner", ("mine.jpg", jpeg(), "image/jpeg")),
    ])
    deleted = api.delete(f"/api/seller/banners/{banner.id}", token=other_token)

    # then both are not found and the banner is as it was
    assert_refused(updated, 404)
    assert_refused(deleted, 404)
    with context.use(tenant=shop["id"]):
        assert ShopBanner.get_by_id(banner.id).thumbnail == "content/x/theirs.jpg"


# -- bad input ------------------------------------------------------------------------------------


def test_store_refuses_a_missing_spoofed_or_oversize_image(api, make_shop):
    # given a seller
    shop, token, _host = make_shop("free")

    # when the image is missing, is text named as a JPEG, or is over the 5 MB image limit
    missing = send_form(api, "/api/seller/banners/store", token, [("title", "No image")])
    spoofed = send_form(api, "/api/seller/banners/store", token, [("banner", ("b.jpg", b"<html>hi</html>", "image/jpeg"))])
    oversize = send_form(api, "/api/seller/banners/store", token, [
        ("banner", ("big.jpg", jpeg() + b"\x00" * (5 * MB), "image/jpeg")),
    ])

    # then each is refused under the original field name, and nothing is stored
    assert_refused(missing, 422, "banner")
    assert_refused(spoofed, 422, "banner")
    assert_refused(oversize, 413, "banner")
    assert api.get("/api/seller/banners", token=token).json["data"]["banners"] == []
    assert bytes_used(shop["id"]) == 0


@pytest.mark.parametrize("fields, field", [
    ([("banner", ("b.jpg", b"", "image/jpeg"))], "id"),
    ([("id", "1.5"), ("title", "x")], "id"),
    ([("id", "0"), ("title", "x")], "id"),
    ([("id", "abc"), ("title", "x")], "id"),
    ([("id", "1")], "_schema"),
])
def test_update_refuses_a_bad_id_or_no_change(api, seller_token, fields, field):
    # when the id is missing, fractional, out of range or the request changes nothing
    response = send_form(api, "/api/seller/banners/update", seller_token, fields)

    # then it is a 422 naming the problem
    assert_refused(response, 422, field)


def test_a_fractional_json_id_is_refused_not_cut(api, make_shop):
    # given a seller's banner with id n and a JSON body naming n + 0.5
    shop, token, _host = make_shop("free")
    banner = stored_banner(shop["id"], title="Mine")

    # when
    response = api.post("/api/seller/banners/update", token=token, json={"id": banner.id + 0.5, "title": "Cut"})

    # then the id is invalid and no banner changed
    assert_refused(response, 422, "id")
    with context.use(tenant=shop["id"]):
        assert ShopBanner.get_by_id(banner.id).title == "Mine"


# -- who may call ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/seller/banners"), ("POST", "/api/seller/banners/store"),
    ("POST", "/api/seller/banners/update"), ("DELETE", "/api/seller/banners/1"),
])
def test_anonymous_callers_get_401_and_customers_403(api, customer_token, method, path):
    # when
    anonymous = api.request(method, path)
    customer = api.request(method, path, token=customer_token)

    # then
    assert_refused(anonymous, 401)
    assert_refused(customer, 403)
