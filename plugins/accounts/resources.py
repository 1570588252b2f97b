"""Thin Falcon resources of the accounts plugin, shared by the app's routes and the canonical ones."""

import peewee

from kernel import config, db, tokens, uploads
from kernel.http import APIError, ok, op, validation_error
from plugins.accounts import otp, rules, schemas, services, throttle

AUTH = ("auth",)
PROFILE = ("profile",)
CODE_SENT = "If an account uses this phone or e-mail, a verification code has been sent to it."
INVALID_OTP = "Invalid otp"
# Room for the form fields and multipart framing around a photo at its limit.
AVATAR_BODY_LIMIT = uploads.LIMITS["avatar"] + 512 * 1024


def _throttled(exc: throttle.Throttled) -> APIError:
    return APIError(
        429, f"Too many attempts. Please try again in {exc.retry_after} seconds.",
        headers={"Retry-After": str(exc.retry_after)},
    )


def _taken(exc: services.AccountConflict) -> APIError:
    return validation_error({exc.field: [f"The {exc.field} has already been taken."]})


def _signup_rules(req) -> rules.SignupRules:
    return rules.current(req.context.hooks, req.context.tenant, req)


def _auth_answer(resp, user, token, row, message: str) -> None:
    ok(resp, {"user": services.user_payload(user), "access": services.access_payload(token, row)}, message)


class Login:
    """Sign in with a phone or e-mail and a password; ``role`` limits who may use the route."""

    role: str | None = None

    def sign_in(self, req, resp) -> None:
        body = req.context.body
        login, address = body["login"], req.remote_addr
        try:
            throttle.ensure_allowed(throttle.LOGIN, login, address)
        except throttle.Throttled as exc:
            raise _throttled(exc) from None
        try:
            user = services.authenticate(login, body["password"], self.role)
        except services.LoginRefused as exc:
            throttle.record(throttle.LOGIN, login, address)
            raise APIError(400, str(exc)) from None
        throttle.forget(throttle.LOGIN, login, address)
        with db.transaction():
            token, row = services.start_session(
                user, body["password"], body.get("device_key"), body.get("device_type")
            )
        _auth_answer(resp, user, token, row, "Login successful.")


class CustomerLogin(Login):
    role = "customer"

    @op(body=schemas.LoginIn, response=schemas.AuthData, errors=(400, 429), tags=AUTH,
        summary="Sign a customer in (the app's login; `phone` holds the phone or e-mail)")
    def on_post(self, req, resp):
        self.sign_in(req, resp)


class AccountLogin(Login):
    @op(body=schemas.AnyLoginIn, response=schemas.AuthData, errors=(400, 429), tags=AUTH,
        summary="Sign any account in with its phone or e-mail")
    def on_post(self, req, resp):
        self.sign_in(req, resp)


class SellerLogin(Login):
    role = "seller"

    @op(body=schemas.SellerLoginIn, response=schemas.AuthData, errors=(400, 429), tags=("seller",),
        summary="Sign a seller in (`contact` is the phone or e-mail)")
    def on_post(self, req, resp):
        self.sign_in(req, resp)


class RiderLogin(Login):
    role = "rider"

    @op(body=schemas.LoginIn, response=schemas.AuthData, errors=(400, 429), tags=("rider",),
        summary="Sign a rider in (`phone` is the phone or e-mail)")
    def on_post(self, req, resp):
        self.sign_in(req, resp)


