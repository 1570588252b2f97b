"""Signing in and out: the app's login, the canonical one, seller and rider logins, inactive accounts."""

from kernel import db
from kernel.models import User
from test_accounts_registration import USER_TYPES, register_customer

INVALID = "Credential is invalid!"


def test_login_by_phone(api):
    # given a customer
    body, _ = register_customer(api)
    # when it signs in with its phone
    response = api.post("/api/login", json={"phone": body["phone"], "password": body["password"],
                                            "device_key": "fcm", "device_type": "ios"})
    # then it gets its User and a token
    assert response.status == 200, response
    data = response.json["data"]
    assert {k: type(v) for k, v in data["user"].items()} == USER_TYPES
    assert data["access"]["auth_type"] == "Bearer" and "|" in data["access"]["token"]
    assert isinstance(data["access"]["expires_at"], str)


def test_login_by_email_in_the_phone_field(api):
    # given a customer
    body, _ = register_customer(api)
    # when it types its e-mail (in capitals) into the app's one login field
    response = api.post("/api/login", json={"phone": body["email"].upper(), "password": body["password"]})
    # then it is signed in
    assert response.status == 200, response
    assert response.json["data"]["user"]["email"] == body["email"]


def test_wrong_password_is_400_without_data(api):
    # given a customer
    body, _ = register_customer(api)
    # when the password is wrong
    response = api.post("/api/login", json={"phone": body["phone"], "password": "wrong-one"},
                        remote_addr="10.1.0.1")
    # then the answer is 400 with the original message and no data
    assert response.status == 400
    assert response.json == {"message": INVALID}


def test_unknown_account_is_the_same_400(api):
    # given no account with this phone
    # when someone signs in with it
    response = api.post("/api/login", json={"phone": "01999999999", "password": "whatever"},
                        remote_addr="10.1.0.2")
    # then the answer does not differ from a wrong password
    assert response.status == 400
    assert response.json == {"message": INVALID}


def test_missing_login_fields_are_422(api):
    # given an empty login form
    # when posted
    response = api.post("/api/login", json={})
    # then both fields are required
    assert response.status == 422
    assert {"phone", "password"} <= set(response.json["errors"])
    assert "data" not in response.json


def test_customer_login_refuses_a_seller(api):
    # given the demo seller's correct credentials
    # when used on the customer app's login
    response = api.post("/api/login", json={"phone": "shop@qutekart.com", "password": "secret"},
                        remote_addr="10.1.0.3")
    # then the seller is refused like a wrong password
    assert response.status == 400
    assert response.json["message"] == INVALID


def test_seller_login_with_contact(api):
    # given the demo seller
    # when it signs in on the seller route with its e-mail and then its phone
    by_email = api.post("/api/seller/login", json={"contact": "shop@qutekart.com", "password": "secret"})
    by_phone = api.post("/api/seller/login", json={"contact": "01700000002", "password": "secret",
                                                   "device_key": "fcm"})
    # then both succeed with the user and access
    assert by_email.status == 200, by_email
    assert by_phone.status == 200, by_phone
    assert set(by_email.json["data"]) == {"user", "access"}


def test_seller_login_refuses_a_customer(api):
    # given a customer's correct credentials
    body, _ = register_customer(api)
    # when used on the seller route
    response = api.post("/api/seller/login", json={"contact": body["email"], "password": body["password"]},
                        remote_addr="10.1.0.4")
    # then they are refused
    assert response.status == 400
    assert response.json == {"message": INVALID}


def test_rider_login_only_for_riders(api):
    # given the demo rider and a customer
    body, _ = register_customer(api)
    # when each signs in on the rider route
    rider = api.post("/api/rider/login", json={"phone": "rider@qutekart.com", "password": "secret"})
    customer = api.post("/api/rider/login", json={"phone": body["phone"], "password": body["password"]},
                        remote_addr="10.1.0.5")
    # then only the rider gets in
    assert rider.status == 200, rider
    assert rider.json["data"]["user"]["email"] == "rider@qutekart.com"
    assert customer.status == 400 and customer.json["message"] == INVALID


def test_canonical_login_accepts_login_email_or_phone(api):
    # given a customer and the demo seller
    body, _ = register_customer(api)
    # when they sign in on the canonical route with each field name
    attempts = [
        {"login": body["phone"], "password": body["password"]},
        {"email": body["email"], "password": body["password"]},
        {"phone": body["phone"], "password": body["password"]},
        {"login": "shop@qutekart.com", "password": "secret"},
    ]
    # then all succeed (any role may use it)
    for attempt in attempts:
        response = api.post("/api/auth/login", json=attempt)
        assert response.status == 200, (attempt, response)


def test_canonical_login_needs_a_login_field(api):
    # given a form with only a password
    # when posted
    response = api.post("/api/auth/login", json={"password": "secret"})
    # then the login is required
    assert response.status == 422
    assert "login" in response.json["errors"]


def test_inactive_account_cannot_log_in(api):
    # given a customer that an admin suspended
    body, _ = register_customer(api)
    with db.transaction():
        User.update(is_active=False).where(User.email == body["email"]).execute()
    # when it signs in with the right password
    response = api.post("/api/login", json={"phone": body["phone"], "password": body["password"]},
                        remote_addr="10.1.0.6")
    # then it is refused with 400 and no data
    assert response.status == 400
    assert "data" not in response.json


def test_logout_revokes_the_token(api):
    # given a signed-in customer
    _, data = register_customer(api)
    token = data["access"]["token"]
    assert api.get("/api/profile", token=token).status == 200
    # when it logs out
    response = api.post("/api/logout", token=token)
    # then the answer is a message and the token no longer works
    assert response.status == 200
    assert isinstance(response.json["message"], str)
    assert api.get("/api/profile", token=token).status == 401


def test_logout_keeps_other_sessions(api):
    # given a customer signed in on two devices
    body, data = register_customer(api)
    second = api.post("/api/login", json={"phone": body["phone"], "password": body["password"]})
    other = second.json["data"]["access"]["token"]
    # when the first logs out on the canonical route
    assert api.post("/api/auth/logout", token=data["access"]["token"]).status == 200
    # then the second still works
    assert api.get("/api/user", token=other).status == 200


def test_logout_without_token_is_401(api):
    # given no token
    # when logging out
    response = api.post("/api/logout")
    # then the answer is 401 in the envelope
    assert response.status == 401
    assert response.json == {"message": "Unauthenticated."}


def test_seller_and_rider_logout(api):
    # given a signed-in seller and rider
    seller = api.post("/api/seller/login", json={"contact": "shop@qutekart.com", "password": "secret"})
    rider = api.post("/api/rider/login", json={"phone": "01700000003", "password": "secret"})
    seller_token = seller.json["data"]["access"]["token"]
    rider_token = rider.json["data"]["access"]["token"]
    # when each logs out on its own route, and each tries the other's
    assert api.get("/api/seller/logout", token=rider_token).status == 403
    assert api.get("/api/seller/logout", token=seller_token).status == 200
    assert api.get("/api/rider/logout", token=rider_token).status == 200
    # then both tokens are gone
    assert api.get("/api/profile", token=seller_token).status == 401
    assert api.get("/api/profile", token=rider_token).status == 401
