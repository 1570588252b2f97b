"""Platform configuration other plugins read: settings, verification (OTP) rules, currencies,
languages, countries and content pages.

Reads go through one ``VersionedCache``; every write bumps the shared state
version after commit (``kernel.invalidation.bump``), so every process drops
its copy at once. Writes run inside the caller's ``db.transaction()``.
"""

import functools
import re
from types import MappingProxyType

from kernel import invalidation, storage
from kernel.orm import utcnow
from kernel.seeddata import load
from plugins.platform.models import (
    RATE_SCALE, Country, Currency, Footer, FooterItem, Language, LegalPage, Menu, MenuItem, Page, Setting,
    SocialAuthProvider, SocialLink, Translation,
)

VERIFICATION_KEYS = (
    "register_otp_verify", "register_otp_type", "forgot_otp_type", "order_place_account_verify",
    "phone_required", "phone_min_length", "phone_max_length", "otp_length", "otp_expiry_minutes",
    "otp_max_attempts",
)
SOCIAL_AUTH_PROVIDERS = ("google", "facebook", "apple")
LEGAL_PAGE_SLUGS = ("privacy-policy", "terms-and-conditions", "return-and-refund-policy")
_MISSING = object()
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")

_cache = invalidation.VersionedCache(max_entries=256)


class NotFound(LookupError):
    """The requested configuration object does not exist."""


class ConfigError(Exception):
    """A configuration change that cannot be carried out; ``field`` names the culprit."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _cached(name: str):
    """Cache a loader's result under ``name`` until the shared state version moves."""

    def decorate(loader):
        @functools.wraps(loader)
        def read():
            return _cache.get(name, lambda _key: loader())

        return read

    return decorate


# -- settings ------------------------------------------------------------------


@functools.cache
def seeded_defaults() -> dict:
    """The values the essential phase seeds; a key missing from the table falls back to these."""
    return {**load("essential", "settings"), **load("essential", "verification")}


@_cached("settings")
def all_settings() -> MappingProxyType:
    """Every stored setting over the seeded defaults (read-only: it is shared by every request)."""
    stored = {row.key: row.value for row in Setting.select(Setting.key, Setting.value)}
    return MappingProxyType({**seeded_defaults(), **stored})


def get_setting(key: str, default=_MISSING):
    """Return a platform setting: the stored value, else its seeded default, else ``default``.

    Raises ``KeyError`` for a key that is neither stored nor seeded when no default is given.
    """
    settings = all_settings()
    if key in settings:
        return settings[key]
    if default is _MISSING:
        raise KeyError(key)
    return default


def set_settings(values: dict) -> None:
    """Store settings (insert or update each key) and announce the change."""
    now = utcnow()
    for key, value in values.items():
        updated = Setting.update(value=value, updated_at=now).where(Setting.key == key).execute()
        if not updated:
            Setting.create(key=key, value=value, updated_at=now)
    invalidation.bump()


def update_settings(changes: dict) -> None:
    """Apply an admin's settings change after checking it against the stored values."""
    if "app_locale" in changes and changes["app_locale"] not in {lang["code"] for lang in active_languages()}:
        raise ConfigError("app_locale", "Choose an active language.")
    low = changes.get("phone_min_length", get_setting("phone_min_length"))
    high = changes.get("phone_max_length", get_setting("phone_max_length"))
    if low > high:
        raise ConfigError("phone_min_length", "The minimum phone length must not exceed the maximum.")
    set_settings(changes)


def ensure_setting(key: str, value) -> bool:
    """Store ``value`` under ``key`` unless the key exists; return whether it was stored."""
    if Setting.select().where(Setting.key == key).exists():
        return False
    Setting.create(key=key, value=value)
    invalidation.bump()
    return True


def otp_settings() -> dict:
    """The verification rules: which OTP steps run, over which channel, phone lengths, code expiry."""
    return {key: get_setting(key) for key in VERIFICATION_KEYS}


def image_url(value: str | None) -> str:
    """An image setting as an absolute URL (a storage key, a path or a full URL); '' when unset."""
    if not value:
        return ""
    if value.startswith(("http://", "https://")):
        return value
    return storage.backend().url(value)


def contact() -> dict:
    return {
        "phone": get_setting("contact_phone", None),
        "email": get_setting("contact_email", None),
        "whatsapp": get_setting("contact_whatsapp", None),
        "messenger": get_setting("contact_messenger", None),
    }


# -- currencies ----------------------------------------------------------------


