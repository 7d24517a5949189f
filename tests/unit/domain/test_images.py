"""Image preparation: any common photo in, an upright, metadata-free JPEG within budget out."""

import base64
import csv
import io
import math
import re
from pathlib import Path

import pytest
from PIL import Image
from tests.unit.domain.conftest import SAMPLES
from tests.unit.domain.support import (
    BLUE,
    RED,
    animated_gif,
    decode,
    encode,
    heic,
    jpeg_rotated_with_gps,
    noisy_photo,
    png_with_alpha,
    two_tone,
)

from snaplist.domain import PROVIDERS, PixelBudget, UnsupportedImage, prepare_image, sniff_format

BUDGET = PixelBudget(max_pixels=1024 * 1024, min_side=56, max_aspect_ratio=4.0)


def near(colour: tuple[int, ...], expected: tuple[int, int, int], tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour[:3], expected, strict=True))


def test_given_jpeg_stored_sideways_when_prepared_then_the_model_sees_it_upright() -> None:
    prepared = prepare_image(jpeg_rotated_with_gps(400, 300), BUDGET)

    picture = decode(prepared)
    assert (prepared.width, prepared.height) == (300, 400)
    # Orientation 6 turns the stored image clockwise: its left (red) half ends up on top.
    assert near(picture.getpixel((150, 50)), RED)
    assert near(picture.getpixel((150, 350)), BLUE)


def test_given_jpeg_with_gps_when_prepared_then_no_metadata_is_sent() -> None:
    original = jpeg_rotated_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)

    prepared = prepare_image(original, BUDGET)

    picture = decode(prepared)
    assert dict(picture.getexif()) == {}
    assert "icc_profile" not in picture.info
    raw = base64.b64decode(prepared.data_url.split(",", 1)[1])
    assert b"Exif" not in raw and b"SnapCam" not in raw


def test_given_png_with_alpha_when_prepared_then_transparency_becomes_white() -> None:
    prepared = prepare_image(png_with_alpha(200, 200), BUDGET)

    picture = decode(prepared)
    assert picture.mode == "RGB"
    assert near(picture.getpixel((20, 100)), (255, 255, 255))
    assert near(picture.getpixel((180, 100)), BLUE)


def test_given_heic_when_prepared_then_it_is_sent_as_jpeg() -> None:
    prepared = prepare_image(heic(320, 240), BUDGET)

    assert prepared.source_format == "heif"
    assert prepared.data_url.startswith("data:image/jpeg;base64,")
    assert near(decode(prepared).getpixel((40, 120)), RED)


def test_given_animated_gif_when_prepared_then_the_first_frame_is_used() -> None:
    prepared = prepare_image(animated_gif(), BUDGET)

    assert prepared.source_format == "gif"
    assert near(decode(prepared).getpixel((60, 45)), RED)


def test_given_webp_when_prepared_then_format_is_sniffed_from_bytes() -> None:
    prepared = prepare_image(encode(two_tone(300, 200), "WEBP"), BUDGET)

    assert prepared.source_format == "webp"


def test_given_png_named_jpg_when_read_then_the_bytes_decide_the_format(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(encode(two_tone(100, 80), "PNG"))

    assert sniff_format(path.read_bytes()) == "png"
    assert prepare_image(path.read_bytes(), BUDGET).source_format == "png"


def test_given_20px_thumbnail_when_prepared_then_it_is_raised_to_the_minimum_side() -> None:
    prepared = prepare_image(encode(two_tone(20, 20), "PNG"), BUDGET)

    assert min(prepared.width, prepared.height) >= BUDGET.min_side


def test_given_600x15000_strip_when_prepared_then_aspect_and_pixels_are_capped() -> None:
    strip = encode(two_tone(600, 15000), "PNG")

    prepared = prepare_image(strip, BUDGET)

    assert max(prepared.width, prepared.height) / min(prepared.width, prepared.height) <= 4.0
    assert prepared.width * prepared.height <= BUDGET.max_pixels
    assert prepared.height > prepared.width
    # The strip is padded, not cropped: white beside it, its colours still inside.
    picture = decode(prepared)
    assert near(picture.getpixel((2, prepared.height // 2)), (255, 255, 255))
    centre = prepared.width // 2
    assert near(picture.getpixel((centre - 5, prepared.height // 2)), RED)
    assert near(picture.getpixel((centre + 5, prepared.height // 2)), BLUE)


@pytest.mark.parametrize("name", sorted(PROVIDERS))
def test_given_12mp_photo_when_prepared_then_it_fits_each_providers_budget(name: str) -> None:
    capabilities = PROVIDERS[name].capabilities
    budget = BUDGET.model_copy(
        update={
            "max_pixels": min(BUDGET.max_pixels, capabilities.max_pixels),
            "side_multiple": capabilities.side_multiple,
        }
    )

    prepared = prepare_image(noisy_photo(4000, 3000), budget)

    assert prepared.width * prepared.height <= capabilities.max_pixels
    assert prepared.width % capabilities.side_multiple == 0
    assert prepared.height % capabilities.side_multiple == 0
    assert math.isclose(prepared.width / prepared.height, 4 / 3, rel_tol=0.05)
    assert len(prepared.data_url) < capabilities.max_request_bytes / 4


def test_given_smaller_classification_budget_then_the_image_is_smaller() -> None:
    photo = noisy_photo(4000, 3000)
    small = PixelBudget(max_pixels=448 * 448)

    assert prepare_image(photo, small).jpeg_bytes < prepare_image(photo, BUDGET).jpeg_bytes
    assert prepare_image(photo, small).width * prepare_image(photo, small).height <= 448 * 448


def test_given_text_file_named_jpg_when_prepared_then_unsupported_image_says_why() -> None:
    with pytest.raises(UnsupportedImage, match="not a JPEG, PNG, WebP, HEIC/HEIF or GIF"):
        prepare_image(b"shopping list: eggs, milk\n", BUDGET)


def test_given_truncated_jpeg_when_prepared_then_unsupported_image_says_truncated() -> None:
    whole = noisy_photo(800, 600)

    with pytest.raises(UnsupportedImage, match="truncated"):
        prepare_image(whole[: len(whole) // 3], BUDGET)


def test_given_empty_bytes_when_prepared_then_unsupported_image() -> None:
    with pytest.raises(UnsupportedImage, match="empty"):
        prepare_image(b"", BUDGET)


def test_given_jpeg_header_only_when_prepared_then_unsupported_image() -> None:
    with pytest.raises(UnsupportedImage):
        prepare_image(b"\xff\xd8\xff\xe0" + b"\x00" * 20, BUDGET)


def manifest_rows() -> list[dict[str, str]]:
    with (SAMPLES / "MANIFEST.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("row", manifest_rows(), ids=lambda row: row["file"])
def test_given_sample_photo_when_prepared_then_it_is_upright_and_within_budget(
    row: dict[str, str],
) -> None:
    capabilities = PROVIDERS["siliconflow"].capabilities
    budget = BUDGET.model_copy(update={"side_multiple": capabilities.side_multiple})

    prepared = prepare_image((SAMPLES / row["file"]).read_bytes(), budget)

    assert prepared.width * prepared.height <= budget.max_pixels
    # The manifest lists the stored size and the EXIF orientation (HEIF sizes are upright already).
    width, height = int(row["width"]), int(row["height"])
    orientation = re.search(r"orientation (\d)", row["notes"])
    if orientation and int(orientation.group(1)) >= 5 and not row["file"].endswith(".heic"):
        width, height = height, width
    assert (prepared.width >= prepared.height) == (width >= height)
