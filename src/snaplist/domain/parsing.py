"""Reading model replies the way small models really write them.

JSON may sit inside ```json fences, after a <think> block, or after a line of prose. A reply cut
off by the token limit, a refusal, a reply with no JSON or with JSON that breaks the schema each
raise a named error; nothing here invents a value. A value outside the allowed list is kept only
when it matches exactly up to case and spacing; otherwise it is dropped with a suggestion.
"""

import json
import math
import re
from typing import Any

from snaplist.domain.errors import ModelOutputInvalid, ModelOutputTruncated, ModelRefused
from snaplist.domain.fields import FORBIDDEN_FIELDS, FieldKind, FieldSpec, fields_for
from snaplist.domain.models import FieldValue, ProductType
from snaplist.domain.provider import ChatResult
from snaplist.domain.taxonomy import Taxonomy, normalise_term

# Limitation: refusals are recognised by English openings only; other languages read as prose.
FENCED = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)
REFUSAL = re.compile(
    r"^\W*(?:i'?m sorry|i am sorry|sorry\b|unfortunately\b|as an ai\b"
    r"|i (?:cannot|can ?not|can't|won't|will not|am unable|am not able|'m unable|'m not able)"
    r"|i must decline)",
    re.IGNORECASE,
)
DIMENSION_KEYS = ("length", "width", "height")
TRUE_WORDS = {"true", "yes"}
FALSE_WORDS = {"false", "no"}


def reply_object(result: ChatResult, max_tokens: int | None = None) -> dict[str, Any]:
    """The one JSON object of a reply, or the named error that says why there is none."""
    if result.finish_reason == "length":
        raise ModelOutputTruncated(max_tokens)
    if result.refusal:
        raise ModelRefused(result.refusal)

    text = strip_thinking(result.content)
    found = find_json_object(text)
    if found is None:
        if looks_like_refusal(text):
            raise ModelRefused(text.strip())
        raise ModelOutputInvalid("the reply holds no JSON object")
    return found


def strip_thinking(text: str) -> str:
    if "</think>" in text:
        return text.rsplit("</think>", 1)[1]
    if "<think>" in text:
        # An unclosed think block is all reasoning: nothing after it is an answer.
        return text.split("<think>", 1)[0]
    return text


def find_json_object(text: str) -> dict[str, Any] | None:
    """The first JSON object in fences, else the first `{` that starts a whole JSON object."""
    for block in FENCED.findall(text):
        try:
            value = json.loads(block)
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    decoder = json.JSONDecoder()
    for match in re.finditer(r"\{", text):
        try:
            value, _ = decoder.raw_decode(text, match.start())
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return None


def looks_like_refusal(text: str) -> bool:
    return bool(REFUSAL.match(text.strip()))


def parse_classification(result: ChatResult, max_tokens: int) -> tuple[ProductType, float]:
    reply = reply_object(result, max_tokens)
    raw_type = reply.get("product_type")
    if not isinstance(raw_type, str):
        raise ModelOutputInvalid("product_type is missing or not a string")
    wanted = normalise_term(raw_type)
    product_type = next((t for t in ProductType if t.value == wanted), None)
    if product_type is None:
        raise ModelOutputInvalid(f"product_type {raw_type!r} is not an allowed product type")
    return product_type, _confidence(reply.get("confidence"), "confidence")


def parse_extraction(
    result: ChatResult, product_type: ProductType, taxonomy: Taxonomy, max_tokens: int
) -> dict[str, FieldValue]:
    """Every requested field, checked against its kind; forbidden extras are kept to be stripped."""
    reply = reply_object(result, max_tokens)
    specs = fields_for(product_type)
    missing = [spec.name for spec in specs if spec.name not in reply]
    if missing:
        raise ModelOutputInvalid(f"fields missing from the reply: {', '.join(missing)}")

    fields = {spec.name: _field(spec, reply[spec.name], product_type, taxonomy) for spec in specs}
    title = fields["title"].value
    if isinstance(title, str) and looks_like_refusal(title):
        raise ModelRefused(title)
    for name in sorted(FORBIDDEN_FIELDS & set(reply)):
        raw = reply[name]
        fields[name] = FieldValue(value=raw.get("value") if isinstance(raw, dict) else raw)
    return fields


