"""The accounts plugin's own tables: one-time codes and password-reset tokens.

Both are platform-wide (users are), and both keep only a digest of the secret,
so a database leak gives no usable code or token.
"""

import peewee

from kernel.models import User
from kernel.orm import BaseModel, utcnow


class OneTimeCode(BaseModel):
    """A short code sent to an account's e-mail or phone; single-use, short-lived, few tries."""

    user = peewee.ForeignKeyField(User, backref="one_time_codes", on_delete="CASCADE")
    channel = peewee.CharField(max_length=8)
    purpose = peewee.CharField(max_length=16)
    salt = peewee.CharField(max_length=32)
    code_hash = peewee.CharField(max_length=64)
    attempts = peewee.IntegerField(default=0)
    expires_at = peewee.DateTimeField()
    used_at = peewee.DateTimeField(null=True)
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "account_one_time_codes"
        indexes = ((("user", "channel", "used_at"), False),)


class PasswordResetToken(BaseModel):
    """The token a verified code buys: it lets its holder set a new password once."""

    user = peewee.ForeignKeyField(User, backref="password_reset_tokens", on_delete="CASCADE")
    token_hash = peewee.CharField(max_length=64, unique=True)
    expires_at = peewee.DateTimeField()
    used_at = peewee.DateTimeField(null=True)
    created_at = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "account_password_reset_tokens"


MODELS = [OneTimeCode, PasswordResetToken]
