"""Account logic: creating users, finding them by login, and their public JSON."""

from kernel import permissions as kernel_permissions
from kernel import storage
from kernel.models import User
from kernel.orm import utcnow
from kernel.passwords import hash_password


class AccountConflict(Exception):
    """The e-mail or phone is already used by another account."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


def normalize_email(email: str | None) -> str | None:
    return email.strip().lower() if email and email.strip() else None


def normalize_phone(phone: str | None) -> str | None:
    return phone.strip().replace(" ", "") if phone and phone.strip() else None


def find_by_login(login: str | None) -> User | None:
    """Find an account by e-mail (case-insensitive) or phone, as the app's one login field allows."""
    if not login or not login.strip():
        return None
    login = login.strip()
    if "@" in login:
        return User.get_or_none(User.email == normalize_email(login))
    return User.get_or_none(User.phone == normalize_phone(login))


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
        country=country, phone_code=phone_code, is_active=is_active,
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
