"""Uploads are recognised by their bytes, bounded in size, and bombs are refused; stored bytes count
against the shop's plan; thumbnails are made by a task."""

import secrets
from io import BytesIO

import pytest
from PIL import Image

from kernel import plans, storage, uploads
from kernel.models import TenantUsage

MB = 1024 * 1024


def _image(fmt: str, size=(40, 30), mode="RGB", **save) -> bytes:
    out = BytesIO()
    Image.new(mode, size, "red" if mode == "RGB" else 0).save(out, fmt, **save)
    return out.getvalue()


def _mp4() -> bytes:
    return b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 64


def _encode(parts: list) -> dict:
    from urllib3 import encode_multipart_formdata

    body, content_type = encode_multipart_formdata(parts)
    return {"body": body, "content_type": content_type}


# -- the checker ---------------------------------------------------------------


@pytest.mark.parametrize("fmt, extension, content_type", [
    ("PNG", "png", "image/png"), ("JPEG", "jpg", "image/jpeg"), ("GIF", "gif", "image/gif"), ("WEBP", "webp", "image/webp"),
])
def test_real_images_are_recognised_from_their_bytes(fmt, extension, content_type):
    # when
    found = uploads.check(_image(fmt), "image")

    # then
    assert (found.extension, found.content_type, found.width, found.height) == (extension, content_type, 40, 30)


def test_videos_are_recognised_by_magic_numbers():
    # given
    webm = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm" + b"\x00" * 32
    mov = b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  " + b"\x00" * 32

    # then
    assert uploads.check(_mp4(), "video").content_type == "video/mp4"
    assert uploads.check(webm, "video").content_type == "video/webm"
    assert uploads.check(mov, "video").extension == "mov"


@pytest.mark.parametrize("data, kind", [
    (b"<html><script>alert(1)</script></html>", "image"),
    (b"%PDF-1.7 not an image", "image"),
    (_image("BMP"), "image"),
    (_image("PNG"), "video"),
    (b"just text", "document"),
    (_image("PNG")[:60], "image"),
])
def test_content_that_is_not_what_the_field_needs_is_422(data, kind):
    # when
    with pytest.raises(uploads.UploadRejected) as caught:
        uploads.check(data, kind)

    # then
    assert caught.value.status == 422


@pytest.mark.parametrize("kind, limit", [("image", 5), ("logo", 2), ("avatar", 2), ("video", 50), ("document", 5), ("digital", 100)])
def test_files_over_the_kinds_limit_are_413(kind, limit):
    # given
    data = b"\x00" * (limit * MB + 1)

    # when
    with pytest.raises(uploads.UploadRejected) as caught:
        uploads.check(data, kind)

    # then
    assert caught.value.status == 413
    assert uploads.check(_image("PNG"), kind if kind in uploads.IMAGE_KINDS else "digital")


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
def test_decompression_bombs_are_refused_before_decoding():
    # given: small files that claim tens of millions of pixels
    over_our_ceiling = _image("PNG", size=(7000, 7000), mode="1")
    over_pillows_threshold = _image("PNG", size=(10000, 10000), mode="1")
    far_over = _image("GIF", size=(20000, 20000), mode="1")

    # then
    for data in (over_our_ceiling, over_pillows_threshold, far_over):
        assert len(data) < 5 * MB
        with pytest.raises(uploads.UploadRejected) as caught:
            uploads.check(data, "image")
        assert caught.value.status == 422


# -- through the seller routes -------------------------------------------------


@pytest.fixture
def seller(api, make_shop, platform):
    from plugins.catalog.models import Category

    shop, token, _host = make_shop("free")
    category = Category.select().where(Category.parent.is_null()).first().id
    return shop, token, category


def _store(api, token, category, files: list):
    fields = [("name", "Upload Test"), ("code", str(secrets.randbelow(10**8))), ("category", str(category)), ("price", "9.5")]
    return api.post("/api/seller/product/store", token=token, **_encode(fields + files))


def test_a_real_png_is_stored_and_counted(api, seller):
    # given
    shop, token, category = seller
    png = _image("PNG")

    # when
    response = _store(api, token, category, [("thumbnail", ("x.jpg", png, "image/jpeg"))])

    # then
    assert response.status == 200, response
    url = response.json["data"]["product"]["thumbnail"]
    key = url.split("/media/", 1)[1]
    assert key.endswith(".png")
    assert storage.backend().get(key) == png
    served = api.client.simulate_get(f"/media/{key}", host=api.host)
    assert served.status_code == 200 and served.content == png and served.headers["content-type"] == "image/png"
    assert "max-age=31536000" in served.headers["cache-control"]
    thumbnail = storage.backend().size(uploads.thumbnail_key(key))
    assert _bytes_used(shop["id"]) == len(png) + thumbnail


