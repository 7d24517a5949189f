"""Photos in any common format out as upright, metadata-free JPEGs sized to a pixel budget.

The format is sniffed from the bytes, never from a file name or content type. Re-encoding from
pixels drops EXIF (GPS included), XMP and ICC data: nothing but the picture reaches the provider.
"""

import base64
import io
import math
import warnings

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

from snaplist.domain.errors import UnsupportedImage
from snaplist.domain.models import PixelBudget, PreparedImage

pillow_heif.register_heif_opener()

# Larger than any phone camera; beyond it a file is more likely a decompression bomb.
MAX_SOURCE_PIXELS = 80_000_000
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
PILLOW_FORMATS = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "gif": "GIF", "heif": "HEIF"}
ROTATING_ORIENTATIONS = {5, 6, 7, 8}
EXIF_ORIENTATION_TAG = 0x0112


def sniff_format(data: bytes) -> str | None:
    """jpeg, png, webp, gif or heif from the leading bytes; None for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[4:8] == b"ftyp" and _heif_brands(data) & HEIF_BRANDS:
        return "heif"
    return None


def prepare_image(data: bytes, budget: PixelBudget) -> PreparedImage:
    source_format = sniff_format(data)
    if not data:
        raise UnsupportedImage("the file is empty")
    if source_format is None:
        raise UnsupportedImage("not a JPEG, PNG, WebP, HEIC/HEIF or GIF image")

    image = _open(data, source_format)
    source_width, source_height = _upright_size(image)
    if source_width == 0 or source_height == 0:
        raise UnsupportedImage("the image has no pixels")
    if source_width * source_height > MAX_SOURCE_PIXELS:
        raise UnsupportedImage(f"{source_width}x{source_height} is more pixels than any photo")

    width, height = target_size(source_width, source_height, budget)
    if source_format == "jpeg":
        # Decode at a reduced scale straight away: a 12 MP photo never fills memory in full.
        scale = max(width / source_width, height / source_height)
        image.draft("RGB", (math.ceil(image.width * scale), math.ceil(image.height * scale)))

    # Limitation: HEIF has no reduced-scale decode; a 12 MP HEIC takes ~0.4-0.8 s here.
    pixels = _decode(image)
    canvas = _fit(pixels, width, height, budget.max_aspect_ratio)
    jpeg = _encode(canvas, budget.jpeg_quality)
    return PreparedImage(
        data_url="data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii"),
        width=canvas.width,
        height=canvas.height,
        jpeg_bytes=len(jpeg),
        source_format=source_format,
        source_width=source_width,
        source_height=source_height,
    )


def target_size(width: int, height: int, budget: PixelBudget) -> tuple[int, int]:
    """The final canvas size: aspect ratio capped, within max_pixels, sides at least min_side."""
    long_side, short_side = max(width, height), min(width, height)
    # An extreme strip is padded, not cropped, up to the allowed aspect ratio.
    # Limitation: a very long strip therefore arrives thin; cropping could lose the item itself.
    short_side = max(short_side, math.ceil(long_side / budget.max_aspect_ratio))
    scale = min(1.0, math.sqrt(budget.max_pixels / (long_side * short_side)))
    scale = max(scale, budget.min_side / short_side)
    long_px = _align(long_side * scale, budget)
    short_px = _align(short_side * scale, budget)
    while long_px * short_px > budget.max_pixels and long_px > budget.min_side:
        long_px -= budget.side_multiple
    return (long_px, short_px) if width >= height else (short_px, long_px)


def _align(side: float, budget: PixelBudget) -> int:
    multiple = budget.side_multiple
    aligned = max(multiple, int(side) // multiple * multiple)
    return max(aligned, math.ceil(budget.min_side / multiple) * multiple)


def _open(data: bytes, source_format: str) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[source_format]])
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise UnsupportedImage(f"the {source_format} data cannot be read ({error})") from error
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UnsupportedImage("the image has far more pixels than any photo") from error


def _upright_size(image: Image.Image) -> tuple[int, int]:
    orientation = image.getexif().get(EXIF_ORIENTATION_TAG, 1)
    if orientation in ROTATING_ORIENTATIONS:
        return image.height, image.width
    return image.width, image.height


def _decode(image: Image.Image) -> Image.Image:
    """Pixels in RGB, upright, transparency flattened onto white (the first frame of a GIF)."""
    try:
        image.seek(0)
        upright = ImageOps.exif_transpose(image)
        if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
            rgba = upright.convert("RGBA")
            flat = Image.new("RGB", rgba.size, "white")
            flat.paste(rgba, mask=rgba.getchannel("A"))
            return flat
        return upright.convert("RGB")
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise UnsupportedImage(f"the image data is truncated or corrupt ({error})") from error


def _fit(pixels: Image.Image, width: int, height: int, max_aspect_ratio: float) -> Image.Image:
    """Scale to width x height; a strip beyond the aspect cap is centred on white padding."""
    ratio = max(pixels.size) / min(pixels.size)
    if ratio <= max_aspect_ratio:
        # Side alignment may stretch by under one patch: cheaper for the model than padding.
        return pixels.resize((width, height), Image.Resampling.LANCZOS)
    scale = min(width / pixels.width, height / pixels.height)
    inner = (max(1, round(pixels.width * scale)), max(1, round(pixels.height * scale)))
    resized = pixels.resize(inner, Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", (width, height), "white")
    canvas.paste(resized, ((width - inner[0]) // 2, (height - inner[1]) // 2))
    return canvas


def _encode(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    # No exif=, no icc_profile=: the JPEG carries pixels only.
    # Limitation: wide-gamut (Display P3) photos lose their profile, so colours shift slightly;
    # converting to sRGB first would need ImageCms and a profile on every platform.
    image.save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


def _heif_brands(data: bytes) -> set[bytes]:
    box_size = int.from_bytes(data[0:4], "big")
    header = data[8 : min(max(box_size, 16), 64)]
    brands = {header[0:4]}
    brands.update(header[i : i + 4] for i in range(8, len(header) - 3, 4))
    return brands
