"""Account logic: creating users, finding them by login, signing in, profiles, and their public JSON."""

import secrets

from kernel import storage, tokens, uploads
from kernel import permissions as kernel_permissions
from kernel.models import AccessToken, Tenant, TenantMember, User, UserRole
from kernel.orm import utcnow
from kernel.passwords import hash_password, needs_rehash, verify_password
from plugins.accounts.models import OneTimeCode, PasswordResetToken

INVALID_CREDENTIALS = "Credential is invalid!"
INACTIVE = "Your account is not active."
AVATAR_PREFIX = "avatars"
PROFILE_FIELDS = ("name", "phone", "email", "country", "phone_code", "gender", "date_of_birth")


class LoginRefused(Exception):
    """The login cannot go on; the message is safe to show (it never says which part was wrong)."""


class WrongPassword(Exception):
    """The password given to confirm a change is not the account's password."""


class OwnsShop(Exception):
    """The account owns a shop, which would be left without an owner."""


class AccountConflict(Exception):
    """The e-mail or phone is already used by another account."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


def normalize_email(email: str | None) -> str | None:
    return email.strip().lower() if email and email.strip() else None


def normalize_phone(phone: str | None) -> str | None:
    return phone.strip().replace(" ", "") if phone and phone.strip() else None


def normalize_login(login: str | None) -> str | None:
    """The stored form of a login typed in the app's one field: an e-mail or a phone."""
    if login and "@" in login:
        return normalize_email(login)
    return normalize_phone(login)


def find_by_login(login: str | None) -> User | None:
    """Find an account by e-mail (case-insensitive) or phone, as the app's one login field allows."""
    login = normalize_login(login)
    if login is None:
        return None
    if "@" in login:
        return User.get_or_none(User.email == login)
    return User.get_or_none(User.phone == login)


def ensure_available(email: str | None, phone: str | None, exclude_id: int | None = None) -> None:
    """Raise ``AccountConflict`` when the e-mail or phone belongs to another account."""
    for field, value in (("email", normalize_email(email)), ("phone", normalize_phone(phone))):
        if value is None:
            continue
        query = User.select().where(getattr(User, field) == value)
        if exclude_id is not None:
            query = query.where(User.id != exclude_id)
        if query.exists():
            raise AccountConflict(field)


def create_user(*, name: str, password: str, email: str | None = None, phone: str | None = None,
                roles=("customer",), country: str | None = None, phone_code: str | None = None,
                is_active: bool = True, verified: bool = False) -> User:
    """Create an account with its roles (inside the caller's transaction)."""
    email, phone = normalize_email(email), normalize_phone(phone)
    ensure_available(email, phone)
    now = utcnow()
    user = User.create(
        name=name.strip(), email=email, phone=phone, password_hash=hash_password(password),
        country=country.strip() if country else None, phone_code=phone_code.strip() if phone_code else None,
        is_active=is_active,
        email_verified_at=now if verified and email else None,
        phone_verified_at=now if verified and phone else None,
    )
    for role in roles:
        kernel_permissions.assign_role(user, role)
    return user


def avatar_url(user: User) -> str:
    """The avatar's absolute URL, or the default image (the app needs a non-null URL)."""
    if user.avatar:
        return storage.backend().url(user.avatar)
    return storage.backend().url("defaults/avatar.png")


def user_payload(user: User) -> dict:
    """The ``User`` object the app parses (FLUTTER_CONTRACT.md section 3.3)."""
    return {
        "id": user.id,
        "name": user.name,
        "phone": user.phone,
        "email": user.email,
        "is_active": bool(user.is_active),
        "profile_photo": avatar_url(user),
        "gender": user.gender,
        "date_of_birth": user.date_of_birth.isoformat() if user.date_of_birth else None,
        "country": user.country,
        "phone_code": user.phone_code,
        "account_verified": user.account_verified,
        "phone_verified": user.phone_verified_at is not None,
        "email_verified": user.email_verified_at is not None,
        "last_online": user.last_online_at.isoformat(sep=" ", timespec="seconds") if user.last_online_at else None,
    }


