"""One-time codes and password-reset tokens.

A code goes to the e-mail or phone the user typed, lives five minutes, allows
five tries and works once; only an HMAC of it is stored (four digits hash to
nothing secret on their own). A verified code buys a reset token that lives a
quarter of an hour and works once. Asking for a code for an unknown or
inactive account looks exactly like asking for a real one.
"""

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from peewee import fn

from kernel import config, db, mail, tokens
from kernel.models import User
from kernel.orm import utcnow
from kernel.passwords import hash_password
from plugins.accounts import services, sms, tasks
from plugins.accounts.models import OneTimeCode, PasswordResetToken

# The app's confirm button enables at exactly four digits (confirm_otp_layout.dart).
CODE_LENGTH = 4
CODE_LIFETIME = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 5
RESET_LIFETIME = dt.timedelta(minutes=15)

PURPOSE_VERIFY = "verify"
PURPOSE_RESET = "reset"


@dataclass(frozen=True)
class Sent:
    """A code made for a real account (the plain code only leaves the process in development)."""

    code: str
    channel: str


def channel_of(login: str) -> str:
    return "email" if "@" in login else "phone"


def _code_digest(salt: str, code: str) -> str:
    return hmac.new(config.settings.secret_key.encode(), f"{salt}:{code}".encode(), hashlib.sha256).hexdigest()


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _deliver(user: User, channel: str, code: str, purpose: str) -> None:
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    what = "password reset code" if purpose == PURPOSE_RESET else "verification code"
    text = f"Your QuteCat {what} is {code}. It expires in {minutes} minutes. Never share it."
    if channel == "email":
        mail.send_mail(user.email, f"Your QuteCat {what}", text)
    else:
        tasks.send_sms(sms.international(user.phone, user.phone_code), text)


def send_code(login: str, purpose: str) -> Sent | None:
    """Make a fresh code for the account behind ``login`` and send it after commit (caller's transaction).

    Earlier codes for the same channel stop working. Returns None, sending
    nothing, when no active account matches.
    """
    user = services.find_by_login(login)
    if user is None or not user.is_active:
        return None
    channel = channel_of(login)
    now = utcnow()
    OneTimeCode.update(used_at=now).where(
        (OneTimeCode.user == user) & (OneTimeCode.channel == channel) & OneTimeCode.used_at.is_null()
    ).execute()
    code = f"{secrets.randbelow(10 ** CODE_LENGTH):0{CODE_LENGTH}d}"
    salt = secrets.token_hex(8)
    OneTimeCode.create(
        user=user, channel=channel, purpose=purpose, salt=salt, code_hash=_code_digest(salt, code),
        expires_at=now + CODE_LIFETIME,
    )
    db.on_commit(lambda: _deliver(user, channel, code, purpose))
    return Sent(code=code, channel=channel)


def verify_code(login: str, code: str) -> str | None:
    """Check a code; on success mark the channel verified and return a new reset token.

    Every try is counted before the comparison, in the same statement that
    checks the limit, so parallel guesses cannot exceed it. Returns None for a
    wrong, expired, used or unknown code (and for an unknown account).
    """
    with db.transaction():
        user = services.find_by_login(login)
        if user is None or not user.is_active:
            return None
        channel = channel_of(login)
        now = utcnow()
        row = (
            OneTimeCode.select()
            .where(
                (OneTimeCode.user == user) & (OneTimeCode.channel == channel)
                & OneTimeCode.used_at.is_null() & (OneTimeCode.expires_at > now)
            )
            .order_by(OneTimeCode.id.desc())
            .first()
        )
        if row is None:
            return None
        live = (OneTimeCode.id == row.id) & OneTimeCode.used_at.is_null()
        counted = OneTimeCode.update(attempts=OneTimeCode.attempts + 1).where(
            live & (OneTimeCode.attempts < MAX_ATTEMPTS)
        ).execute()
        if not counted:
            return None
        if not hmac.compare_digest(row.code_hash, _code_digest(row.salt, code.strip())):
            OneTimeCode.update(used_at=now).where(live & (OneTimeCode.attempts >= MAX_ATTEMPTS)).execute()
            return None
        if not OneTimeCode.update(used_at=now).where(live).execute():
            return None
        verified = User.email_verified_at if channel == "email" else User.phone_verified_at
        User.update({verified: fn.COALESCE(verified, now), User.updated_at: now}).where(User.id == user.id).execute()
        return _issue_reset_token(user, now)


def _issue_reset_token(user: User, now: dt.datetime) -> str:
    token = secrets.token_urlsafe(32)
    PasswordResetToken.create(user=user, token_hash=_token_digest(token), expires_at=now + RESET_LIFETIME)
    return token


def reset_password(token: str, password: str) -> bool:
    """Set a new password with a reset token (once), revoking every session and other reset token."""
    with db.transaction():
        now = utcnow()
        row = PasswordResetToken.get_or_none(PasswordResetToken.token_hash == _token_digest(token.strip()))
        if row is None or row.used_at is not None or row.expires_at <= now:
            return False
        taken = PasswordResetToken.update(used_at=now).where(
            (PasswordResetToken.id == row.id) & PasswordResetToken.used_at.is_null()
        ).execute()
        if not taken:
            return False
        PasswordResetToken.update(used_at=now).where(
            (PasswordResetToken.user == row.user_id) & PasswordResetToken.used_at.is_null()
        ).execute()
        User.update(password_hash=hash_password(password), updated_at=now).where(User.id == row.user_id).execute()
        tokens.revoke_all(row.user_id)
        return True
