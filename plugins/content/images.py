"""Demo images drawn locally with Pillow (no downloads): a colour field with a title."""

import io

from PIL import Image, ImageDraw, ImageFont

from kernel import storage

BANNER_SIZE = (1200, 500)
BLOG_SIZE = (800, 500)


def draw(title: str, size: tuple[int, int], background: str, foreground: str = "#FFFFFF") -> bytes:
    """A JPEG with ``title`` centred, its font shrunk until the title fits 80% of the width."""
    width, height = size
    image = Image.new("RGB", size, background)
    canvas = ImageDraw.Draw(image)
    canvas.rectangle((0, height - height // 12, width, height), fill=foreground)
    font_size = height // 6
    while True:
        font = ImageFont.load_default(size=font_size)
        left, top, right, bottom = canvas.textbbox((0, 0), title, font=font)
        if right - left <= width * 0.8 or font_size <= 12:
            break
        font_size -= 4
    position = ((width - (right - left)) / 2 - left, (height - (bottom - top)) / 2 - top)
    canvas.text(position, title, fill=foreground, font=font)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def ensure_image(key: str, title: str, size: tuple[int, int], background: str) -> str:
    """Store the drawn image under ``key`` unless storage has it already; return the key."""
    backend = storage.backend()
    if not backend.exists(key):
        backend.put(key, draw(title, size, background), content_type="image/jpeg")
    return key
