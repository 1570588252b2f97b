"""Profile: reading it, the app's multipart update with a photo, passwords, the canonical routes, deletion."""

import io
import os
from urllib.parse import urlparse

from PIL import Image
from urllib3 import encode_multipart_formdata

from test_accounts_registration import USER_TYPES, new_email, new_phone, register_customer


def png_bytes(size=(64, 48), color=(200, 30, 90)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def multipart(api, path, token, fields):
    body, content_type = encode_multipart_formdata(fields)
    return api.post(path, token=token, body=body, content_type=content_type)


def fetch(api, url: str):
    """GET a stored file (the shared client decodes bodies as text, so use Falcon's directly)."""
    return api.client.simulate_get(urlparse(url).path, host=api.host)


def profile_form(body: dict, **changes) -> dict:
    """What the app's User.toMap sends: every field as a string."""
    return {"name": body["name"], "phone": body["phone"], "email": body["email"], "country": body["country"],
            "phone_code": body["phone_code"], **changes}


def test_profile_needs_a_token(api):
    # given no token
    # when the profile is asked for
    response = api.get("/api/profile")
    # then the answer is 401
    assert response.status == 401


def test_profile_returns_the_user(api):
    # given a customer
    body, data = register_customer(api)
    # when it reads its profile on both routes
    app = api.get("/api/profile", token=data["access"]["token"])
    canonical = api.get("/api/user", token=data["access"]["token"])
    # then both carry the User object with its types
    assert app.status == canonical.status == 200
    assert {k: type(v) for k, v in app.json["data"]["user"].items()} == USER_TYPES
    assert app.json["data"] == canonical.json["data"]


def test_any_role_with_the_permission_reads_its_profile(api, seller_token):
    # given the demo seller's token
    # when it reads its profile
    response = api.get("/api/profile", token=seller_token)
    # then it is allowed
    assert response.status == 200
    assert response.json["data"]["user"]["email"] == "shop@qutekart.com"


def test_update_profile_with_a_real_png(api):
    # given a customer and a picture
    body, data = register_customer(api)
    token = data["access"]["token"]
    # when the app posts its multipart form with the photo
    response = multipart(api, "/api/update-profile", token, {
        **profile_form(body, name="Renamed Customer"),
        "profile_photo": ("profile_photo.jpg", png_bytes(), "image/jpeg"),
    })
    # then the profile changed and the photo is served as an image from storage
    assert response.status == 200, response
    user = response.json["data"]["user"]
    assert user["name"] == "Renamed Customer"
    assert "/media/avatars/" in user["profile_photo"]
    served = fetch(api, user["profile_photo"])
    assert served.status_code == 200
    assert Image.open(io.BytesIO(served.content)).size == (64, 48)


def test_update_profile_without_photo_sends_empty_string(api):
    # given a customer
    body, data = register_customer(api)
    # when the app sends no picture (Dio's empty string) and an empty e-mail
    response = multipart(api, "/api/update-profile", data["access"]["token"], {
        **profile_form(body, country="Canada", email=""), "profile_photo": "",
    })
    # then the fields change, the e-mail stays and the default photo stays
    assert response.status == 200, response
    user = response.json["data"]["user"]
    assert user["country"] == "Canada" and user["email"] == body["email"]
    assert user["profile_photo"].endswith("/media/defaults/avatar.png")


def test_spoofed_image_is_422(api):
    # given text dressed up as a JPEG
    body, data = register_customer(api)
    # when it is uploaded
    response = multipart(api, "/api/update-profile", data["access"]["token"], {
        **profile_form(body), "profile_photo": ("profile_photo.jpg", b"<html>not an image</html>", "image/jpeg"),
    })
    # then it is rejected on the photo field without data
    assert response.status == 422
    assert "profile_photo" in response.json["errors"]
    assert "data" not in response.json


def test_photo_over_2_mb_is_413(api):
    # given a file just over 2 MB, and one far over
    body, data = register_customer(api)
    token = data["access"]["token"]
    # when each is uploaded
    slightly = multipart(api, "/api/update-profile", token, {
        **profile_form(body), "profile_photo": ("big.png", os.urandom(2 * 1024 * 1024 + 10), "image/png"),
    })
    far = multipart(api, "/api/update-profile", token, {
        **profile_form(body), "profile_photo": ("huge.png", os.urandom(4 * 1024 * 1024), "image/png"),
    })
    # then both are 413 in the envelope
    assert slightly.status == 413 and isinstance(slightly.json["message"], str)
    assert far.status == 413 and "data" not in far.json


def test_update_profile_phone_taken_is_422(api):
    # given two customers
    first, _ = register_customer(api)
    second, data = register_customer(api)
    # when the second takes the first's phone
    response = multipart(api, "/api/update-profile", data["access"]["token"],
                         profile_form(second, phone=first["phone"]))
    # then the phone is reported taken
    assert response.status == 422
    assert "phone" in response.json["errors"]


def test_update_profile_requires_name_and_valid_phone(api):
    # given a customer
    body, data = register_customer(api)
    token = data["access"]["token"]
    # when the name is empty, or the phone is too short
    no_name = multipart(api, "/api/update-profile", token, profile_form(body, name=""))
    short = multipart(api, "/api/update-profile", token, profile_form(body, phone="0123"))
    # then each is a 422 on its field
    assert no_name.status == 422 and "name" in no_name.json["errors"]
    assert short.status == 422 and "phone" in short.json["errors"]


def test_changing_the_email_clears_its_verification(api):
    # given a customer whose e-mail was verified
    body, data = register_customer(api)
    token = data["access"]["token"]
    code = api.post("/api/send-otp", json={"phone": body["email"]}).json["data"]["otp"]
    assert api.post("/api/verify-otp", json={"phone": body["email"], "otp": code}).status == 200
    # when the e-mail changes
    response = multipart(api, "/api/update-profile", token, profile_form(body, email=new_email()))
    # then the new one is not verified
    assert response.status == 200
    assert response.json["data"]["user"]["email_verified"] is False


def test_change_password(api):
    # given a customer signed in on two devices
    body, data = register_customer(api)
    token = data["access"]["token"]
    other = api.post("/api/login", json={"phone": body["phone"], "password": body["password"]})
    other_token = other.json["data"]["access"]["token"]
    # when the password is changed with the current one
    response = api.post("/api/change-password", token=token, json={
        "current_password": body["password"], "password": "changed-1", "password_confirmation": "changed-1",
    })
    # then it is 200, this session stays, the other ends, and the new password signs in
    assert response.status == 200, response
    assert isinstance(response.json["message"], str)
    assert api.get("/api/profile", token=token).status == 200
    assert api.get("/api/profile", token=other_token).status == 401
    assert api.post("/api/login", json={"phone": body["phone"], "password": "changed-1"}).status == 200


def test_change_password_with_wrong_current_is_422(api):
    # given a customer
    body, data = register_customer(api)
    # when the current password is wrong
    response = api.post("/api/change-password", token=data["access"]["token"], json={
        "current_password": "not-mine", "password": "changed-1", "password_confirmation": "changed-1",
    })
    # then the original message comes back without data
    assert response.status == 422
    assert response.json["message"] == "Current password does not match"
    assert "current_password" in response.json["errors"] and "data" not in response.json


def test_change_password_needs_confirmation_and_length(api):
    # given a customer
    body, data = register_customer(api)
    token = data["access"]["token"]
    # when the confirmation differs, or the new password is short
    mismatch = api.post("/api/user/update-password", token=token, json={
        "current_password": body["password"], "password": "changed-1", "password_confirmation": "changed-2",
    })
    short = api.post("/api/user/update-password", token=token, json={
        "current_password": body["password"], "password": "12345", "password_confirmation": "12345",
    })
    # then both are 422 on the password
    assert mismatch.status == 422 and "password" in mismatch.json["errors"]
    assert short.status == 422 and "password" in short.json["errors"]


def test_canonical_update_is_partial_and_takes_json(api):
    # given a customer
    body, data = register_customer(api)
    # when only the gender and birthday are sent as JSON
    response = api.post("/api/user/update", token=data["access"]["token"],
                        json={"gender": "female", "date_of_birth": "1990-04-02"})
    # then they change and the rest stays
    assert response.status == 200, response
    user = response.json["data"]["user"]
    assert user["gender"] == "female" and user["date_of_birth"] == "1990-04-02"
    assert user["phone"] == body["phone"] and user["name"] == body["name"]


def test_canonical_update_checks_a_new_phone(api):
    # given a customer
    _, data = register_customer(api)
    # when a phone with letters is sent
    response = api.post("/api/user/update", token=data["access"]["token"], json={"phone": "0171abc4567"})
    # then it is 422
    assert response.status == 422 and "phone" in response.json["errors"]


def test_update_avatar_replaces_the_photo(api):
    # given a customer with a photo
    _, data = register_customer(api)
    token = data["access"]["token"]
    first = multipart(api, "/api/user/update-avatar", token,
                      {"profile_photo": ("a.png", png_bytes(color=(1, 2, 3)), "image/png")})
    assert first.status == 200, first
    old_url = first.json["data"]["user"]["profile_photo"]
    # when another photo replaces it
    second = multipart(api, "/api/user/update-avatar", token,
                       {"profile_photo": ("b.png", png_bytes(size=(900, 600)), "image/png")})
    # then the new one is served and the old file is gone
    assert second.status == 200
    new_url = second.json["data"]["user"]["profile_photo"]
    assert new_url != old_url
    assert Image.open(io.BytesIO(fetch(api, new_url).content)).size == (900, 600)
    assert fetch(api, old_url).status_code == 404


def test_update_avatar_needs_a_file(api):
    # given a customer
    _, data = register_customer(api)
    # when no file is sent
    response = multipart(api, "/api/user/update-avatar", data["access"]["token"], {"profile_photo": ""})
    # then the photo is required
    assert response.status == 422 and "profile_photo" in response.json["errors"]


def test_delete_account_needs_the_password(api):
    # given a customer
    _, data = register_customer(api)
    # when the wrong password is given
    response = api.delete("/api/user/delete", token=data["access"]["token"], json={"password": "nope-nope"})
    # then nothing is deleted
    assert response.status == 422 and "password" in response.json["errors"]
    assert api.get("/api/user", token=data["access"]["token"]).status == 200


def test_delete_account_anonymises_and_signs_out(api):
    # given a customer
    body, data = register_customer(api)
    token = data["access"]["token"]
    # when it deletes its account with its password
    response = api.delete("/api/user/delete", token=token, json={"password": body["password"]})
    # then its sessions end, it cannot sign in, and its phone and e-mail are free again
    assert response.status == 200, response
    assert api.get("/api/user", token=token).status == 401
    assert api.post("/api/login", json={"phone": body["phone"], "password": body["password"]},
                    remote_addr="10.3.0.1").status == 400
    again, _ = register_customer(api, phone=body["phone"], email=body["email"])
    assert again["phone"] == body["phone"]


def test_shop_owner_cannot_delete_the_account(api, make_shop):
    # given a shop's owner
    _, token, _ = make_shop("free")
    # when the owner deletes the account
    response = api.delete("/api/user/delete", token=token, json={"password": "secret123"})
    # then it is refused while the shop exists
    assert response.status == 409
    assert api.get("/api/user", token=token).status == 200


def test_phone_with_new_digits_is_accepted(api):
    # given a customer
    body, data = register_customer(api)
    phone = new_phone()
    # when the phone changes to another valid number
    response = multipart(api, "/api/update-profile", data["access"]["token"], profile_form(body, phone=phone))
    # then the profile has it and login by it works
    assert response.status == 200
    assert api.post("/api/login", json={"phone": phone, "password": body["password"]}).status == 200


def test_canonical_update_with_nothing_to_change_is_422(api):
    # given a customer
    _, data = register_customer(api)
    # when the update carries no field at all
    response = api.post("/api/user/update", token=data["access"]["token"], json={})
    # then it is refused
    assert response.status == 422
    assert "data" not in response.json