def authenticate(login: str, password: str, role: str | None = None) -> User:
    """Return the account for a login and password, or raise ``LoginRefused``.

    The password is checked even when no account matches, so timing does not
    tell whether one exists; an account lacking ``role`` is refused like a wrong
    password.
    """
    user = find_by_login(login)
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid:
        raise LoginRefused(INVALID_CREDENTIALS)
    if role is not None and role not in kernel_permissions.roles_of(user.id):
        raise LoginRefused(INVALID_CREDENTIALS)
    if not user.is_active:
        raise LoginRefused(INACTIVE)
    return user


def start_session(user: User, password: str | None = None, device_key: str | None = None,
                  device_type: str | None = None) -> tuple[str, AccessToken]:
    """Issue a bearer token (inside the caller's transaction), upgrading an outdated password hash."""
    now = utcnow()
    changes = {User.last_online_at: now}
    if password is not None and needs_rehash(user.password_hash):
        changes[User.password_hash] = hash_password(password)
    User.update(changes).where(User.id == user.id).execute()
    user.last_online_at = now
    return tokens.issue(user, device_key=device_key, device_type=device_type)


def access_payload(token: str, row: AccessToken) -> dict:
    """The ``access`` object of a login answer."""
    return {
        "auth_type": "Bearer",
        "token": token,
        "expires_at": row.expires_at.isoformat(sep=" ", timespec="seconds"),
    }


def update_profile(user: User, changes: dict) -> User:
    """Apply profile fields (absent ones stay) inside the caller's transaction."""
    values = {k: v.strip() if isinstance(v, str) else v for k, v in changes.items() if k in PROFILE_FIELDS}
    if "email" in values:
        values["email"] = normalize_email(values["email"])
    if "phone" in values:
        values["phone"] = normalize_phone(values["phone"])
    ensure_available(values.get("email"), values.get("phone"), exclude_id=user.id)
    if "email" in values and values["email"] != user.email:
        values["email_verified_at"] = None
    if "phone" in values and values["phone"] != user.phone:
        values["phone_verified_at"] = None
    for field, value in values.items():
        setattr(user, field, value)
    user.updated_at = utcnow()
    # Only the changed columns: the row loaded at sign-in may be older than the stored password.
    user.save(only=[getattr(User, field) for field in values] + [User.updated_at])
    return user


def set_avatar(user: User, upload: uploads.CheckedUpload) -> User:
    """Store a checked photo as the account's avatar (caller's transaction); the old file goes after commit."""
    old = user.avatar
    user.avatar = uploads.store(upload, AVATAR_PREFIX, tenant_id=None)
    user.updated_at = utcnow()
    user.save(only=[User.avatar, User.updated_at])
    if old:
        uploads.discard([old], tenant_id=None)
    return user


def change_password(user: User, current: str, new: str, keep_token: int | None) -> None:
    """Change the password after checking the current one; every other session is signed out."""
    if not verify_password(user.password_hash, current):
        raise WrongPassword()
    User.update(password_hash=hash_password(new), updated_at=utcnow()).where(User.id == user.id).execute()
    tokens.revoke_all(user.id, keep=keep_token)


def delete_account(user: User, password: str) -> None:
    """Anonymise an account: personal data, logins, roles and sessions go; the row stays for history."""
    if not verify_password(user.password_hash, password):
        raise WrongPassword()
    if Tenant.select().where(Tenant.owner == user.id).exists():
        raise OwnsShop()
    old_avatar = user.avatar
    now = utcnow()
    User.update(
        name="Deleted account", email=None, phone=None, avatar=None, gender=None, date_of_birth=None,
        country=None, phone_code=None, email_verified_at=None, phone_verified_at=None, is_active=False,
        password_hash=hash_password(secrets.token_urlsafe(32)), updated_at=now,
    ).where(User.id == user.id).execute()
    UserRole.delete().where(UserRole.user == user.id).execute()
    TenantMember.delete().where(TenantMember.user == user.id).execute()
    OneTimeCode.update(used_at=now).where((OneTimeCode.user == user.id) & OneTimeCode.used_at.is_null()).execute()
    PasswordResetToken.update(used_at=now).where(
        (PasswordResetToken.user == user.id) & PasswordResetToken.used_at.is_null()
    ).execute()
    tokens.revoke_all(user.id)
    if old_avatar:
        uploads.discard([old_avatar], tenant_id=None)
