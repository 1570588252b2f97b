"""A product's images and video: checked before the transaction, stored inside it, thumbnailed after it."""

from dataclasses import dataclass

from kernel import db, storage, uploads
from plugins.catalog.models import Product, ProductImage

PREFIX = "products"


@dataclass(frozen=True)
class ProductFiles:
    """The checked uploads of one product request."""

    thumbnail: uploads.CheckedUpload | None = None
    images: tuple = ()
    video: uploads.CheckedUpload | None = None


def files_from(body: dict) -> ProductFiles:
    """Check the request's files by their content (``UploadRejected`` for the first bad one)."""
    return ProductFiles(
        thumbnail=uploads.check_field("thumbnail", body.get("thumbnail"), "image"),
        images=tuple(uploads.check_field("additionThumbnail", f, "image") for f in body.get("additionThumbnail") or ()),
        video=uploads.check_field("video", body.get("video"), "video"),
    )


def attach(product: Product, files: ProductFiles, shop_id: int, stored: list) -> None:
    """Store the files for a product inside its transaction; ``stored`` collects keys for cleanup.

    A new thumbnail or video replaces the old one (whose bytes are given back);
    new images join the end of the gallery. Thumbnails of the new images are
    made by a task after commit.
    """
    from plugins.catalog import tasks

    new_images = []
    if files.thumbnail is not None:
        key = uploads.store(files.thumbnail, PREFIX, shop_id)
        stored.append(key)
        uploads.discard([product.thumbnail], shop_id)
        Product.update(thumbnail=key).where(Product.id == product.id).execute()
        product.thumbnail = key
        new_images.append(key)
    if files.video is not None:
        key = uploads.store(files.video, PREFIX, shop_id)
        stored.append(key)
        if product.video_type == "file":
            uploads.discard([product.video], shop_id)
        Product.update(video=key, video_type="file").where(Product.id == product.id).execute()
        product.video, product.video_type = key, "file"
    if files.images:
        last = ProductImage.select(ProductImage.sort_order).where(ProductImage.product == product.id).order_by(
            ProductImage.sort_order.desc()).scalar() or 0
        rows = []
        for offset, image in enumerate(files.images, start=1):
            key = uploads.store(image, PREFIX, shop_id)
            stored.append(key)
            new_images.append(key)
            rows.append({"product": product.id, "key": key, "sort_order": last + offset})
        ProductImage.insert_many(rows).execute()
    for key in new_images:
        db.on_commit(lambda key=key: tasks.make_thumbnail(key, tenant_id=shop_id))


def keep_only(product: Product, image_ids: set[int], shop_id: int) -> None:
    """Remove the product's gallery images whose ids are not in ``image_ids``."""
    kept = ProductImage.id.not_in(list(image_ids) or [0])
    doomed = list(ProductImage.select().where((ProductImage.product == product.id) & kept))
    if doomed:
        ProductImage.delete().where(ProductImage.id.in_([image.id for image in doomed])).execute()
        uploads.discard([image.key for image in doomed], shop_id)


def keys_of(product: Product) -> list[str]:
    """Every stored object a product owns: its thumbnail, an uploaded video and its gallery."""
    keys = [product.thumbnail] if product.thumbnail else []
    if product.video and product.video_type == "file":
        keys.append(product.video)
    keys.extend(image.key for image in ProductImage.select(ProductImage.key).where(ProductImage.product == product.id))
    return keys


def video_url(product: Product) -> str | None:
    """The product's video: an absolute URL for an uploaded file, else the stored embed snippet."""
    if not product.video:
        return None
    return storage.backend().url(product.video) if product.video_type == "file" else product.video
