"""Rate limits of the auth routes, on the kernel's shared counters (Redis, else the database).

Keys combine the login value with the client address, so one attacker cannot
lock a victim out from elsewhere and one address cannot spray a single account.
"""

import hashlib
from dataclasses import dataclass

from kernel import ratelimit
from plugins.accounts import services

LOGIN_FAILURES = 5
LOGIN_WINDOW = 60
OTP_SENDS = 5
OTP_WINDOW = 600


class Throttled(Exception):
    """Too many attempts; ``retry_after`` is the seconds left in the window."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    name: str
    allowed: int
    window: int

    def key(self, login: str, address: str | None) -> str:
        # Hashed so any login value fits the counter key and never reaches Redis raw.
        account = services.normalize_login(login) or ""
        digest = hashlib.sha256(f"{account}|{address or '-'}".encode()).hexdigest()[:40]
        return f"{self.name}:{digest}"


LOGIN = Limit("login", LOGIN_FAILURES, LOGIN_WINDOW)
OTP = Limit("otp", OTP_SENDS, OTP_WINDOW)


def ensure_allowed(limit: Limit, login: str, address: str | None) -> None:
    """Raise ``Throttled`` once the failures counted for this login and address reach the limit."""
    count, left = ratelimit.hits(limit.key(login, address), limit.window)
    if count >= limit.allowed:
        raise Throttled(left)


def record(limit: Limit, login: str, address: str | None) -> None:
    ratelimit.hit(limit.key(login, address), limit.window)


def forget(limit: Limit, login: str, address: str | None) -> None:
    ratelimit.clear(limit.key(login, address), limit.window)


def take(limit: Limit, login: str, address: str | None) -> None:
    """Count one use and raise ``Throttled`` when it goes past the limit."""
    key = limit.key(login, address)
    if ratelimit.hit(key, limit.window) > limit.allowed:
        raise Throttled(ratelimit.hits(key, limit.window)[1])
