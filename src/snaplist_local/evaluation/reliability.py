"""A reliability diagram as a PNG: confidence on x, observed accuracy on y, one bar per bin.

Drawn with Pillow so the evaluation needs no plotting library. Bars on the diagonal mean the
model is right as often as it claims; bars below it mean over-confidence.
"""

from collections.abc import Mapping, Sequence
from pathlib import Path

from PIL import Image, ImageDraw

from snaplist_local.evaluation.metrics import CalibrationBin

SIZE, MARGIN = 480, 56
COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]


def draw_reliability(
    series: Mapping[str, Sequence[CalibrationBin]], path: Path, title: str = "Reliability"
) -> Path:
    """One panel; each series (a provider) gets its own bar colour, side by side in each bin."""
    image = Image.new("RGB", (SIZE, SIZE), "white")
    draw = ImageDraw.Draw(image)
    plot = SIZE - 2 * MARGIN

    def to_xy(confidence: float, accuracy: float) -> tuple[float, float]:
        return MARGIN + confidence * plot, SIZE - MARGIN - accuracy * plot

    draw.rectangle([MARGIN, MARGIN, SIZE - MARGIN, SIZE - MARGIN], outline="black")
    draw.line([to_xy(0, 0), to_xy(1, 1)], fill="#999999", width=1)
    for tick in range(0, 11, 2):
        x, y = to_xy(tick / 10, tick / 10)
        draw.text((x - 8, SIZE - MARGIN + 6), f"{tick / 10:.1f}", fill="black")
        draw.text((MARGIN - 30, y - 6), f"{tick / 10:.1f}", fill="black")
    draw.text((MARGIN, 16), title, fill="black")
    draw.text((SIZE // 2 - 40, SIZE - 22), "confidence", fill="black")
    draw.text((6, MARGIN - 22), "accuracy", fill="black")

    names = list(series)
    for number, name in enumerate(names):
        colour = COLOURS[number % len(COLOURS)]
        draw.text((MARGIN + 8, MARGIN + 8 + 14 * number), name, fill=colour)
        for bin_ in series[name]:
            if not bin_.count or bin_.accuracy is None:
                continue
            width = (bin_.upper - bin_.lower) / len(names)
            left = bin_.lower + width * number
            x0, y0 = to_xy(left, bin_.accuracy)
            x1, y1 = to_xy(left + width, 0)
            draw.rectangle([x0 + 1, y0, x1 - 1, y1], fill=colour)

    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="PNG")
    return path