def test_oversize_image_is_413_and_nothing_is_stored(api, seller):
    # given
    shop, token, category = seller
    big = _image("PNG") + b"\x00" * (5 * MB)

    # when
    response = _store(api, token, category, [("thumbnail", ("big.png", big, "image/png"))])

    # then
    assert response.status == 413 and "thumbnail" in response.json["errors"]
    assert api.get("/api/seller/products", token=token).json["data"]["total"] == 0
    assert _bytes_used(shop["id"]) == 0


def test_a_body_over_the_routes_limit_is_413_before_it_is_read(api, seller):
    # given
    _shop, token, _category = seller

    # when
    response = api.post("/api/seller/products/1/status", token=token, body=b"{" + b" " * (2 * MB) + b"}",
                        content_type="application/json")

    # then
    assert response.status == 413 and "data" not in response.json


def test_spoofed_content_type_is_422(api, seller):
    # given
    _shop, token, category = seller

    # when
    response = _store(api, token, category, [("additionThumbnail[]", ("evil.png", b"<svg onload=alert(1)>", "image/png"))])

    # then
    assert response.status == 422 and "additionThumbnail" in response.json["errors"]


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
def test_image_bomb_is_422(api, seller):
    # given
    _shop, token, category = seller
    bomb = _image("PNG", size=(10000, 10000), mode="1")

    # when
    response = _store(api, token, category, [("thumbnail", ("bomb.png", bomb, "image/png"))])

    # then
    assert response.status == 422 and response.json["errors"]["thumbnail"] == ["The image has too many pixels."]


def test_a_video_upload_is_stored_as_the_products_video(api, seller):
    # given
    _shop, token, category = seller

    # when
    response = _store(api, token, category, [("video", ("clip.bin", _mp4(), "application/octet-stream"))])

    # then
    assert response.status == 200, response
    assert response.json["data"]["product"]["video"].endswith(".mp4")


def test_uploads_over_the_plans_storage_are_refused_with_the_limit_body(api, seller):
    # given: a free shop (500 MB) with all but 10 bytes used
    shop, token, category = seller
    plans.take(shop["id"], "storage_bytes", 500 * MB - 10)

    # when
    response = _store(api, token, category, [("thumbnail", ("x.png", _image("PNG"), "image/png"))])

    # then
    assert response.status == 403
    assert response.json["limit_type"] == "storage_bytes" and response.json["current_plan"] == "free"
    assert api.get("/api/seller/products", token=token).json["data"]["total"] == 0
    assert plans.usage(shop["id"])["storage_mb"]["current"] == 500


def _bytes_used(shop_id: int) -> int:
    row = TenantUsage.get_or_none((TenantUsage.tenant == shop_id) & (TenantUsage.metric == "storage_bytes"))
    return row.used if row else 0


# -- thumbnails ------------------------------------------------------------------


def test_the_thumbnail_task_makes_one_webp_per_source_and_is_idempotent(seller):
    # given
    from plugins.catalog import tasks

    shop, _token, _category = seller
    key = uploads.store(uploads.check(_image("JPEG", size=(900, 600)), "image"), "products", shop["id"])

    # when
    first = tasks.make_thumbnail(key, tenant_id=shop["id"])()
    used_after_first = _bytes_used(shop["id"])
    second = tasks.make_thumbnail(key, tenant_id=shop["id"])()

    # then
    assert first == second == uploads.thumbnail_key(key)
    with Image.open(BytesIO(storage.backend().get(first))) as thumbnail:
        assert thumbnail.format == "WEBP" and thumbnail.size == (300, 200)
    assert _bytes_used(shop["id"]) == used_after_first


def test_discarding_an_image_gives_its_bytes_back_after_commit(seller):
    # given
    from kernel import db
    from plugins.catalog import tasks

    shop, _token, _category = seller
    key = uploads.store(uploads.check(_image("PNG"), "image"), "products", shop["id"])
    tasks.make_thumbnail(key, tenant_id=shop["id"])

    # when
    with db.transaction():
        uploads.discard([key], shop["id"])
        assert storage.backend().exists(key)

    # then
    assert not storage.backend().exists(key) and not storage.backend().exists(uploads.thumbnail_key(key))
    assert _bytes_used(shop["id"]) == 0
