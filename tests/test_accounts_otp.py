"""One-time codes: sending by e-mail or SMS, verification, expiry, reuse, attempts, and password reset."""

import dataclasses
import datetime as dt
import email
import json

from kernel import config, db
from kernel.models import User
from kernel.orm import utcnow
from plugins.accounts.models import OneTimeCode, PasswordResetToken
from test_accounts_registration import register_customer

INVALID_OTP = "Invalid otp"


def send(api, login, **extra):
    response = api.post("/api/send-otp", json={"phone": login, **extra})
    assert response.status == 200, response
    return response.json["data"]


def verify(api, login, code):
    return api.post("/api/verify-otp", json={"phone": login, "otp": code})


def mails_to(address: str) -> list[email.message.EmailMessage]:
    folder = config.settings.var_dir / "mail"
    messages = [email.message_from_bytes(p.read_bytes()) for p in folder.glob("*.eml")] if folder.exists() else []
    return [m for m in messages if m["To"] == address]


def sms_to(number: str) -> list[dict]:
    folder = config.settings.var_dir / "sms"
    messages = [json.loads(p.read_text()) for p in folder.glob("*.json")] if folder.exists() else []
    return [m for m in messages if m["to"] == number]


def test_forgot_password_flow_with_the_spaced_key(api):
    # given a signed-in customer who forgot the password
    body, data = register_customer(api)
    old_token = data["access"]["token"]
    # when the app asks for a code with its "forgot_password " key, verifies it and resets
    sent = send(api, body["phone"], **{"forgot_password ": 1})
    assert sent["email_or_phone"] == body["phone"]
    code = sent["otp"]
    assert isinstance(code, str) and len(code) == 4 and code.isdigit()
    verified = verify(api, body["phone"], code)
    assert verified.status == 200, verified
    token = verified.json["data"]["token"]
    assert isinstance(token, str) and token
    reset = api.post("/api/reset-password", json={
        "password": "brand-new-1", "password_confirmation": "brand-new-1", "token": token,
    })
    # then the reset answers 200, the new password works, the old one and old sessions do not
    assert reset.status == 200, reset
    assert isinstance(reset.json["message"], str)
    assert api.post("/api/login", json={"phone": body["phone"], "password": "brand-new-1"}).status == 200
    assert api.post("/api/login", json={"phone": body["phone"], "password": body["password"]},
                    remote_addr="10.2.0.1").status == 400
    assert api.get("/api/profile", token=old_token).status == 401


def test_unspaced_forgot_key_is_accepted_and_mail_says_reset(api):
    # given a customer
    body, _ = register_customer(api)
    # when a code is asked for with the correctly spelled key, by e-mail
    sent = send(api, body["email"], forgot_password=True)
    # then a password-reset code was mailed to that address
    messages = mails_to(body["email"])
    assert len(messages) == 1
    assert "password reset" in messages[0]["Subject"]
    assert sent["otp"] in messages[0].get_payload()


def test_phone_code_goes_to_the_sms_outbox_in_e164(api):
    # given a Bangladeshi customer
    body, _ = register_customer(api, phone_code="880")
    # when a code is asked for by phone
    sent = send(api, body["phone"], **{"forgot_password ": 0})
    # then one text message went to the international number with the code
    messages = sms_to("+880" + body["phone"][1:])
    assert len(messages) == 1
    assert sent["otp"] in messages[0]["text"]


def test_only_a_hash_of_the_code_is_stored(api):
    # given a sent code
    body, _ = register_customer(api)
    code = send(api, body["phone"])["otp"]
    # when the stored row is read
    row = OneTimeCode.select().join(User).where(User.phone == body["phone"]).get()
    # then the code appears nowhere in it
    assert code not in (row.code_hash, row.salt)
    assert len(row.code_hash) == 64


def test_unknown_account_gets_the_same_answer_and_no_code(api):
    # given a customer and an address nobody uses
    body, _ = register_customer(api)
    known = api.post("/api/send-otp", json={"phone": body["email"]})
    unknown = api.post("/api/send-otp", json={"phone": "nobody-here@example.com"})
    # when both answers are compared
    # then status and message are the same, and no code was made for the unknown one
    assert unknown.status == known.status == 200
    assert unknown.json["message"] == known.json["message"]
    assert unknown.json["data"] == {"email_or_phone": "nobody-here@example.com"}
    assert mails_to("nobody-here@example.com") == []


def test_verification_marks_the_channel_verified(api):
    # given a customer with nothing verified
    body, data = register_customer(api)
    token = data["access"]["token"]
    # when the e-mail code is verified
    code = send(api, body["email"])["otp"]
    assert verify(api, body["email"], code).status == 200
    # then the e-mail (not the phone) is verified and the account counts as verified
    user = api.get("/api/profile", token=token).json["data"]["user"]
    assert user["email_verified"] is True and user["phone_verified"] is False
    assert user["account_verified"] is True


def test_wrong_code_is_400_invalid_otp(api):
    # given a sent code
    body, _ = register_customer(api)
    code = send(api, body["phone"])["otp"]
    wrong = f"{(int(code) + 1) % 10000:04d}"
    # when a different code is tried
    response = verify(api, body["phone"], wrong)
    # then the answer is 400 "Invalid otp" without data
    assert response.status == 400
    assert response.json == {"message": INVALID_OTP}


