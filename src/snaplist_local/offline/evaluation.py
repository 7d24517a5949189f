"""Measure the offline model over the sample photos, through real HTTP like the pipeline.

Requests are built the way docs/contracts.md describes (system prompt, one text part and one
data-URL image per photo, a `response_format` JSON schema). Used by benchmarks/offline_model.py
and by the tests in tests/offline/, so the figures in docs/offline-model.md and the asserted
floors come from the same code.
"""

import base64
import csv
import io
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from PIL import Image, ImageOps

from snaplist.domain.images import prepare_image
from snaplist.domain.models import PixelBudget
from snaplist.domain.providers import VisionSettings, offline_settings
from snaplist_local.offline.answers import normalise_isbn
from snaplist_local.offline.brands import find_makers, normalise
from snaplist_local.offline.imaging import register_formats

CONFIDENCE_THRESHOLD = 0.7
# How photos are sent: "budgets" as the pipeline's VisionService does (a small photo to classify,
# a larger one to extract), "1568" resized to that longest side for both, "original" as stored.
SIZINGS = ("budgets", "1568", "original")
PIPELINE_MAX_SIDE = 1568
PRODUCT_TYPES = ("book", "artwork", "jewellery", "watch", "furniture", "electronics", "generic")
MIME = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".heic": "image/heic"}

# Small allowed-value lists, shaped like the taxonomy's, so the requests carry enums.
ENUMS: dict[str, list[str]] = {
    "condition": ["new", "like_new", "good", "fair", "poor"],
    "currency": ["DKK", "EUR", "SEK", "NOK", "USD", "GBP"],
    "materials": ["steel", "gold", "silver", "leather", "wood", "plastic", "glass", "paper"],
    "tags": ["vintage", "collectible", "handmade", "designer", "gift"],
    "language": ["da", "en", "sv", "nb", "fi", "de", "nl", "fr", "es", "it", "pt", "ja", "zh"],
    "format": ["hardcover", "paperback", "mass_market", "box_set"],
    "movement": ["automatic", "manual", "quartz", "solar", "kinetic", "digital", "smart"],
    "medium": ["oil", "acrylic", "watercolour", "print", "photograph", "drawing"],
    "style": ["mid_century", "scandinavian", "antique", "industrial", "modern"],
    "stone": ["none", "diamond", "pearl", "ruby", "sapphire", "emerald", "crystal"],
    "category": [
        "fiction",
        "non_fiction",
        "wristwatch",
        "pocket_watch",
        "chair",
        "table",
        "phone",
        "computer",
        "camera",
        "necklace",
        "earrings",
        "painting",
        "other",
    ],
}
COMMON = [
    "title",
    "maker",
    "category",
    "condition",
    "materials",
    "year",
    "price",
    "currency",
    "dimensions_cm",
    "weight_kg",
    "tags",
    "description",
]
PER_TYPE = {
    "book": ["language", "format", "isbn"],
    "watch": ["model", "movement"],
    "artwork": ["medium", "signed"],
    "electronics": ["model"],
    "furniture": ["style"],
    "jewellery": ["stone"],
    "generic": [],
}
KINDS = {"price": "number", "weight_kg": "number", "signed": "boolean"}
_STOP = {"the", "and", "for", "with", "per", "sku", "sample", "filename", "visible"}


def value_schema(name: str) -> dict[str, Any]:
    if name in ("materials", "tags"):
        return {"type": ["array", "null"], "items": {"type": "string", "enum": ENUMS[name]}}
    if name in ENUMS:
        return {"type": ["string", "null"], "enum": [*ENUMS[name], None]}
    if name == "dimensions_cm":
        sides = {side: {"type": "number"} for side in ("length", "width", "height")}
        return {"type": ["object", "null"], "properties": sides}
    return {"type": [KINDS.get(name, "string"), "null"]}


def extraction_schema(product_type: str) -> dict[str, Any]:
    fields = COMMON + PER_TYPE[product_type]
    properties = {
        name: {
            "type": "object",
            "properties": {
                "value": value_schema(name),
                "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                "suggestion": {"type": ["string", "null"]},
            },
            "required": ["value", "confidence", "suggestion"],
            "additionalProperties": False,
        }
        for name in fields
    }
    return {
        "type": "object",
        "properties": properties,
        "required": fields,
        "additionalProperties": False,
    }


def classification_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "product_type": {"type": "string", "enum": list(PRODUCT_TYPES)},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        },
        "required": ["product_type", "confidence"],
        "additionalProperties": False,
    }


def chat_request(
    name: str, schema: dict[str, Any], prompt: str, photos: list[tuple[str, bytes]]
) -> dict[str, Any]:
    content: list[dict[str, Any]] = []
    for number, (mime, data) in enumerate(photos, start=1):
        content.append({"type": "text", "text": f"Photo {number} of {len(photos)} of one item."})
        url = f"data:{mime};base64,{base64.b64encode(data).decode()}"
        content.append({"type": "image_url", "image_url": {"url": url, "detail": "low"}})
    return {
        "model": "snaplist-offline-1",
        "temperature": 0,
        "max_tokens": 1200,
        "messages": [{"role": "system", "content": prompt}, {"role": "user", "content": content}],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": name, "strict": True, "schema": schema},
        },
    }


def classification_request(photos: list[tuple[str, bytes]]) -> dict[str, Any]:
    prompt = "Classify the item in the photos. Product types: " + ", ".join(PRODUCT_TYPES)
    return chat_request("snaplist_classification", classification_schema(), prompt, photos)


def extraction_request(product_type: str, photos: list[tuple[str, bytes]]) -> dict[str, Any]:
    prompt = f"Extract the listing fields of this {product_type}. Reply with JSON only."
    return chat_request("snaplist_extraction", extraction_schema(product_type), prompt, photos)


