"""Opaque bearer tokens ``"<id>|<secret>"`` stored as SHA-256 of the secret.

The secret carries 256 bits of randomness, so a fast hash is enough (as
Sanctum does); argon2 on every request would cost tens of milliseconds.
"""

import datetime as dt
import hashlib
import hmac
import secrets

import peewee

from kernel import db
from kernel.models import AccessToken, Role, User, UserRole
from kernel.orm import utcnow
from kernel.statements import Slot, Statement

TOKEN_DAYS = 30


def _by_id_query():
    """The token, its user and the user's role names (comma-joined) in one statement: one round trip per request."""
    joined = peewee.fn.string_agg(Role.name, ",") if db.is_postgres() else peewee.fn.group_concat(Role.name, ",")
    roles = Role.select(joined).join(UserRole).where(UserRole.user == User.id)
    return (
        AccessToken.select(AccessToken, User, roles.alias("role_names"))
        .join(User).where(AccessToken.id == Slot("id")).limit(1)
    )


_by_id = Statement(_by_id_query)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(user: User, name: str = "api", device_key: str | None = None, device_type: str | None = None) -> tuple[str, AccessToken]:
    """Create a token for a user and return the plain text (shown once) and its row."""
    secret = secrets.token_urlsafe(32)
    row = AccessToken.create(
        user=user, secret_hash=_digest(secret), name=name,
        device_key=device_key, device_type=device_type,
        expires_at=utcnow() + dt.timedelta(days=TOKEN_DAYS),
    )
    return f"{row.id}|{secret}", row


def authenticate(header_value: str | None) -> tuple[User, AccessToken] | None:
    """Return the user and token for an ``Authorization: Bearer`` value, or None.

    The token carries the user's role names as ``token.roles`` (a frozenset),
    read with it.
    """
    if not header_value:
        return None
    scheme, _, token = header_value.partition(" ")
    if scheme.lower() != "bearer" or "|" not in token:
        return None
    token_id, _, secret = token.strip().partition("|")
    if not (token_id.isascii() and token_id.isdigit()) or not secret or len(token_id) > 18:
        return None
    row = _by_id.first(id=int(token_id))
    if row is None or not hmac.compare_digest(row.secret_hash, _digest(secret)):
        return None
    if row.expires_at is not None and row.expires_at < utcnow():
        return None
    if not row.user.is_active:
        return None
    row.roles = frozenset(row.role_names.split(",")) if row.role_names else frozenset()
    return row.user, row


def revoke(token: AccessToken) -> None:
    AccessToken.delete().where(AccessToken.id == token.id).execute()


def revoke_all(user_id: int, keep: int | None = None) -> None:
    """Revoke every token of a user (after a password change), optionally keeping one."""
    query = AccessToken.delete().where(AccessToken.user == user_id)
    if keep is not None:
        query = query.where(AccessToken.id != keep)
    query.execute()
