"""Failed logins are limited per account and client address; code requests are limited too."""

import time

from test_accounts_registration import register_customer


def fresh_window(seconds: int = 60, margin: float = 5.0) -> None:
    """Wait for the next fixed window when too little of this one is left for the test to fit."""
    left = seconds - time.time() % seconds
    if left < margin:
        time.sleep(left + 0.1)


def fail(api, path, body, address):
    return api.post(path, json=body, remote_addr=address)


def test_five_failures_then_429_with_retry_after(api):
    # given a customer and an attacker at one address
    body, _ = register_customer(api)
    wrong = {"phone": body["phone"], "password": "wrong-guess"}
    fresh_window()
    # when five wrong passwords are tried
    statuses = [fail(api, "/api/login", wrong, "192.0.2.10").status for _ in range(5)]
    # then each is a 400, and the sixth try, even with the right password, is a 429
    assert statuses == [400] * 5
    blocked = api.post("/api/login", json={**wrong, "password": body["password"]}, remote_addr="192.0.2.10")
    assert blocked.status == 429
    retry_after = int(blocked.headers["Retry-After"])
    assert 1 <= retry_after <= 60
    assert isinstance(blocked.json["message"], str)
    assert "data" not in blocked.json


def test_another_address_is_not_blocked(api):
    # given an account blocked for one address
    body, _ = register_customer(api)
    wrong = {"phone": body["phone"], "password": "wrong-guess"}
    fresh_window()
    for _ in range(5):
        fail(api, "/api/login", wrong, "192.0.2.20")
    assert fail(api, "/api/login", wrong, "192.0.2.20").status == 429
    # when the owner signs in from another address
    response = api.post("/api/login", json={**wrong, "password": body["password"]}, remote_addr="192.0.2.21")
    # then it gets in
    assert response.status == 200


def test_the_limit_covers_every_login_route(api):
    # given failures spread over the app's, the canonical, the seller and the rider logins
    body, _ = register_customer(api)
    fresh_window()
    address = "192.0.2.30"
    fail(api, "/api/login", {"phone": body["email"], "password": "x"}, address)
    fail(api, "/api/auth/login", {"email": body["email"], "password": "x"}, address)
    fail(api, "/api/seller/login", {"contact": body["email"], "password": "x"}, address)
    fail(api, "/api/rider/login", {"phone": body["email"], "password": "x"}, address)
    fail(api, "/api/auth/login", {"login": body["email"].upper(), "password": "x"}, address)
    # when a sixth try comes on any of them
    responses = [
        fail(api, "/api/seller/login", {"contact": body["email"], "password": "x"}, address),
        fail(api, "/api/rider/login", {"phone": body["email"], "password": "x"}, address),
        fail(api, "/api/auth/login", {"login": body["email"], "password": body["password"]}, address),
    ]
    # then each is limited
    assert [r.status for r in responses] == [429, 429, 429]
    assert all("Retry-After" in r.headers for r in responses)


def test_success_resets_the_count(api):
    # given four failures
    body, _ = register_customer(api)
    fresh_window()
    address = "192.0.2.40"
    wrong = {"phone": body["phone"], "password": "wrong-guess"}
    for _ in range(4):
        fail(api, "/api/login", wrong, address)
    # when the owner then signs in
    assert api.post("/api/login", json={**wrong, "password": body["password"]}, remote_addr=address).status == 200
    # then a later mistake is a plain 400 again
    assert fail(api, "/api/login", wrong, address).status == 400


def test_code_requests_are_limited(api):
    # given a customer asking for codes from one address
    body, _ = register_customer(api)
    fresh_window(600, margin=10)
    statuses = [
        api.post("/api/send-otp", json={"phone": body["phone"]}, remote_addr="192.0.2.50").status
        for _ in range(5)
    ]
    # when a sixth code is asked for
    sixth = api.post("/api/send-otp", json={"phone": body["phone"]}, remote_addr="192.0.2.50")
    # then the first five were sent and the sixth is a 429 with Retry-After
    assert statuses == [200] * 5
    assert sixth.status == 429
    assert int(sixth.headers["Retry-After"]) >= 1
    assert "data" not in sixth.json
