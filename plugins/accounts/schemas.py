"""Request and response schemas of the accounts plugin.

Inputs ignore keys they do not know, as the original API did: the app sends
extras (``device_key`` on every login, the misspelt ``"forgot_password "``).
Outputs list exactly the keys the app parses, with their JSON types.
"""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate, validates_schema

from kernel.http.fields import File

LOGIN_MAX = 190


class Flag(fields.Field):
    """The app's yes/no switch: ``true``/``false`` or ``1``/``0``."""

    def __init__(self, **kwargs):
        metadata = {"oneOf": [{"type": "boolean"}, {"type": "integer", "enum": [0, 1]}]}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise ValidationError("Must be true, false, 1 or 0.")


def not_blank(value: str) -> None:
    """Refuse a value that is only spaces.

    A plain function, so the OpenAPI document keeps ``""`` valid: the kernel
    reads an empty string as an absent key, as the app expects.
    """
    if not value.strip():
        raise ValidationError("This field must not be blank.")


def login_field(**kwargs):
    return fields.String(validate=[validate.Length(max=LOGIN_MAX), not_blank], **kwargs)


def pick_login(data: dict) -> str:
    """Take the first login given under ``login``, ``email`` or ``phone`` (removing all three)."""
    given = [data.pop(k, None) for k in ("login", "email", "phone")]
    return next(value for value in given if value)


def new_password(**kwargs):
    return fields.String(required=True, validate=validate.Length(min=6, max=128), **kwargs)


class Input(Schema):
    class Meta:
        unknown = EXCLUDE

    def on_bind_field(self, field_name, field_obj):
        # The kernel reads null as an absent key, so an optional field documents null as valid.
        if not field_obj.required:
            field_obj.allow_none = True


class DeviceFields(Input):
    device_key = fields.String(validate=validate.Length(max=255))
    device_type = fields.String(validate=validate.Length(max=16))


class LoginIn(DeviceFields):
    """The app's login: ``phone`` holds the phone number or the e-mail typed in."""

    phone = login_field(required=True)
    password = fields.String(required=True, validate=validate.Length(max=128))

    @post_load
    def to_login(self, data, **kwargs):
        data["login"] = data.pop("phone")
        return data


class AnyLogin(Input):
    """The canonical routes' login: the phone or e-mail in ``login``, ``email`` or ``phone``."""

    login = login_field()
    email = login_field()
    phone = login_field()

    @validates_schema
    def one_login(self, data, **kwargs):
        if not any(data.get(k) for k in ("login", "email", "phone")):
            raise ValidationError("The login field is required.", "login")

    @post_load
    def to_login(self, data, **kwargs):
        data["login"] = pick_login(data)
        return data


class AnyLoginIn(AnyLogin, DeviceFields):
    password = fields.String(required=True, validate=validate.Length(max=128))


class SellerLoginIn(Input):
    contact = login_field(required=True)
    password = fields.String(required=True, validate=validate.Length(max=128))
    device_key = fields.String(validate=validate.Length(max=255))

    @post_load
    def to_login(self, data, **kwargs):
        data["login"] = data.pop("contact")
        return data


class RegistrationIn(DeviceFields):
    """Sign-up fields; the phone's presence and length follow the platform's rules, checked after."""

    name = fields.String(required=True, validate=[validate.Length(max=120), not_blank])
    phone = fields.String(validate=validate.Length(max=32))
    email = fields.Email(validate=validate.Length(max=190))
    password = new_password()
    country = fields.String(required=True, validate=[validate.Length(max=80), not_blank])
    phone_code = fields.String(validate=validate.Length(max=8))


class ForgotSwitch(Input):
    """The forgot-password switch under either spelling; the app's has a trailing space."""

    forgot_password = Flag()
    forgot_password_spaced = Flag(data_key="forgot_password ")

    @staticmethod
    def forgot(data: dict) -> bool:
        spelled = data.pop("forgot_password", False)
        spaced = data.pop("forgot_password_spaced", False)
        return spelled or spaced


class SendOtpIn(ForgotSwitch):
    """``phone`` is a phone or an e-mail."""

    phone = login_field(required=True)

    @post_load
    def to_request(self, data, **kwargs):
        return {"login": data["phone"], "forgot": self.forgot(data)}


class ResendOtpIn(AnyLogin, ForgotSwitch):
    @post_load
    def to_login(self, data, **kwargs):
        return {"login": pick_login(data), "forgot": self.forgot(data)}


OTP_CODE = dict(required=True, validate=[validate.Length(max=12), not_blank])


class VerifyOtpIn(Input):
    phone = login_field(required=True)
    otp = fields.String(**OTP_CODE)

    @post_load
    def to_login(self, data, **kwargs):
        return {"login": data["phone"], "otp": data["otp"]}


class AnyVerifyOtpIn(AnyLogin):
    otp = fields.String(**OTP_CODE)


class ConfirmedPassword(Input):
    password = new_password()
    password_confirmation = fields.String(required=True, validate=validate.Length(max=128))

    @validates_schema
    def confirmed(self, data, **kwargs):
        if "password" in data and data.get("password_confirmation") != data["password"]:
            raise ValidationError("The password confirmation does not match.", "password")


class ResetPasswordIn(ConfirmedPassword):
    token = fields.String(required=True, validate=[validate.Length(max=200), not_blank])


class ChangePasswordIn(ConfirmedPassword):
    current_password = fields.String(required=True, validate=validate.Length(max=128))


class ProfileFields(Input):
    """Editable profile fields; an absent or empty field keeps its value."""

    name = fields.String(validate=[validate.Length(max=120), not_blank])
    phone = fields.String(validate=validate.Length(max=32))
    email = fields.Email(validate=validate.Length(max=190))
    country = fields.String(validate=validate.Length(max=80))
    phone_code = fields.String(validate=validate.Length(max=8))
    gender = fields.String(validate=validate.OneOf(["male", "female", "other"]))
    date_of_birth = fields.Date()
    profile_photo = File()

    @validates_schema
    def not_empty(self, data, **kwargs):
        if not data:
            raise ValidationError("Send at least one field to change.", "_schema")


class ProfileUpdateIn(ProfileFields):
    """The app's profile form: name and phone are always sent."""

    name = fields.String(required=True, validate=[validate.Length(max=120), not_blank])


class AvatarIn(Input):
    profile_photo = File(required=True)


class DeleteAccountIn(Input):
    password = fields.String(required=True, validate=validate.Length(max=128))


class UserOut(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    phone = fields.String(required=True, allow_none=True)
    email = fields.String(required=True, allow_none=True)
    is_active = fields.Boolean(required=True)
    profile_photo = fields.String(required=True)
    gender = fields.String(required=True, allow_none=True)
    date_of_birth = fields.String(required=True, allow_none=True)
    country = fields.String(required=True, allow_none=True)
    phone_code = fields.String(required=True, allow_none=True)
    account_verified = fields.Boolean(required=True)
    phone_verified = fields.Boolean(required=True)
    email_verified = fields.Boolean(required=True)
    last_online = fields.String(required=True, allow_none=True)


class AccessOut(Schema):
    auth_type = fields.String(required=True)
    token = fields.String(required=True)
    expires_at = fields.String(required=True)


class AuthData(Schema):
    user = fields.Nested(UserOut, required=True)
    access = fields.Nested(AccessOut, required=True)


class UserData(Schema):
    user = fields.Nested(UserOut, required=True)


class OtpSentData(Schema):
    email_or_phone = fields.String(required=True)
    otp = fields.String(metadata={"description": "The code itself, in development only"})


class ResetTokenData(Schema):
    token = fields.String(required=True)
