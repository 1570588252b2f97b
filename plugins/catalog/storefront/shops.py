"""Shops as storefronts show them: the listing, one shop's details, its open or closed state.

The catalog's ``ShopProfile`` extends the kernel's tenant with what customers
see. The marketplace lists the shops of ``visibility.marketplace_shop_ids()``
whose profile is published; a shop's own host lists that shop alone.
"""

import datetime as dt

from peewee import fn

from kernel import tenancy
from kernel.models import Tenant
from kernel.orm import utcnow
from plugins.catalog import money
from plugins.catalog.models import Product, ShopProfile
from plugins.catalog.payloads import DEFAULT_SHOP_BANNER, DEFAULT_SHOP_LOGO, image_url

ONLINE = "Online"
OFFLINE = "Offline"


class ShopNotFound(LookupError):
    """The shop is not shown on this storefront (unknown, unlisted or unpublished)."""


def _minutes(value: str) -> int | None:
    try:
        parsed = dt.datetime.strptime(value or "", "%H:%M")
    except ValueError:
        return None
    return parsed.hour * 60 + parsed.minute


def shop_status(profile: ShopProfile, now: dt.datetime | None = None) -> str:
    """``Online`` inside the opening hours on a working day, else ``Offline``, in the server's time (UTC).

    ``off_days`` holds English day names (``"Friday"``, any case). A closing
    time before the opening time means the shop is open across midnight; equal
    times mean open all day. Unreadable times count as closed.
    """
    now = now or utcnow()
    off_days = {str(day).strip().lower() for day in profile.off_days or ()}
    if now.strftime("%A").lower() in off_days:
        return OFFLINE
    opening, closing = _minutes(profile.opening_time), _minutes(profile.closing_time)
    if opening is None or closing is None:
        return OFFLINE
    current = now.hour * 60 + now.minute
    if opening == closing:
        is_open = True
    elif opening < closing:
        is_open = opening <= current < closing
    else:
        is_open = current >= opening or current < closing
    return ONLINE if is_open else OFFLINE


def listed_shops(shop_ids):
    """Published profiles of these shops with their tenant's name, best rated first (stable order)."""
    return (
        ShopProfile.across_tenants(ShopProfile, Tenant.name)
        .join(Tenant, on=(ShopProfile.tenant_id == Tenant.id), attr="tenant")
        .where(ShopProfile.tenant_id.in_(sorted(shop_ids)), ShopProfile.is_published == True)  # noqa: E712
        .order_by(ShopProfile.rating.desc(), ShopProfile.review_count.desc(), ShopProfile.tenant_id)
    )


def _product_totals(shop_ids) -> dict[int, tuple[int, int]]:
    """``{shop id: (active products, distinct categories)}`` in one grouped query."""
    if not shop_ids:
        return {}
    rows = (
        Product.across_tenants(Product.tenant_id, fn.COUNT(Product.id), fn.COUNT(fn.DISTINCT(Product.category)))
        .where(
            Product.tenant_id.in_(sorted(shop_ids)),
            Product.is_active == True,  # noqa: E712
            Product.is_approved == True,  # noqa: E712
        )
        .group_by(Product.tenant_id)
        .tuples()
    )
    return {shop_id: (products, categories) for shop_id, products, categories in rows}


def _summary(profile: ShopProfile, totals: tuple[int, int], now: dt.datetime) -> dict:
    products, categories = totals
    return {
        "id": profile.tenant_id,
        "name": profile.tenant.name,
        "logo": image_url(profile.logo, DEFAULT_SHOP_LOGO),
        "banner": image_url(profile.banner, DEFAULT_SHOP_BANNER),
        "total_products": products,
        "total_categories": categories,
        "rating": float(round(profile.rating or 0.0, 1)),
        "shop_status": shop_status(profile, now),
        "total_reviews": money.abbreviate(profile.review_count or 0),
    }


def shop_cards(profiles) -> list[dict]:
    """``Shop`` objects (section 3.3) for profiles from :func:`listed_shops`, in order, two queries in all."""
    profiles = list(profiles)
    totals = _product_totals({p.tenant_id for p in profiles})
    now = utcnow()
    return [_summary(p, totals.get(p.tenant_id, (0, 0)), now) for p in profiles]


def top_shops(shop_ids, limit: int) -> list[dict]:
    return shop_cards(listed_shops(shop_ids).limit(limit))


def shown_profile(shop_id: int, shop_ids) -> ShopProfile:
    """The published profile of a shop this storefront shows, or :class:`ShopNotFound`."""
    if shop_id not in shop_ids:
        raise ShopNotFound(shop_id)
    profile = listed_shops({shop_id}).first()
    if profile is None:
        raise ShopNotFound(shop_id)
    return profile


def banners_of(shop_id: int) -> list[dict]:
    """The shop's banners from the plugins live for that shop (``shop_banners``), in load order."""
    tenant = tenancy.get(shop_id)
    hooks = tenant.hooks
    answers = hooks.shop_banners(shop_id=shop_id)
    return [banner for answer in reversed(answers) for banner in answer or ()]


def shop_details(shop_id: int, shop_ids) -> dict:
    """``ShopDetails`` (section 3.7) of a shop shown on this storefront."""
    profile = shown_profile(shop_id, shop_ids)
    summary = _summary(profile, _product_totals({shop_id}).get(shop_id, (0, 0)), utcnow())
    return {
        **summary,
        "short_description": profile.short_description or "",
        "description": profile.description or "",
        "total_reviews": profile.review_count or 0,
        "banners": banners_of(shop_id),
    }
