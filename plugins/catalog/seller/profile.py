"""A seller's storefront profile: what customers see of the shop, edited by its own sellers.

One implementation serves the original app's ``shop-update`` and
``shop-setting-update`` and the canonical ``/api/seller/shop``: :func:`update`
changes any subset of the fields. A shop created by an administrator has no
profile row until its first edit, so reading falls back to the model's
defaults and the first write creates the row (published, so the storefronts
start showing the shop once its seller has set it up). Every query runs as the
seller's shop (the tenant in context), so no other shop's profile is reached.

The logo and banner are checked by their bytes before the transaction, stored
inside it against the plan's storage allowance (a replaced image gives its
bytes back) and thumbnailed by a task after commit, as product images are.
"""

from dataclasses import dataclass

from kernel import db, tenancy, uploads
from kernel.models import Tenant
from kernel.orm import utcnow
from plugins.catalog import money
from plugins.catalog.models import ShopProfile
from plugins.catalog.payloads import DEFAULT_SHOP_BANNER, DEFAULT_SHOP_LOGO, image_url
from plugins.catalog.storefront.shops import shop_status

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TEXT_FIELDS = ("short_description", "description", "address", "prefix", "opening_time", "closing_time")
# Which upload kind (and so which size limit) each image field is checked as.
IMAGE_KINDS = {"logo": "logo", "banner": "image"}


@dataclass(frozen=True)
class ProfileImages:
    """The checked uploads of one profile request."""

    logo: uploads.CheckedUpload | None = None
    banner: uploads.CheckedUpload | None = None


def images_from(fields: dict) -> ProfileImages:
    """Check the request's logo and banner by their content (``UploadRejected`` for the first bad one)."""
    return ProfileImages(**{name: uploads.check_field(name, fields.get(name), kind)
                            for name, kind in IMAGE_KINDS.items()})


def delivery_time_text(days: int) -> str:
    """The delivery estimate customers read (``"3 days"``) from the seller's number of days."""
    return "1 day" if days == 1 else f"{days} days"


def current() -> ShopProfile:
    """The shop's profile, or an unsaved one with the defaults when the shop has never edited it."""
    return ShopProfile.select().first() or ShopProfile()


def payload(profile: ShopProfile, shop_id: int) -> dict:
    """The profile as its seller edits it: the storefront's keys plus the shop settings."""
    return {
        "id": shop_id,
        "name": Tenant.select(Tenant.name).where(Tenant.id == shop_id).scalar(),
        "logo": image_url(profile.logo, DEFAULT_SHOP_LOGO),
        "banner": image_url(profile.banner, DEFAULT_SHOP_BANNER),
        "short_description": profile.short_description,
        "description": profile.description,
        "address": profile.address,
        "prefix": profile.prefix,
        "min_order_amount": money.to_float(profile.min_order_amount),
        "estimated_delivery_time": profile.estimated_delivery_time,
        "opening_time": profile.opening_time,
        "closing_time": profile.closing_time,
        "off_day": list(profile.off_days or ()),
        "shop_status": shop_status(profile),
        "is_published": bool(profile.is_published),
    }


def _columns(fields: dict) -> dict:
    columns = {name: fields[name] for name in TEXT_FIELDS if name in fields}
    if "min_order_amount" in fields:
        columns["min_order_amount"] = money.to_minor(fields["min_order_amount"])
    if "estimated_delivery_time" in fields:
        columns["estimated_delivery_time"] = delivery_time_text(fields["estimated_delivery_time"])
    if "off_day" in fields:
        chosen = set(fields["off_day"])
        columns["off_days"] = [day for day in WEEKDAYS if day in chosen]
    return columns


def _locked_profile(shop_id: int) -> ShopProfile:
    """The shop's profile row, created on the first edit and locked for the rest of the transaction.

    Two first edits at once may both find no row; the table is unique per
    shop, so the second insert does nothing and both edit the one row.
    """
    def locked():
        query = ShopProfile.select()
        return (query.for_update() if db.is_postgres() else query).first()

    profile = locked()
    if profile is None:
        ShopProfile.insert(tenant_id=shop_id).on_conflict_ignore().execute()
        profile = locked()
    return profile


def update(shop_id: int, fields: dict, images: ProfileImages) -> ShopProfile:
    """Change the shop's profile and settings; only the fields given change.

    The shop's name lives on the tenant, so a new name renames the tenant in
    the same transaction. New images are stored within the plan's storage
    allowance (``LimitExceeded`` rolls the whole change back, and the objects
    stored for it are removed).
    """
    from plugins.catalog import tasks

    stored: list[str] = []
    try:
        with db.transaction():
            profile = _locked_profile(shop_id)
            columns = _columns(fields)
            for name in IMAGE_KINDS:
                image = getattr(images, name)
                if image is None:
                    continue
                key = uploads.store(image, f"shops/{shop_id}", shop_id)
                stored.append(key)
                uploads.discard([getattr(profile, name)], shop_id)
                columns[name] = key
            columns["updated_at"] = utcnow()
            ShopProfile.update(**columns).where(ShopProfile.id == profile.id).execute()
            if "name" in fields and fields["name"] != tenancy.get(shop_id).name:
                tenancy.rename(shop_id, fields["name"])
            for key in stored:
                db.on_commit(lambda key=key: tasks.make_thumbnail(key, tenant_id=shop_id))
    except BaseException:
        uploads.remove_now(stored)
        raise
    return ShopProfile.select().get()
