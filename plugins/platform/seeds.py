"""Essential configuration: settings, currencies, languages and translations, countries,
legal pages, pages, menus, footers, social links, social sign-in and the default logos.

Every seeder inserts only what is missing (``kernel.seeddata.ensure`` or a
select of what exists), so re-running the phase changes no row.
"""

import phonenumbers
import pycountry

from kernel.seeddata import ensure, load
from kernel.seeding import Seeder
from plugins.platform import logos
from plugins.platform.models import (
    RATE_SCALE, Country, Currency, Footer, FooterItem, Language, LegalPage, Menu, MenuItem, Page, Setting,
    SocialAuthProvider, SocialLink, Translation,
)


def seed_settings(ctx) -> None:
    for name in ("settings", "verification"):
        for key, value in load("essential", name).items():
            ensure(Setting, {"key": key}, {"value": value})


def seed_currencies(ctx) -> None:
    for position, row in enumerate(load("essential", "currencies")):
        ensure(Currency, {"code": row["code"]}, {
            "name": pycountry.currencies.get(alpha_3=row["code"]).name,
            "symbol": row["symbol"],
            "rate_micros": round(row["rate"] * RATE_SCALE),
            "position": row.get("position", "prefix"),
            "is_default": row.get("is_default", False),
            "sort_order": position,
        })


def seed_languages(ctx) -> None:
    for position, row in enumerate(load("essential", "languages")):
        fields = {k: v for k, v in row.items() if k != "code"}
        ensure(Language, {"code": row["code"]}, {**fields, "sort_order": position})
        strings = load("essential", f"lang_{row['code']}")
        present = {t.key for t in Translation.select(Translation.key).where(Translation.language == row["code"])}
        missing = [{"language": row["code"], "key": k, "value": v} for k, v in strings.items() if k not in present]
        if missing:
            Translation.insert_many(missing).execute()


def country_rows() -> list[dict]:
    """The 249 ISO 3166 countries, by name, with their calling code as a string (e.g. ``"880"``)."""
    fallbacks = load("essential", "countries")["phone_code_fallbacks"]
    rows = []
    for country in pycountry.countries:
        calling_code = phonenumbers.country_code_for_region(country.alpha_2)
        rows.append({
            "code": country.alpha_2,
            "name": getattr(country, "common_name", None) or country.name,
            "phone_code": str(calling_code) if calling_code else fallbacks[country.alpha_2],
        })
    return sorted(rows, key=lambda row: row["name"])


def seed_countries(ctx) -> None:
    present = {c.code for c in Country.select(Country.code)}
    missing = [row for row in country_rows() if row["code"] not in present]
    if missing:
        Country.insert_many(missing).execute()


def seed_pages(ctx) -> None:
    for row in load("essential", "legal_pages"):
        ensure(LegalPage, {"slug": row["slug"]}, {"title": row["title"], "content": row["content"]})
    for row in load("essential", "pages"):
        ensure(Page, {"slug": row["slug"]}, {"title": row["title"], "content": row["content"]})


def seed_menus(ctx) -> None:
    for row in load("essential", "menus"):
        menu, _ = ensure(Menu, {"name": row["name"]}, {"title": row["title"]})
        for position, item in enumerate(row["items"]):
            ensure(MenuItem, {"menu": menu, "title": item["title"]}, {"url": item["url"], "sort_order": position})
    for position, row in enumerate(load("essential", "footers")):
        footer, _ = ensure(Footer, {"title": row["title"]}, {"sort_order": position})
        for item_position, item in enumerate(row["items"]):
            ensure(FooterItem, {"footer": footer, "title": item["title"]},
                   {"url": item["url"], "sort_order": item_position})


def seed_social(ctx) -> None:
    for position, row in enumerate(load("essential", "social_links")):
        ensure(SocialLink, {"name": row["name"]}, {"url": row["url"], "icon": row["icon"], "sort_order": position})
    for row in load("essential", "social_auth"):
        ensure(SocialAuthProvider, {"provider": row["provider"]}, {k: v for k, v in row.items() if k != "provider"})


def seed_logos(ctx) -> None:
    logos.ensure_logos(load("essential", "settings")["app_name"])


SEEDERS = [
    Seeder("essential", "general and verification settings", seed_settings, order=20),
    Seeder("essential", "currencies", seed_currencies, order=20),
    Seeder("essential", "languages and translations", seed_languages, order=20),
    Seeder("essential", "countries", seed_countries, order=20),
    Seeder("essential", "legal pages and pages", seed_pages, order=20),
    Seeder("essential", "menus and footers", seed_menus, order=20),
    Seeder("essential", "social links and social sign-in", seed_social, order=20),
    Seeder("essential", "default logos", seed_logos, order=20),
]
