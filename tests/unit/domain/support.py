"""Real image files made on the fly, and model replies shaped the way the domain expects."""

import base64
import io
from functools import cache
from typing import Any

import pillow_heif
from PIL import Image

from snaplist.domain import PreparedImage, ProductType, fields_for

pillow_heif.register_heif_opener()

RED = (220, 30, 30)
BLUE = (30, 30, 220)
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def two_tone(width: int, height: int) -> Image.Image:
    """Left half red, right half blue: shows which way a photo was turned."""
    image = Image.new("RGB", (width, height), BLUE)
    image.paste(RED, (0, 0, width // 2, height))
    return image


def encode(image: Image.Image, format: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def jpeg_rotated_with_gps(width: int = 400, height: int = 300) -> bytes:
    """A camera JPEG stored sideways (EXIF orientation 6) that says where it was taken."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "SnapCam"  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (55.0, 40.0, 30.0), 3: "E", 4: (12.0, 34.0, 5.0)})
    return encode(two_tone(width, height), "JPEG", exif=exif, quality=90)


def png_with_alpha(width: int = 200, height: int = 200) -> bytes:
    """Left half fully transparent, right half opaque blue."""
    image = Image.new("RGBA", (width, height), (*BLUE, 255))
    image.paste((0, 0, 0, 0), (0, 0, width // 2, height))
    return encode(image, "PNG")


def heic(width: int = 320, height: int = 240) -> bytes:
    return encode(two_tone(width, height), "HEIF", quality=80)


def animated_gif() -> bytes:
    first, second = Image.new("RGB", (120, 90), RED), Image.new("RGB", (120, 90), BLUE)
    return encode(first, "GIF", save_all=True, append_images=[second], duration=100, loop=0)


@cache
def noisy_photo(width: int, height: int) -> bytes:
    """A camera-sized JPEG with real detail, so its encoded size is realistic."""
    noise = Image.effect_noise((width, height), 60).convert("RGB")
    return encode(Image.blend(two_tone(width, height), noise, 0.3), "JPEG", quality=92)


def decode(prepared: PreparedImage) -> Image.Image:
    header, payload = prepared.data_url.split(",", 1)
    assert header == "data:image/jpeg;base64"
    return Image.open(io.BytesIO(base64.b64decode(payload)))


def image_parts(request: dict[str, Any]) -> list[dict[str, Any]]:
    content = request["body"]["messages"][1]["content"]
    return [part for part in content if part["type"] == "image_url"]


def field(value: Any, confidence: float = 0.9, suggestion: str | None = None) -> dict[str, Any]:
    return {"value": value, "confidence": confidence, "suggestion": suggestion}


def extraction_reply(product_type: ProductType, **overrides: dict[str, Any]) -> dict[str, Any]:
    """A complete, valid extraction reply: every field present, unseen ones null."""
    reply = {spec.name: field(None, 0.1, "not visible") for spec in fields_for(product_type)}
    reply.update(overrides)
    return reply