def _currency_row(currency: Currency) -> dict:
    return {
        "id": currency.id, "code": currency.code, "name": currency.name, "symbol": currency.symbol,
        "rate": currency.rate, "position": currency.position, "is_default": bool(currency.is_default),
        "is_active": bool(currency.is_active),
    }


@_cached("currencies")
def all_currencies() -> tuple:
    rows = Currency.select().order_by(Currency.sort_order, Currency.id)
    return tuple(_currency_row(c) for c in rows)


def default_currency() -> dict:
    """The currency every amount is stored in (the app multiplies by the others' rates)."""
    rows = all_currencies()
    return next((c for c in rows if c["is_default"]), None) or {
        "id": 0, "code": "USD", "name": "USD", "symbol": "$", "rate": 1.0, "position": "prefix",
        "is_default": True, "is_active": True,
    }


def currency_payload(row: dict) -> dict:
    """A currency with ``rate_from_default``: what the app multiplies default amounts by."""
    base = default_currency()["rate"] or 1.0
    return {**row, "rate": float(row["rate"]), "rate_from_default": round(row["rate"] / base, 6)}


def active_currencies() -> list[dict]:
    return [currency_payload(c) for c in all_currencies() if c["is_active"]]


def update_currency(currency_id: int, changes: dict) -> dict:
    """Change a currency; making one the default unsets the others, and the default stays active."""
    currency = Currency.get_or_none(Currency.id == currency_id)
    if currency is None:
        raise NotFound(currency_id)
    if "rate" in changes:
        currency.rate_micros = round(changes["rate"] * RATE_SCALE)
    for field in ("name", "symbol", "position", "is_active", "is_default", "sort_order"):
        if field in changes:
            setattr(currency, field, changes[field])
    if currency.is_default and not currency.is_active:
        raise ConfigError("is_active", "The default currency cannot be deactivated.")
    if not currency.is_default and not Currency.select().where(
        (Currency.is_default == True) & (Currency.id != currency.id)  # noqa: E712
    ).exists():
        raise ConfigError("is_default", "Make another currency the default first.")
    if currency.is_default:
        Currency.update(is_default=False).where(Currency.id != currency.id).execute()
    currency.save()
    invalidation.bump()
    return _currency_row(currency)


# -- languages and translations ---------------------------------------------------


@_cached("languages")
def all_languages() -> tuple:
    rows = Language.select().order_by(Language.sort_order, Language.id)
    return tuple(
        {"id": lang.id, "code": lang.code, "name": lang.name, "native_name": lang.native_name, "dir": lang.dir,
         "is_default": bool(lang.is_default), "is_active": bool(lang.is_active)}
        for lang in rows
    )


def active_languages() -> list[dict]:
    return [lang for lang in all_languages() if lang["is_active"]]


def translations(code: str) -> dict:
    """The language and its interface strings; ``NotFound`` for an unknown or inactive language."""
    language = next((lang for lang in active_languages() if lang["code"] == code), None)
    if language is None:
        raise NotFound(code)
    strings = _cache.get(("translations", code), _load_translations)
    return {
        "code": language["code"], "name": language["name"], "dir": language["dir"], "translations": dict(strings),
    }


def _load_translations(key) -> tuple:
    rows = Translation.select(Translation.key, Translation.value).where(Translation.language == key[1])
    return tuple(sorted((row.key, row.value) for row in rows))


def set_translations(code: str, strings: dict[str, str]) -> None:
    """Add or change interface strings of a known language."""
    if not Language.select().where(Language.code == code).exists():
        raise NotFound(code)
    for key, value in strings.items():
        match = (Translation.language == code) & (Translation.key == key)
        updated = Translation.update(value=value).where(match).execute()
        if not updated:
            Translation.create(language=code, key=key, value=value)
    invalidation.bump()


# -- countries --------------------------------------------------------------------


@_cached("countries")
def all_countries() -> tuple:
    rows = Country.select().order_by(Country.name)
    return tuple({"id": c.id, "name": c.name, "phone_code": c.phone_code, "code": c.code} for c in rows)


# -- legal pages and pages ------------------------------------------------------------


def _page_row(row) -> dict:
    return {
        "slug": row.slug, "title": row.title, "content": row.content,
        "updated_at": row.updated_at.isoformat(sep=" ", timespec="seconds"),
    }


@_cached("legal_pages")
def legal_pages() -> tuple:
    return tuple(_page_row(p) for p in LegalPage.select().order_by(LegalPage.id))


