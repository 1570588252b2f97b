"""Banners: the marketplace's own, and each shop's on its storefront; their management."""

from kernel import db, uploads
from plugins.catalog.payloads import DEFAULT_SHOP_BANNER, image_url
from plugins.content.models import PlatformBanner, ShopBanner


def banner_payload(banner) -> dict:
    """``Banner`` (FLUTTER_CONTRACT.md section 3.3) plus the link the web uses."""
    return {
        "id": banner.id,
        "title": banner.title or "",
        "thumbnail": image_url(banner.thumbnail, DEFAULT_SHOP_BANNER),
        "link": banner.link,
    }


def platform_banners() -> list[dict]:
    rows = PlatformBanner.select().where(PlatformBanner.is_active == True)  # noqa: E712
    return [banner_payload(b) for b in rows.order_by(PlatformBanner.sort_order, PlatformBanner.id)]


def shop_banners(shop_id: int) -> list[dict]:
    """A shop's active banners, readable from any storefront."""
    rows = ShopBanner.across_tenants().where(
        ShopBanner.tenant_id == shop_id, ShopBanner.is_active == True  # noqa: E712
    )
    return [banner_payload(b) for b in rows.order_by(ShopBanner.sort_order, ShopBanner.id)]


def storefront_banners(tenant) -> list[dict]:
    """The marketplace shows the platform's banners; a shop's own host shows the shop's."""
    return platform_banners() if tenant is None else shop_banners(tenant.id)


# -- management: the platform's banners by administrators, a shop's by its sellers ----------------


def managed_payload(banner) -> dict:
    """A banner as its manager sees it: the app's keys plus order and visibility."""
    return {**banner_payload(banner), "sort_order": banner.sort_order, "is_active": banner.is_active}


def _prefix(tenant_id: int | None) -> str:
    return "content/banners" if tenant_id is None else f"content/shops/{tenant_id}"


def _checked(upload) -> uploads.CheckedUpload:
    """The banner image recognised by its content (``UploadRejected`` when too large or not an image)."""
    return uploads.check(upload.data, "image")


def managed_banners(model) -> list[dict]:
    """Every banner of the platform (``PlatformBanner``) or of the shop in context (``ShopBanner``)."""
    return [managed_payload(b) for b in model.select().order_by(model.sort_order, model.id)]


def find_managed(model, banner_id: int):
    """A banner the caller manages (a shop's query is scoped to its own rows), or None."""
    return model.select().where(model.id == banner_id).first()


def create_banner(model, data: dict, tenant_id: int | None):
    """Store the image (counted against the shop's storage) and the banner in one transaction."""
    fields = dict(data)
    image = _checked(fields.pop("thumbnail"))
    key = None
    try:
        with db.transaction():
            key = uploads.store(image, _prefix(tenant_id), tenant_id)
            return model.create(thumbnail=key, **fields)
    except Exception:
        if key is not None:
            uploads.remove_now([key])
        raise


def update_banner(banner, data: dict, tenant_id: int | None):
    """Change a banner's fields; a new image replaces the old one, whose bytes are given back.

    The new image is removed again when the change rolls back (over the storage allowance, say).
    """
    fields = dict(data)
    upload = fields.pop("thumbnail", None)
    image = _checked(upload) if upload is not None else None
    key = None
    try:
        with db.transaction():
            if image is not None:
                key = uploads.store(image, _prefix(tenant_id), tenant_id)
                uploads.discard([banner.thumbnail], tenant_id)
                banner.thumbnail = key
            for name, value in fields.items():
                setattr(banner, name, value)
            banner.save()
    except Exception:
        if key is not None:
            uploads.remove_now([key])
        raise
    return banner


def delete_banner(banner, tenant_id: int | None) -> None:
    with db.transaction():
        uploads.discard([banner.thumbnail], tenant_id)
        banner.delete_instance()