class Registration:
    @op(body=schemas.RegistrationIn, response=schemas.AuthData, tags=AUTH,
        summary="Create a customer account and sign it in")
    def on_post(self, req, resp):
        body = req.context.body
        signup = _signup_rules(req)
        problems = {}
        if phone_errors := signup.phone_errors(services.normalize_phone(body.get("phone"))):
            problems["phone"] = phone_errors
        if signup.email_required and not body.get("email"):
            problems["email"] = ["The email field is required."]
        if problems:
            raise validation_error(problems)
        hooks, tenant = req.context.hooks, req.context.tenant
        try:
            with db.transaction():
                user = services.create_user(
                    name=body["name"], email=body.get("email"), phone=body.get("phone"),
                    password=body["password"], roles=("customer",), country=body["country"],
                    phone_code=body.get("phone_code"),
                )
                token, row = services.start_session(
                    user, device_key=body.get("device_key"), device_type=body.get("device_type")
                )
                db.on_commit(lambda: hooks.user_registered(user=user, tenant=tenant))
        except services.AccountConflict as exc:
            raise _taken(exc) from None
        except peewee.IntegrityError:
            # A parallel sign-up took the phone or e-mail between the check and the insert.
            try:
                services.ensure_available(body.get("email"), body.get("phone"))
            except services.AccountConflict as exc:
                raise _taken(exc) from None
            raise
        _auth_answer(resp, user, token, row, "Registration successful.")


class SendOtp:
    """Send a code to a phone or e-mail; the answer never says whether an account exists."""

    def send(self, req, resp, login: str, forgot: bool) -> None:
        try:
            throttle.take(throttle.OTP, login, req.remote_addr)
        except throttle.Throttled as exc:
            raise _throttled(exc) from None
        with db.transaction():
            sent = otp.send_code(login, otp.PURPOSE_RESET if forgot else otp.PURPOSE_VERIFY)
        data = {"email_or_phone": login}
        if sent is not None and not config.settings.is_production:
            data["otp"] = sent.code
        ok(resp, data, CODE_SENT)

    @op(body=schemas.SendOtpIn, response=schemas.OtpSentData, errors=(429,), tags=AUTH,
        summary="Send a one-time code (the app's; accepts the key `forgot_password ` with its space)")
    def on_post(self, req, resp):
        self.send(req, resp, req.context.body["login"], req.context.body["forgot"])


class ResendOtp(SendOtp):
    @op(body=schemas.ResendOtpIn, response=schemas.OtpSentData, errors=(429,), tags=AUTH,
        summary="Send a new one-time code to a phone or e-mail")
    def on_post(self, req, resp):
        self.send(req, resp, req.context.body["login"], req.context.body["forgot"])


class ForgotPassword(SendOtp):
    @op(body=schemas.AnyLogin, response=schemas.OtpSentData, errors=(429,), tags=AUTH,
        summary="Send a password-reset code to a phone or e-mail")
    def on_post(self, req, resp):
        self.send(req, resp, req.context.body["login"], True)


class VerifyOtp:
    """Check a code; the answer carries the password-reset token the code buys."""

    def verify(self, req, resp) -> None:
        token = otp.verify_code(req.context.body["login"], req.context.body["otp"])
        if token is None:
            raise APIError(400, INVALID_OTP)
        ok(resp, {"token": token}, "OTP verified successfully.")

    @op(body=schemas.VerifyOtpIn, response=schemas.ResetTokenData, errors=(400,), tags=AUTH,
        summary="Verify a one-time code (the app's; `phone` is the phone or e-mail)")
    def on_post(self, req, resp):
        self.verify(req, resp)


class AccountVerifyOtp(VerifyOtp):
    @op(body=schemas.AnyVerifyOtpIn, response=schemas.ResetTokenData, errors=(400,), tags=AUTH,
        summary="Verify a one-time code sent to a phone or e-mail")
    def on_post(self, req, resp):
        self.verify(req, resp)


class ResetPassword:
    @op(body=schemas.ResetPasswordIn, tags=AUTH, summary="Set a new password with a reset token (once)")
    def on_post(self, req, resp):
        body = req.context.body
        if not otp.reset_password(body["token"], body["password"]):
            raise validation_error({"token": ["This password reset token is invalid or has expired."]})
        ok(resp, message="Password reset successfully.")


class ChangePassword:
    @op(permission="password.change", body=schemas.ChangePasswordIn, tags=PROFILE,
        summary="Change the password; other sessions are signed out")
    def on_post(self, req, resp):
        body, ctx = req.context.body, req.context
        try:
            with db.transaction():
                services.change_password(ctx.user, body["current_password"], body["password"], ctx.token.id)
        except services.WrongPassword:
            raise validation_error({"current_password": ["Current password does not match"]}) from None
        ok(resp, message="Password changed successfully.")


