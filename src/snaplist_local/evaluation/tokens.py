"""Image tokens as a Qwen-VL server counts them, from the size of the image it receives.

Qwen-VL resizes each image so both sides are multiples of the patch side (28 px for Qwen2.5-VL:
14 px patches merged 2x2; 32 px for Qwen3-VL), keeping the pixel count within
[min_pixels, max_pixels], then spends one token per patch. The defaults are the published
preprocessor defaults of Qwen2.5-VL; servers may cap max_pixels lower.
"""

import base64
import binascii
import io
import math
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

QWEN_PATCH_SIDE = 28
QWEN_MIN_PIXELS = 56 * 56
QWEN_MAX_PIXELS = 12_845_056
# Each image is wrapped in a vision-start and a vision-end token.
QWEN_TOKENS_AROUND_IMAGE = 2
# Limitation: text tokens are estimated at four characters each; no tokenizer ships offline.
CHARS_PER_TOKEN = 4


@dataclass(frozen=True)
class QwenRule:
    patch_side: int = QWEN_PATCH_SIDE
    min_pixels: int = QWEN_MIN_PIXELS
    max_pixels: int = QWEN_MAX_PIXELS

    def resized(self, width: int, height: int) -> tuple[int, int]:
        """The size the server resizes to: sides on the patch grid, pixels within bounds."""
        side = self.patch_side
        new_w = max(side, round(width / side) * side)
        new_h = max(side, round(height / side) * side)
        if new_w * new_h > self.max_pixels:
            shrink = math.sqrt(width * height / self.max_pixels)
            new_w = max(side, math.floor(width / shrink / side) * side)
            new_h = max(side, math.floor(height / shrink / side) * side)
        elif new_w * new_h < self.min_pixels:
            grow = math.sqrt(self.min_pixels / (width * height))
            new_w = math.ceil(width * grow / side) * side
            new_h = math.ceil(height * grow / side) * side
        return new_w, new_h

    def image_tokens(self, width: int, height: int) -> int:
        new_w, new_h = self.resized(width, height)
        return (new_w // self.patch_side) * (new_h // self.patch_side) + QWEN_TOKENS_AROUND_IMAGE


def text_tokens(text: str) -> int:
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def data_url_size(url: str) -> tuple[int, int] | None:
    """Width and height of a base64 data URL's image, read from its header only."""
    _, _, payload = url.partition("base64,")
    try:
        with Image.open(io.BytesIO(base64.b64decode(payload, validate=False))) as image:
            return image.size
    except (binascii.Error, UnidentifiedImageError, OSError, ValueError):
        return None