def legal_page(slug: str) -> dict:
    found = next((p for p in legal_pages() if p["slug"] == slug), None)
    if found is None:
        raise NotFound(slug)
    return found


def update_legal_page(slug: str, title: str | None, content: str | None) -> dict:
    """Edit one of the three legal pages (recreating it if it was removed)."""
    row = LegalPage.get_or_none(LegalPage.slug == slug)
    if row is None:
        if slug not in LEGAL_PAGE_SLUGS:
            raise NotFound(slug)
        row = LegalPage(slug=slug, title=title or slug.replace("-", " ").title())
    if title is not None:
        row.title = title
    if content is not None:
        row.content = content
    row.updated_at = utcnow()
    row.save()
    invalidation.bump()
    return _page_row(row)


@_cached("pages")
def pages() -> tuple:
    rows = Page.select().where(Page.is_active == True).order_by(Page.id)  # noqa: E712
    return tuple(_page_row(p) for p in rows)


def page(slug: str) -> dict:
    found = next((p for p in pages() if p["slug"] == slug), None)
    if found is None:
        raise NotFound(slug)
    return found


def update_page(slug: str, changes: dict) -> dict:
    """Create or edit a content page (title, HTML content, active)."""
    if not SLUG_RE.fullmatch(slug):
        raise ConfigError("slug", "Use lower-case letters, digits and hyphens.")
    row = Page.get_or_none(Page.slug == slug) or Page(slug=slug, title=changes.get("title") or slug)
    for field in ("title", "content", "is_active"):
        if field in changes:
            setattr(row, field, changes[field])
    row.updated_at = utcnow()
    row.save()
    invalidation.bump()
    return _page_row(row)


# -- menus, footers, social links, social auth -----------------------------------------------


@_cached("menus")
def menus() -> tuple:
    result = []
    for menu in Menu.select().where(Menu.is_active == True).order_by(Menu.id):  # noqa: E712
        items = (
            MenuItem.select()
            .where((MenuItem.menu == menu) & (MenuItem.is_active == True))  # noqa: E712
            .order_by(MenuItem.sort_order, MenuItem.id)
        )
        result.append({
            "id": menu.id, "name": menu.name, "title": menu.title,
            "items": [{"id": i.id, "title": i.title, "url": i.url, "target": i.target} for i in items],
        })
    return tuple(result)


@_cached("footers")
def footers() -> tuple:
    result = []
    active = Footer.select().where(Footer.is_active == True).order_by(Footer.sort_order, Footer.id)  # noqa: E712
    for footer in active:
        items = FooterItem.select().where(FooterItem.footer == footer).order_by(FooterItem.sort_order, FooterItem.id)
        result.append({
            "id": footer.id, "title": footer.title,
            "items": [{"id": i.id, "title": i.title, "url": i.url} for i in items],
        })
    return tuple(result)


@_cached("social_links")
def social_links() -> tuple:
    rows = (
        SocialLink.select()
        .where(SocialLink.is_active == True)  # noqa: E712
        .order_by(SocialLink.sort_order, SocialLink.id)
    )
    return tuple({"id": s.id, "name": s.name, "url": s.url, "icon": s.icon} for s in rows)


def _provider_row(provider: SocialAuthProvider) -> dict:
    """A provider as the public sees it: never the secret, only whether one is set."""
    return {
        "provider": provider.provider, "is_active": bool(provider.is_active), "client_id": provider.client_id,
        "redirect_url": provider.redirect_url, "has_secret": bool(provider.client_secret),
    }


@_cached("social_auths")
def social_auths() -> tuple:
    rows = SocialAuthProvider.select().order_by(SocialAuthProvider.id)
    return tuple(_provider_row(p) for p in rows)


def update_social_auth(provider: str, changes: dict) -> dict:
    """Configure a provider; enabling it needs both a client id and a secret."""
    if provider not in SOCIAL_AUTH_PROVIDERS:
        raise NotFound(provider)
    row = SocialAuthProvider.get_or_none(SocialAuthProvider.provider == provider)
    row = row or SocialAuthProvider(provider=provider)
    for field in ("is_active", "client_id", "client_secret", "redirect_url"):
        if field in changes:
            setattr(row, field, changes[field])
    if row.is_active and not (row.client_id and row.client_secret):
        raise ConfigError("is_active", "Set the client id and secret before enabling this provider.")
    row.save()
    invalidation.bump()
    return _provider_row(row)
