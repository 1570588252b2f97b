"""Registration on the app's route and the canonical one: the User object, validation, uniqueness, the hook."""

import secrets

from kernel.hookspecs import hookimpl

USER_TYPES = {
    "id": int, "name": str, "phone": str, "email": str, "is_active": bool, "profile_photo": str,
    "gender": type(None), "date_of_birth": type(None), "country": str, "phone_code": str,
    "account_verified": bool, "phone_verified": bool, "email_verified": bool, "last_online": str,
}


def new_phone() -> str:
    return f"017{secrets.randbelow(10 ** 8):08d}"


def new_email() -> str:
    return f"c{secrets.token_hex(5)}@example.com"


def signup_body(**overrides) -> dict:
    return {
        "name": "Test Customer", "phone": new_phone(), "email": new_email(), "password": "secret123",
        "country": "Bangladesh", "phone_code": "880", "device_key": "fcm-token", "device_type": "android",
        **overrides,
    }


def register_customer(api, **overrides) -> tuple[dict, dict]:
    """Register a fresh customer through the app's route; return the body sent and ``data``."""
    body = signup_body(**overrides)
    response = api.post("/api/registration", json=body)
    assert response.status == 200, response
    return body, response.json["data"]


def test_registration_answers_200_with_user_and_access(api):
    # given a new customer's sign-up form
    body = signup_body()
    # when it is posted to the app's route
    response = api.post("/api/registration", json=body)
    # then the answer is exactly 200 with the User object and a bearer token
    assert response.status == 200, response
    data = response.json["data"]
    assert set(data) == {"user", "access"}
    user = data["user"]
    assert {k: type(v) for k, v in user.items()} == USER_TYPES
    assert user["phone"] == body["phone"] and user["email"] == body["email"]
    assert user["is_active"] is True and user["account_verified"] is False
    assert user["profile_photo"].startswith("http")
    access = data["access"]
    assert access["auth_type"] == "Bearer" and isinstance(access["expires_at"], str)
    token_id, _, secret = access["token"].partition("|")
    assert token_id.isdigit() and secret
    assert isinstance(response.json["message"], str)


def test_registered_token_opens_the_profile(api):
    # given a registered customer
    body, data = register_customer(api)
    # when the token is used
    profile = api.get("/api/profile", token=data["access"]["token"])
    # then it is the new account
    assert profile.status == 200
    assert profile.json["data"]["user"]["email"] == body["email"]


def test_duplicate_phone_is_422_on_phone(api):
    # given an existing customer
    body, _ = register_customer(api)
    # when another signs up with the same phone
    response = api.post("/api/registration", json=signup_body(phone=body["phone"]))
    # then the phone is reported taken and there is no data
    assert response.status == 422
    assert "phone" in response.json["errors"]
    assert "data" not in response.json


def test_duplicate_email_is_422_on_email_case_insensitively(api):
    # given an existing customer
    body, _ = register_customer(api)
    # when another signs up with the same e-mail in capitals
    response = api.post("/api/registration", json=signup_body(email=body["email"].upper()))
    # then the e-mail is reported taken
    assert response.status == 422
    assert "email" in response.json["errors"]
    assert "data" not in response.json


def test_missing_fields_are_422_with_errors_and_no_data(api):
    # given an empty form
    # when it is posted
    response = api.post("/api/registration", json={})
    # then every required field is named and there is no data
    assert response.status == 422
    assert {"name", "password", "country"} <= set(response.json["errors"])
    assert "data" not in response.json
    assert isinstance(response.json["message"], str)


def test_empty_strings_count_as_missing(api):
    # given a form the app sends with empty strings
    # when it is posted
    response = api.post("/api/registration", json=signup_body(name="", country=""))
    # then they are required errors
    assert response.status == 422
    assert {"name", "country"} <= set(response.json["errors"])


def test_phone_is_required(api):
    # given a form without a phone
    body = signup_body()
    del body["phone"]
    # when it is posted
    response = api.post("/api/registration", json=body)
    # then the phone is required (the platform's phone_required default)
    assert response.status == 422
    assert "phone" in response.json["errors"]


def test_phone_must_be_9_to_16_digits(api):
    # given phones too short, too long and not numeric
    for phone in ("01712", "0" * 17, "0171234abcd"):
        # when each is posted
        response = api.post("/api/registration", json=signup_body(phone=phone))
        # then the phone is rejected
        assert response.status == 422, phone
        assert "phone" in response.json["errors"]


def test_email_is_required_while_codes_go_by_email(api):
    # given a form without an e-mail (OTP types default to e-mail)
    body = signup_body()
    del body["email"]
    # when it is posted
    response = api.post("/api/registration", json=body)
    # then the e-mail is required
    assert response.status == 422
    assert "email" in response.json["errors"]


def test_short_password_and_bad_email_are_422(api):
    # given a short password and a malformed e-mail
    # when posted
    response = api.post("/api/registration", json=signup_body(password="12345", email="not-an-email"))
    # then both are reported
    assert response.status == 422
    assert {"password", "email"} <= set(response.json["errors"])


def test_registration_makes_a_customer(api):
    # given a registered account
    body, _ = register_customer(api)
    # when it signs in on the customer app's login
    response = api.post("/api/login", json={"phone": body["phone"], "password": body["password"]})
    # then the customer role lets it in
    assert response.status == 200


def test_canonical_register_uses_the_same_contract(api):
    # given a sign-up form
    body = signup_body()
    # when posted to the canonical route
    response = api.post("/api/auth/register", json=body)
    # then the answer is the same shape
    assert response.status == 200, response
    assert set(response.json["data"]) == {"user", "access"}


class Recorder:
    def __init__(self):
        self.calls = []

    @hookimpl
    def user_registered(self, user, tenant):
        self.calls.append((user.email, tenant))


def test_user_registered_hook_runs_after_commit(api, platform, make_shop):
    # given a plugin listening for new accounts, and a shop's storefront
    recorder = Recorder()
    platform.host.pm.register(recorder, name="registration-recorder")
    _, _, host = make_shop("free")
    try:
        # when one customer signs up on the marketplace and one on the storefront
        market, _ = register_customer(api)
        shop_body = signup_body()
        shop = api.post("/api/registration", json=shop_body, host=host)
        assert shop.status == 200, shop
    finally:
        platform.host.pm.unregister(recorder)
    # then the hook saw both, with the storefront's tenant
    tenants = dict(recorder.calls)
    assert tenants[market["email"]] is None
    assert tenants[shop_body["email"]].slug == host.split(".")[0]


def test_blank_name_is_422_and_spaces_around_values_are_trimmed(api):
    # given a name of spaces, and a form whose values carry spaces around them
    blank = api.post("/api/registration", json=signup_body(name="   "))
    body = signup_body()
    padded = {**body, "name": "  Ann  ", "phone": f" {body['phone']} ", "email": body["email"].upper()}
    # when both are posted
    response = api.post("/api/registration", json=padded)
    # then the blank name is refused and the padded values are stored trimmed
    assert blank.status == 422 and "name" in blank.json["errors"]
    assert response.status == 200, response
    user = response.json["data"]["user"]
    assert (user["name"], user["phone"], user["email"]) == ("Ann", body["phone"], body["email"])
