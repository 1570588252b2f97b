"""The platform's default logo images, drawn once into public storage so logo URLs always resolve."""

import io

from PIL import Image, ImageDraw, ImageFont

from kernel import storage

# (width, height, background, text colour) per storage key the settings name.
LOGOS = {
    "platform/app-logo.png": (512, 512, "#EE456B", "#FFFFFF"),
    "platform/web-logo.png": (640, 160, "#FFFFFF", "#EE456B"),
    "platform/footer-logo.png": (640, 160, "#1F2937", "#FFFFFF"),
}


def draw(text: str, width: int, height: int, background: str, foreground: str) -> bytes:
    """Return a PNG with ``text`` centred on a plain background."""
    image = Image.new("RGB", (width, height), background)
    canvas = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=height // 4 if width == height else height // 2)
    left, top, right, bottom = canvas.textbbox((0, 0), text, font=font)
    position = ((width - (right - left)) / 2 - left, (height - (bottom - top)) / 2 - top)
    canvas.text(position, text, fill=foreground, font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def ensure_logos(app_name: str) -> list[str]:
    """Draw each default logo that storage lacks; return the keys written."""
    backend = storage.backend()
    written = []
    for key, (width, height, background, foreground) in LOGOS.items():
        if not backend.exists(key):
            backend.put(key, draw(app_name, width, height, background, foreground), content_type="image/png")
            written.append(key)
    return written
