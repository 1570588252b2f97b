"""The catalog's background work: thumbnails of product images.

A thumbnail's key is derived from its source image's key, so the task is
idempotent: a retry or a second delivery finds the thumbnail and stops.
"""

import logging
from io import BytesIO

from PIL import Image, ImageOps

from kernel import context, db, plans, storage, uploads
from kernel.queue import tenant_task

log = logging.getLogger("qutecat.catalog")

THUMBNAIL_SIZE = (300, 300)


def render_thumbnail(data: bytes) -> bytes:
    """A WebP of at most 300x300 pixels keeping the aspect ratio (first frame of an animation)."""
    with Image.open(BytesIO(data)) as image:
        picture = ImageOps.exif_transpose(image)
        picture.thumbnail(THUMBNAIL_SIZE)
        if picture.mode not in ("RGB", "RGBA"):
            picture = picture.convert("RGBA")
        out = BytesIO()
        picture.save(out, "WEBP", quality=82)
        return out.getvalue()


@tenant_task(retries=2, retry_delay=10)
def make_thumbnail(key: str) -> str | None:
    """Make the thumbnail of a stored image once; returns its key (None when the source is gone).

    The thumbnail's bytes count against the shop's storage; a shop over its
    allowance keeps its full-size image without a thumbnail.
    """
    backend = storage.backend()
    target = uploads.thumbnail_key(key)
    if backend.exists(target):
        return target
    if not backend.exists(key):
        return None
    thumbnail = render_thumbnail(backend.get(key))
    tenant_id = context.tenant_id()
    try:
        with db.transaction():
            if tenant_id is not None:
                plans.take(tenant_id, uploads.STORAGE_METRIC, len(thumbnail))
            backend.put(target, thumbnail, content_type="image/webp")
    except plans.LimitExceeded:
        log.info("no thumbnail for %s: shop %s is over its storage allowance", key, tenant_id)
        return None
    return target