class Profile:
    @op(permission="profile.view", response=schemas.UserData, tags=PROFILE, summary="The signed-in account")
    def on_get(self, req, resp):
        ok(resp, {"user": services.user_payload(req.context.user)})


class ProfileEditor:
    """Profile changes with an optional photo, recognised from its bytes before anything changes."""

    phone_always_checked = False

    def apply(self, req, resp) -> None:
        body, user = dict(req.context.body), req.context.user
        if self.phone_always_checked or "phone" in body:
            if phone_errors := _signup_rules(req).phone_errors(services.normalize_phone(body.get("phone"))):
                raise validation_error({"phone": phone_errors})
        upload = body.pop("profile_photo", None)
        photo = _checked_photo(upload.data) if upload is not None else None
        try:
            with db.transaction():
                services.update_profile(user, body)
                if photo is not None:
                    services.set_avatar(user, photo)
        except services.AccountConflict as exc:
            raise _taken(exc) from None
        ok(resp, {"user": services.user_payload(user)}, "Profile updated successfully.")


def _checked_photo(data: bytes) -> uploads.CheckedUpload:
    try:
        return uploads.check(data, "avatar")
    except uploads.UploadRejected as exc:
        if exc.status == 413:
            raise APIError(413, "The profile photo may not be greater than 2 MB.") from None
        raise validation_error({"profile_photo": [exc.message]}) from None


class ProfileUpdate(ProfileEditor):
    phone_always_checked = True

    @op(permission="profile.update", body=schemas.ProfileUpdateIn, response=schemas.UserData,
        content_type="multipart/form-data", max_body=AVATAR_BODY_LIMIT, errors=(413,), tags=PROFILE,
        summary="Update the profile and photo (the app's multipart form)")
    def on_post(self, req, resp):
        self.apply(req, resp)


class UserUpdate(ProfileEditor):
    @op(permission="profile.update", body=schemas.ProfileFields, response=schemas.UserData,
        content_type="multipart/form-data", max_body=AVATAR_BODY_LIMIT, errors=(413,), tags=PROFILE,
        summary="Update any profile fields (multipart or JSON); absent fields stay")
    def on_post(self, req, resp):
        self.apply(req, resp)


class AvatarUpdate(ProfileEditor):
    @op(permission="profile.update", body=schemas.AvatarIn, response=schemas.UserData,
        content_type="multipart/form-data", max_body=AVATAR_BODY_LIMIT, errors=(413,), tags=PROFILE,
        summary="Replace the profile photo")
    def on_post(self, req, resp):
        self.apply(req, resp)


class AccountDeletion:
    @op(permission="profile.delete", body=schemas.DeleteAccountIn, errors=(409,), tags=PROFILE,
        summary="Delete the own account (anonymised; every session ends); needs the password")
    def on_delete(self, req, resp):
        try:
            with db.transaction():
                services.delete_account(req.context.user, req.context.body["password"])
        except services.WrongPassword:
            raise validation_error({"password": ["The password is incorrect."]}) from None
        except services.OwnsShop:
            raise APIError(409, "This account owns a shop; transfer or close the shop first.") from None
        ok(resp, message="Your account has been deleted.")


class SessionEnd:
    """End the current session (the token used for this request)."""

    def end(self, req, resp) -> None:
        with db.transaction():
            tokens.revoke(req.context.token)
        ok(resp, message="Logged out successfully.")


class Logout(SessionEnd):
    @op(permission="session.logout", tags=AUTH, summary="Revoke the token of this request")
    def on_post(self, req, resp):
        self.end(req, resp)


class SellerLogout(SessionEnd):
    @op(permission="session.logout", roles=("seller",), tags=("seller",), summary="Revoke the seller's token")
    def on_get(self, req, resp):
        self.end(req, resp)


class RiderLogout(SessionEnd):
    @op(permission="session.logout", roles=("rider",), tags=("rider",), summary="Revoke the rider's token")
    def on_get(self, req, resp):
        self.end(req, resp)
