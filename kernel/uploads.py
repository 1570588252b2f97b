"""The one upload checker, and storing checked uploads against a shop's storage allowance.

What a file is comes from its bytes, never from the name or content type the
client sent: images are decoded by Pillow (JPEG, PNG, GIF, WebP), videos and
documents are recognised by their magic numbers. Limits follow SPEC.md
section 10. Image decompression bombs (a small file that decodes to billions
of pixels) are refused from the header, before any pixel is decoded.
"""

import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, UnidentifiedImageError

from kernel import db, plans, storage

MB = 1024 * 1024

# Largest accepted size per kind of upload, in bytes.
LIMITS = {
    "image": 5 * MB,
    "logo": 2 * MB,
    "avatar": 2 * MB,
    "video": 50 * MB,
    "document": 5 * MB,
    "digital": 100 * MB,
}
IMAGE_KINDS = frozenset({"image", "logo", "avatar"})

# An image may decode to at most this many pixels (all frames together); well
# under Pillow's own bomb threshold, so Pillow's warning never fires for an
# accepted image.
MAX_PIXELS = 40_000_000

IMAGE_FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}

STORAGE_METRIC = "storage_bytes"

# Pillow only warns between its threshold and twice that; make it an error for
# the whole process (a process-wide filter, unlike catch_warnings, is thread-safe).
warnings.filterwarnings("error", category=Image.DecompressionBombWarning)


class UploadRejected(Exception):
    """An upload that cannot be accepted; ``status`` is 413 (too large) or 422 (not what it claims).

    ``field`` names the request field it came in, when known, so the answer can point at it.
    """

    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


@dataclass(frozen=True)
class CheckedUpload:
    """An upload whose content was recognised: what it is and how to store it."""

    kind: str
    extension: str
    content_type: str
    width: int | None
    height: int | None
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def check(data: bytes, kind: str) -> CheckedUpload:
    """Recognise ``data`` as an upload of ``kind`` or raise ``UploadRejected``.

    Args:
        data: the uploaded bytes.
        kind: ``image``, ``logo``, ``avatar``, ``video``, ``document`` or ``digital``.
    """
    limit = LIMITS[kind]
    if len(data) > limit:
        raise UploadRejected(413, f"The file is larger than {limit // MB} MB.")
    if not data:
        raise UploadRejected(422, "The file is empty.")
    if kind in IMAGE_KINDS:
        return _image(data, kind)
    if kind == "video":
        return _video(data) or _refuse("The file must be an MP4, MOV or WebM video.")
    if kind == "document":
        return _pdf(data, kind) or _refuse("The file must be a PDF document.")
    found = _pdf(data, kind) or _zip(data) or _video(data, kind)
    if found is None:
        try:
            found = _image(data, kind)
        except UploadRejected:
            found = None
    return found or _refuse("The file must be a PDF, a ZIP archive, an image or a video.")


def check_field(field: str, upload, kind: str) -> CheckedUpload | None:
    """``check`` for one optional form field: None when absent, refusals naming the field."""
    if upload is None:
        return None
    try:
        return check(upload.data, kind)
    except UploadRejected as exc:
        raise UploadRejected(exc.status, exc.message, field) from None


def _refuse(message: str):
    raise UploadRejected(422, message)


def _image(data: bytes, kind: str) -> CheckedUpload:
    problem = "The file must be a JPEG, PNG, GIF or WebP image."
    try:
        with Image.open(BytesIO(data)) as image:
            if image.format not in IMAGE_FORMATS:
                raise UploadRejected(422, problem)
            frames = getattr(image, "n_frames", 1)
            if image.width * image.height * frames > MAX_PIXELS:
                raise UploadRejected(422, "The image has too many pixels.")
            image.load()
            extension, content_type = IMAGE_FORMATS[image.format]
            return CheckedUpload(kind, extension, content_type, image.width, image.height, data)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadRejected(422, "The image has too many pixels.") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise UploadRejected(422, problem) from None


def _video(data: bytes, kind: str = "video") -> CheckedUpload | None:
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand == b"qt  ":
            return CheckedUpload(kind, "mov", "video/quicktime", None, None, data)
        return CheckedUpload(kind, "mp4", "video/mp4", None, None, data)
    if data[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in data[:64]:
        return CheckedUpload(kind, "webm", "video/webm", None, None, data)
    return None


def _pdf(data: bytes, kind: str) -> CheckedUpload | None:
    if data[:5] == b"%PDF-":
        return CheckedUpload(kind, "pdf", "application/pdf", None, None, data)
    return None


def _zip(data: bytes) -> CheckedUpload | None:
    if data[:4] == b"PK\x03\x04":
        return CheckedUpload("digital", "zip", "application/zip", None, None, data)
    return None


def store(upload: CheckedUpload, prefix: str, tenant_id: int | None, private: bool = False, key: str | None = None) -> str:
    """Store a checked upload, counting its bytes against the tenant's storage allowance.

    Call it inside the transaction of the change that references the object: a
    rollback gives the bytes back (the caller removes the orphaned object with
    :func:`remove_now`). Raises ``kernel.plans.LimitExceeded`` over the allowance.
    """
    if tenant_id is not None:
        plans.take(tenant_id, STORAGE_METRIC, upload.size)
    key = key or storage.new_key(prefix, upload.extension)
    storage.backend().put(key, upload.data, content_type=upload.content_type, private=private)
    return key


def thumbnail_key(key: str) -> str:
    """The deterministic key of a source image's thumbnail (one per source, so making it is idempotent)."""
    stem = key.rsplit(".", 1)[0]
    return f"thumbs/{stem}.webp"


def discard(keys, tenant_id: int | None, private: bool = False) -> None:
    """Forget stored objects (and their thumbnails) inside the current transaction.

    The tenant gets the bytes back now; the objects are deleted after commit, so
    a rollback leaves them in place for the rows that still name them.
    """
    backend = storage.backend()
    doomed = []
    for key in keys:
        if not key:
            continue
        for each in (key, thumbnail_key(key)):
            size = backend.size(each, private=private)
            if size is None:
                continue
            doomed.append(each)
            if tenant_id is not None:
                plans.release(tenant_id, STORAGE_METRIC, size)
    db.on_commit(lambda: remove_now(doomed, private=private))


def remove_now(keys, private: bool = False) -> None:
    """Delete objects at once (cleanup of uploads whose transaction rolled back)."""
    backend = storage.backend()
    for key in keys:
        backend.delete(key, private=private)