def pipeline_sized(data: bytes, max_side: int = PIPELINE_MAX_SIDE) -> tuple[str, bytes]:
    """The photo as the pipeline sends it: upright, longest side <= max_side, JPEG."""
    register_formats()
    image = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return "image/jpeg", out.getvalue()


def budgeted(data: bytes, budget: PixelBudget) -> tuple[str, bytes]:
    """The photo prepared as VisionService prepares it for the offline provider."""
    capabilities = offline_settings(0).capabilities
    budget = budget.model_copy(
        update={
            "max_pixels": min(budget.max_pixels, capabilities.max_pixels),
            "side_multiple": capabilities.side_multiple,
        }
    )
    prepared = prepare_image(data, budget)
    return "image/jpeg", base64.b64decode(prepared.data_url.split(",", 1)[1])


def sized_photos(data: bytes, file: str, sizing: str) -> tuple[tuple[str, bytes], ...]:
    """(photo to classify, photo to extract from) as `sizing` sends them."""
    if sizing == "budgets":
        settings = VisionSettings()
        return budgeted(data, settings.classify_budget), budgeted(data, settings.extract_budget)
    if sizing == "1568":
        photo = pipeline_sized(data)
        return photo, photo
    if sizing == "original":
        photo = (MIME[Path(file).suffix.lower()], data)
        return photo, photo
    raise ValueError(f"unknown sizing {sizing!r}; use one of {', '.join(SIZINGS)}")


@dataclass
class SampleResult:
    file: str
    expected_type: str
    visible_text: str
    status: int
    product_type: str | None = None
    confidence: float = 0.0
    fields: dict[str, Any] = field(default_factory=dict)
    classify_ms: float = 0.0
    extract_ms: float = 0.0
    error: str | None = None

    @property
    def effective_type(self) -> str:
        if self.product_type is None or self.confidence < CONFIDENCE_THRESHOLD:
            return "generic"
        return self.product_type

    def value(self, name: str) -> Any:
        return (self.fields.get(name) or {}).get("value")


def load_manifest(samples: Path) -> list[dict[str, str]]:
    with (samples / "MANIFEST.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def expected_type(row: dict[str, str]) -> str:
    kind = row["product_type"]
    return "generic" if kind in ("bad", "other") else kind


def post(base_url: str, payload: dict[str, Any]) -> tuple[int, Any, float]:
    started = time.perf_counter()
    response = requests.post(f"{base_url}/chat/completions", json=payload, timeout=60)
    elapsed_ms = (time.perf_counter() - started) * 1000
    return response.status_code, response.json(), elapsed_ms


def content_of(body: Any) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(body["choices"][0]["message"]["content"])
    return parsed


def run_sample(
    base_url: str, samples: Path, row: dict[str, str], sizing: str = "budgets"
) -> SampleResult:
    data = (samples / row["file"]).read_bytes()
    to_classify, to_extract = sized_photos(data, row["file"], sizing)
    result = SampleResult(row["file"], expected_type(row), row["visible_text"], 0)

    status, body, result.classify_ms = post(base_url, classification_request([to_classify]))
    result.status = status
    if status != 200:
        result.error = body.get("error", {}).get("message", "no message")
        return result
    answer = content_of(body)
    result.product_type, result.confidence = answer["product_type"], answer["confidence"]

    status, body, result.extract_ms = post(
        base_url, extraction_request(result.effective_type, [to_extract])
    )
    result.status = status
    if status == 200:
        result.fields = content_of(body)
    else:
        result.error = body.get("error", {}).get("message", "no message")
    return result


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]{3,}", text.lower()) if w not in _STOP}


def title_hit(result: SampleResult) -> bool:
    title = result.value("title")
    return bool(title) and bool(_words(str(title)) & _words(result.visible_text))


def expected_makers(result: SampleResult) -> list[str]:
    return find_makers(re.findall(r"[\w&'-]+", result.visible_text))


def brand_hit(result: SampleResult) -> bool:
    maker = result.value("maker")
    return bool(maker) and normalise(str(maker)) in {normalise(m) for m in expected_makers(result)}


def expected_isbn(result: SampleResult) -> str | None:
    match = re.search(r"(?:EAN|ISBN 13:) (97[89][\d-]{10,14})", result.visible_text)
    return normalise_isbn(match.group(1)) if match else None


@dataclass
class Summary:
    photos: int
    answered: int
    type_correct: int
    title_rows: int
    title_hits: int
    brand_rows: int
    brand_hits: int
    isbn_rows: int
    isbn_hits: int

    @property
    def type_accuracy(self) -> float:
        return self.type_correct / max(1, self.photos)

    @property
    def title_rate(self) -> float:
        return self.title_hits / max(1, self.title_rows)

    @property
    def brand_rate(self) -> float:
        return self.brand_hits / max(1, self.brand_rows)


def summarise(results: list[SampleResult]) -> Summary:
    # Title and brand count only on real items (not bad/) whose visible_text is given.
    items = [r for r in results if r.visible_text and not r.file.startswith("bad/")]
    branded = [r for r in items if expected_makers(r)]
    with_isbn = [r for r in items if expected_isbn(r)]
    return Summary(
        photos=len(results),
        answered=sum(r.status == 200 for r in results),
        type_correct=sum(r.effective_type == r.expected_type for r in results),
        title_rows=len(items),
        title_hits=sum(title_hit(r) for r in items),
        brand_rows=len(branded),
        brand_hits=sum(brand_hit(r) for r in branded),
        isbn_rows=len(with_isbn),
        isbn_hits=sum(r.value("isbn") == expected_isbn(r) for r in with_isbn),
    )