def _field(spec: FieldSpec, raw: Any, product_type: ProductType, taxonomy: Taxonomy) -> FieldValue:
    if not isinstance(raw, dict) or "value" not in raw:
        raise ModelOutputInvalid(f"{spec.name}: expected an object with value and confidence")
    confidence = _confidence(raw.get("confidence"), f"{spec.name}.confidence")
    suggestion = raw.get("suggestion")
    if suggestion is not None and not isinstance(suggestion, str):
        raise ModelOutputInvalid(f"{spec.name}.suggestion: expected text or null")
    field = FieldValue(value=None, confidence=confidence, suggestion=suggestion or None)
    value = raw["value"]
    if value is None:
        return field

    if spec.kind is FieldKind.ENUM:
        return _enum(spec, value, field, product_type, taxonomy)
    if spec.kind is FieldKind.ENUM_LIST:
        return _enum_list(spec, value, field, product_type, taxonomy)
    return field.model_copy(update={"value": _plain(spec, value)})


def _enum(
    spec: FieldSpec, value: Any, field: FieldValue, product_type: ProductType, taxonomy: Taxonomy
) -> FieldValue:
    if not isinstance(value, str):
        raise ModelOutputInvalid(f"{spec.name}: expected one allowed value as text")
    if not value.strip():
        return field
    slug = taxonomy.match(_vocabulary(spec), product_type, value)
    if slug is None:
        return FieldValue(value=None, confidence=0.0, suggestion=_not_allowed(spec, [value]))
    return field.model_copy(update={"value": slug})


def _enum_list(
    spec: FieldSpec, value: Any, field: FieldValue, product_type: ProductType, taxonomy: Taxonomy
) -> FieldValue:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ModelOutputInvalid(f"{spec.name}: expected a list of allowed values")
    kept: list[str] = []
    rejected: list[str] = []
    for item in items:
        slug = taxonomy.match(_vocabulary(spec), product_type, item) if item.strip() else None
        if slug is None:
            rejected.append(item)
        elif slug not in kept:
            kept.append(slug)
    if not rejected:
        return field.model_copy(update={"value": kept})
    suggestion = _not_allowed(spec, rejected)
    confidence = field.confidence if kept else 0.0
    return FieldValue(value=kept, confidence=confidence, suggestion=suggestion)


def _plain(spec: FieldSpec, value: Any) -> Any:
    if spec.kind is FieldKind.TEXT:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ModelOutputInvalid(f"{spec.name}: expected text")
        text = str(value).strip()
        return text or None
    if spec.kind is FieldKind.NUMBER:
        return _number(value, spec.name)
    if spec.kind is FieldKind.BOOLEAN:
        if isinstance(value, bool):
            return value
        word = value.strip().lower() if isinstance(value, str) else None
        if word in TRUE_WORDS | FALSE_WORDS:
            return word in TRUE_WORDS
        raise ModelOutputInvalid(f"{spec.name}: expected true or false")
    if not isinstance(value, dict):
        raise ModelOutputInvalid(f"{spec.name}: expected length, width and height")
    sides = {key: value.get(key) for key in DIMENSION_KEYS}
    return {
        key: None if side is None else _number(side, f"{spec.name}.{key}")
        for key, side in sides.items()
    }


def _number(value: Any, name: str) -> float:
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError as error:
            raise ModelOutputInvalid(f"{name}: expected a number, got {value!r}") from error
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ModelOutputInvalid(f"{name}: expected a number")
    if value < 0:
        raise ModelOutputInvalid(f"{name}: must not be negative")
    return float(value)


def _confidence(value: Any, name: str) -> float:
    number = _number(value, name) if value is not None else None
    if number is None or number > 1:
        raise ModelOutputInvalid(f"{name}: expected a number from 0 to 1")
    return number


def _vocabulary(spec: FieldSpec) -> str:
    assert spec.vocabulary is not None, f"{spec.name} is an enum field without a vocabulary"
    return spec.vocabulary


def _not_allowed(spec: FieldSpec, values: list[str]) -> str:
    shown = ", ".join(repr(value.strip()) for value in values)
    return f"the model suggested {shown}, which is not an allowed {spec.name} value"
