"""Sign-up rules the platform configures: phone presence and length, and the OTP channels.

The values are the ones ``GET /api/master`` tells the app (it validates the
same fields on the device), so they are read from the ``master_config``
fragments rather than from another plugin's module: accounts depends on no
plugin, and whatever plugin owns these settings stays free to change where it
keeps them. Without such a plugin the original backend's defaults apply.
"""

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class SignupRules:
    phone_required: bool = True
    phone_min_length: int = 9
    phone_max_length: int = 16
    register_otp_type: str = "email"
    forgot_otp_type: str = "email"

    @property
    def email_required(self) -> bool:
        """An e-mail is needed when either OTP flow sends its code by e-mail."""
        return "email" in (self.register_otp_type, self.forgot_otp_type)

    def phone_errors(self, phone: str | None) -> list[str]:
        """What is wrong with a phone number under these rules (Laravel's ``digits_between``)."""
        if not phone:
            return ["The phone field is required."] if self.phone_required else []
        if not phone.isascii() or not phone.isdigit():
            return ["The phone must contain digits only."]
        if not self.phone_min_length <= len(phone) <= self.phone_max_length:
            return [f"The phone must be between {self.phone_min_length} and {self.phone_max_length} digits."]
        return []


DEFAULTS = SignupRules()
_TYPES = {f.name: type(getattr(DEFAULTS, f.name)) for f in fields(SignupRules)}


def current(hooks, tenant, request) -> SignupRules:
    """The rules in force on this storefront, from the merged ``master_config`` fragments."""
    merged: dict = {}
    for fragment in reversed(hooks.master_config(tenant=tenant, request=request)):
        merged.update(fragment or {})
    values = {}
    for name, kind in _TYPES.items():
        value = merged.get(name)
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            values[name] = value
    return SignupRules(**values)
