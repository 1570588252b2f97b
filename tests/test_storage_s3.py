"""The S3 storage backend against a real S3-compatible server (moto in server mode), through boto3."""

import json
import os
from io import BytesIO
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
import requests
from PIL import Image

from kernel import config, storage, uploads

PUBLIC_BUCKET = "qutecat-public"
PRIVATE_BUCKET = "qutecat-private"
S3_ENV = {
    "STORAGE_URL": f"s3://{PUBLIC_BUCKET}",
    "S3_PRIVATE_BUCKET": PRIVATE_BUCKET,
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@pytest.fixture(scope="module")
def moto_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _use_bucket_server(endpoint: str, monkeypatch):
    """Point the process's storage at fresh buckets on ``endpoint``; returns a boto3 client of it.

    The public bucket is readable by anyone, as an operator sets it up (a bucket
    policy, or a CDN in front); the private one only through presigned URLs.
    """
    requests.post(f"{endpoint}/moto-api/reset", timeout=5)
    for name, value in {**S3_ENV, "S3_ENDPOINT_URL": endpoint, "S3_PUBLIC_URL": f"{endpoint}/{PUBLIC_BUCKET}"}.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=endpoint)
    client.create_bucket(Bucket=PUBLIC_BUCKET)
    client.create_bucket(Bucket=PRIVATE_BUCKET)
    client.put_bucket_policy(Bucket=PUBLIC_BUCKET, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": f"arn:aws:s3:::{PUBLIC_BUCKET}/*"}],
    }))
    config.reload()
    storage.reset()
    return client


def _back_to_local_disk(monkeypatch) -> None:
    monkeypatch.undo()
    config.reload()
    storage.reset()


@pytest.fixture
def s3_storage(platform, moto_endpoint, monkeypatch):
    """Switch the process to the S3 backend (fresh buckets), and back to local disk afterwards."""
    client = _use_bucket_server(moto_endpoint, monkeypatch)
    yield storage.backend(), client
    _back_to_local_disk(monkeypatch)


def _png(color="red") -> bytes:
    out = BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "PNG")
    return out.getvalue()


def test_s3_backend_is_chosen_by_storage_url(s3_storage):
    # given
    backend, _client = s3_storage

    # then
    assert isinstance(backend, storage.S3Storage)
    assert backend.bucket == PUBLIC_BUCKET and backend.private_bucket == PRIVATE_BUCKET


def test_put_get_size_delete_round_trip(s3_storage):
    # given
    backend, client = s3_storage
    data = _png()

    # when
    key = backend.put("products/a.png", data, content_type="image/png")

    # then
    assert backend.get(key) == data
    assert backend.exists(key) and backend.size(key) == len(data)
    head = client.head_object(Bucket=PUBLIC_BUCKET, Key=key)
    assert head["ContentType"] == "image/png"
    assert head["CacheControl"] == storage.PUBLIC_CACHE

    # when
    backend.delete(key)

    # then
    assert not backend.exists(key) and backend.size(key) is None


def test_public_url_serves_the_object(s3_storage, moto_endpoint):
    # given
    backend, _client = s3_storage
    data = _png("blue")
    backend.put("products/b.png", data, content_type="image/png")

    # when
    url = backend.url("products/b.png")
    fetched = requests.get(url, timeout=5)

    # then
    assert url == f"{moto_endpoint}/{PUBLIC_BUCKET}/products/b.png"
    assert fetched.status_code == 200 and fetched.content == data


def test_private_object_is_reached_through_a_presigned_url(s3_storage):
    # given
    backend, client = s3_storage
    backend.put("invoices/1.pdf", b"%PDF-1.4 invoice", content_type="application/pdf", private=True)

    # when
    url = backend.signed_url("invoices/1.pdf", expires_in=120)
    fetched = requests.get(url, timeout=5)

    # then
    assert fetched.status_code == 200 and fetched.content == b"%PDF-1.4 invoice"
    params = parse_qs(urlparse(url).query)
    assert params["X-Amz-Expires"] == ["120"]
    assert "X-Amz-Signature" in params and params["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert PRIVATE_BUCKET in url
    assert client.list_objects_v2(Bucket=PUBLIC_BUCKET).get("KeyCount", 0) == 0


def test_product_images_go_to_the_bucket_with_thumbnails(s3_storage, api, make_shop):
    # given
    backend, client = s3_storage
    from plugins.catalog.models import Category

    category = Category.select().where(Category.parent.is_null()).first()
    _shop, token, _host = make_shop("starter")

    # when
    response = api.post("/api/seller/product/store", token=token, **_multipart(
        {"name": "Bucket Mug", "code": "55501", "category": str(category.id), "price": "12.5"},
        {"thumbnail": ("mug.png", _png("green"), "image/png")},
    ))

    # then
    assert response.status == 200, response
    thumbnail_url = response.json["data"]["product"]["thumbnail"]
    assert thumbnail_url.startswith(os.environ["S3_PUBLIC_URL"] + "/products/")
    key = thumbnail_url[len(os.environ["S3_PUBLIC_URL"]) + 1:]
    assert requests.get(thumbnail_url, timeout=5).content == _png("green")
    thumb = client.get_object(Bucket=PUBLIC_BUCKET, Key=uploads.thumbnail_key(key))
    assert thumb["ContentType"] == "image/webp"
    assert Image.open(BytesIO(thumb["Body"].read())).format == "WEBP"


def test_an_upload_with_the_bucket_server_down_answers_503_and_writes_nothing(platform, api, make_shop, monkeypatch):
    from moto.server import ThreadedMotoServer

    from kernel import context
    from plugins.catalog.models import Category, Product

    # given a shop whose storage server goes away after the platform was set up on it
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    _use_bucket_server(f"http://{host}:{port}", monkeypatch)
    server.stop()
    category = Category.select().where(Category.parent.is_null()).first()
    shop, token, _host = make_shop("starter")
    try:
        # when the seller adds a product with its image
        response = api.post("/api/seller/product/store", token=token, **_multipart(
            {"name": "Unreachable Mug", "code": "55502", "category": str(category.id), "price": "12.5"},
            {"thumbnail": ("mug.png", _png("blue"), "image/png")},
        ))
    finally:
        _back_to_local_disk(monkeypatch)
    # then the app is told to retry shortly, and no product exists without its image
    assert response.status == 503, response
    assert response.headers["retry-after"] == "5"
    assert set(response.json) == {"message"}
    with context.use(tenant=shop["id"]):
        assert not Product.select().where(Product.code == "55502").exists()


def _multipart(fields: dict, files: dict) -> dict:
    """Encode a multipart body for the WSGI test client."""
    from urllib3 import encode_multipart_formdata

    body, content_type = encode_multipart_formdata({**fields, **files})
    return {"body": body, "content_type": content_type}