def test_code_cannot_be_reused(api):
    # given a code already verified
    body, _ = register_customer(api)
    code = send(api, body["phone"])["otp"]
    assert verify(api, body["phone"], code).status == 200
    # when it is verified again
    again = verify(api, body["phone"], code)
    # then it is refused
    assert again.status == 400 and again.json["message"] == INVALID_OTP


def test_expired_code_is_refused(api):
    # given a code whose five minutes have passed
    body, _ = register_customer(api)
    code = send(api, body["phone"])["otp"]
    user = User.get(User.phone == body["phone"])
    with db.transaction():
        OneTimeCode.update(expires_at=utcnow() - dt.timedelta(seconds=1)).where(
            OneTimeCode.user == user
        ).execute()
    # when it is verified
    response = verify(api, body["phone"], code)
    # then it is refused
    assert response.status == 400 and response.json["message"] == INVALID_OTP


def test_five_wrong_tries_burn_the_code(api):
    # given a sent code and five wrong guesses
    body, _ = register_customer(api)
    code = send(api, body["phone"])["otp"]
    wrong = f"{(int(code) + 1) % 10000:04d}"
    for _ in range(5):
        assert verify(api, body["phone"], wrong).status == 400
    # when the right code comes after them
    response = verify(api, body["phone"], code)
    # then it no longer works
    assert response.status == 400 and response.json["message"] == INVALID_OTP


def test_a_new_code_replaces_the_previous_one(api):
    # given two codes sent one after the other
    body, _ = register_customer(api)
    first = send(api, body["phone"])["otp"]
    second = send(api, body["phone"])["otp"]
    # when the first is used
    response = verify(api, body["phone"], first)
    # then only the latest counts
    if first != second:
        assert response.status == 400
    assert verify(api, body["phone"], second).status == 200


def test_reset_token_works_once(api):
    # given a reset token already used
    body, _ = register_customer(api)
    token = verify(api, body["phone"], send(api, body["phone"])["otp"]).json["data"]["token"]
    form = {"password": "another-1", "password_confirmation": "another-1", "token": token}
    assert api.post("/api/reset-password", json=form).status == 200
    # when it is used again
    again = api.post("/api/reset-password", json={**form, "password": "third-one",
                                                  "password_confirmation": "third-one"})
    # then it is refused with 422 on the token
    assert again.status == 422
    assert "token" in again.json["errors"] and "data" not in again.json


def test_expired_or_unknown_reset_token_is_422(api):
    # given a reset token past its fifteen minutes, and a made-up one
    body, _ = register_customer(api)
    token = verify(api, body["phone"], send(api, body["phone"])["otp"]).json["data"]["token"]
    user = User.get(User.phone == body["phone"])
    with db.transaction():
        PasswordResetToken.update(expires_at=utcnow() - dt.timedelta(seconds=1)).where(
            PasswordResetToken.user == user
        ).execute()
    form = {"password": "another-1", "password_confirmation": "another-1"}
    # when each is used
    expired = api.post("/api/reset-password", json={**form, "token": token})
    made_up = api.post("/api/reset-password", json={**form, "token": "not-a-token"})
    # then both are 422
    assert expired.status == 422 and made_up.status == 422


def test_reset_needs_matching_confirmation(api):
    # given a valid reset token
    body, _ = register_customer(api)
    token = verify(api, body["phone"], send(api, body["phone"])["otp"]).json["data"]["token"]
    # when the confirmation differs
    response = api.post("/api/reset-password", json={
        "password": "another-1", "password_confirmation": "another-2", "token": token,
    })
    # then the password is reported, and the token still works afterwards
    assert response.status == 422 and "password" in response.json["errors"]
    ok = api.post("/api/reset-password", json={"password": "another-1", "password_confirmation": "another-1",
                                               "token": token})
    assert ok.status == 200


def test_production_never_returns_the_code(api, monkeypatch):
    # given a production process
    body, _ = register_customer(api)
    monkeypatch.setattr(config, "settings", dataclasses.replace(config.settings, app_env="production"))
    # when a code is asked for
    response = api.post("/api/send-otp", json={"phone": body["email"]})
    # then it is sent but not returned
    assert response.status == 200
    assert response.json["data"] == {"email_or_phone": body["email"]}
    assert len(mails_to(body["email"])) == 1


def test_canonical_forgot_verify_and_reset(api):
    # given a customer
    body, _ = register_customer(api)
    # when the canonical routes run the forgot-password flow by e-mail
    sent = api.post("/api/auth/forgot-password", json={"email": body["email"]})
    assert sent.status == 200, sent
    resent = api.post("/api/auth/resend-otp", json={"login": body["email"], "forgot_password": 1})
    assert resent.status == 200
    verified = api.post("/api/auth/verify-otp", json={"email": body["email"], "otp": resent.json["data"]["otp"]})
    assert verified.status == 200, verified
    reset = api.post("/api/auth/reset-password", json={
        "password": "canonical-1", "password_confirmation": "canonical-1", "token": verified.json["data"]["token"],
    })
    # then the new password signs in
    assert reset.status == 200
    assert api.post("/api/auth/login", json={"email": body["email"], "password": "canonical-1"}).status == 200


def test_bad_otp_input_is_422(api):
    # given requests missing fields or with a wrong switch value
    # when posted
    missing = api.post("/api/verify-otp", json={"phone": "01700000000"})
    switch = api.post("/api/send-otp", json={"phone": "01700000000", "forgot_password ": "maybe"})
    # then they are 422 naming the field
    assert missing.status == 422 and "otp" in missing.json["errors"]
    assert switch.status == 422 and "forgot_password " in switch.json["errors"]
