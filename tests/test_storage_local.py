"""Local-disk storage: public objects under /media/, private ones only through signed, expiring URLs."""

from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from kernel import storage


@pytest.fixture
def private_object(platform):
    backend = storage.backend()
    key = storage.new_key("invoices", "pdf")
    backend.put(key, b"%PDF-1.4 private invoice", content_type="application/pdf", private=True)
    return key


def _get(api, url: str):
    parsed = urlparse(url)
    return api.client.simulate_get(parsed.path, query_string=parsed.query, host=api.host)


def test_a_valid_signed_url_serves_the_private_object(api, private_object):
    # given
    url = storage.backend().signed_url(private_object, expires_in=60)

    # when
    response = _get(api, url)

    # then
    assert urlparse(url).path == f"/media-private/{private_object}"
    assert response.status_code == 200 and response.content == b"%PDF-1.4 private invoice"
    assert response.headers["cache-control"] == "private, no-store"


def test_an_expired_signed_url_is_refused(api, private_object):
    # given
    url = storage.backend().signed_url(private_object, expires_in=-1)

    # when
    response = _get(api, url)

    # then
    assert response.status_code == 403 and "data" not in response.json


@pytest.mark.parametrize("tamper", ["signature", "expires", "key"])
def test_a_tampered_signed_url_is_refused(api, private_object, tamper):
    # given
    url = urlparse(storage.backend().signed_url(private_object, expires_in=60))
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    path = url.path
    if tamper == "signature":
        params["signature"] = ("0" if params["signature"][0] != "0" else "1") + params["signature"][1:]
    elif tamper == "expires":
        params["expires"] = str(int(params["expires"]) + 3600)
    else:
        other = storage.new_key("invoices", "pdf")
        storage.backend().put(other, b"%PDF-1.4 someone else's", private=True)
        path = f"/media-private/{other}"

    # when
    response = api.client.simulate_get(path, query_string=urlencode(params), host=api.host)

    # then
    assert response.status_code == 403


def test_private_objects_are_not_served_as_public_media(api, private_object):
    # when
    response = api.client.simulate_get(f"/media/{private_object}", host=api.host)

    # then
    assert response.status_code == 404


def test_keys_cannot_escape_the_storage_folder(api, platform):
    # when
    response = api.client.simulate_get("/media/../secret_key", host=api.host)

    # then
    assert response.status_code == 404
    with pytest.raises(ValueError):
        storage.backend().put("../outside.txt", b"x")
