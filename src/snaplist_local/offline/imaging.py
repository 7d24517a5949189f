"""Turn the data URLs of a chat request into upright RGB photos."""

import base64
import binascii
import io
import re

from PIL import Image, ImageOps, UnidentifiedImageError

# Decoding a 12 MP JPEG at full size costs ~0.5 s; no model here needs more than this.
DECODE_MAX_SIDE = 1600

_DATA_URL = re.compile(r"^data:(?P<mime>image/[\w.+-]+)?(?P<params>(;[\w-]+=[\w.-]+)*);base64,")


class BadImage(ValueError):
    """The image part of a request is not a decodable data URL."""


def register_formats() -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()


def decode_data_url(url: str) -> Image.Image:
    match = _DATA_URL.match(url)
    if match is None:
        raise BadImage("image_url.url must be a base64 data URL (data:image/...;base64,...)")

    try:
        data = base64.b64decode(url[match.end() :], validate=True)
    except (binascii.Error, ValueError) as error:
        raise BadImage("image_url.url holds invalid base64") from error

    return decode_image(data)


def decode_image(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        # For JPEG, draft() lets the decoder scale down by 2/4/8 while decoding: much faster.
        image.draft("RGB", (DECODE_MAX_SIDE, DECODE_MAX_SIDE))
        upright = ImageOps.exif_transpose(image) or image
        if upright.mode == "P" and "transparency" in upright.info:
            upright = upright.convert("RGBA")
        rgb = upright.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise BadImage(f"image could not be decoded: {type(error).__name__}") from error

    if rgb.width < 8 or rgb.height < 8:
        raise BadImage("image is too small to read (under 8 px)")
    rgb.thumbnail((DECODE_MAX_SIDE, DECODE_MAX_SIDE), Image.Resampling.BILINEAR)
    return rgb
