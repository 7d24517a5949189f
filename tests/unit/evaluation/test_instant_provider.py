"""The instant provider answers a schema-shaped reply over real loopback HTTP."""

import base64
import io
import json

import requests
from PIL import Image

from snaplist.domain.models import ProductType
from snaplist.domain.paths import prompts_dir, taxonomy_dir
from snaplist.domain.prompts import VisionPromptBuilder
from snaplist.domain.taxonomy import load_taxonomy
from snaplist_local.evaluation.instant_provider import FIXED_TITLE, InstantProvider


def data_url(width: int, height: int) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "grey").save(buffer, format="JPEG")
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()


def body(schema: dict, name: str, image: str) -> dict:
    return {
        "model": "snaplist-instant",
        "messages": [
            {"role": "system", "content": "x" * 400},
            {"role": "user", "content": [{"type": "image_url", "image_url": {"url": image}}]},
        ],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": name, "strict": True, "schema": schema},
        },
    }


def test_given_an_extraction_schema_when_asked_then_every_field_has_an_allowed_value():
    builder = VisionPromptBuilder(prompts_dir(), load_taxonomy(taxonomy_dir()))
    schema = builder.extraction_schema(ProductType.WATCH)

    with InstantProvider() as provider:
        response = requests.post(
            f"{provider.base_url}/chat/completions",
            json=body(schema, "snaplist_extraction", data_url(560, 280)),
            timeout=10,
        )

    assert provider.base_url.startswith("http://127.0.0.1:")
    reply = response.json()
    fields = json.loads(reply["choices"][0]["message"]["content"])
    assert set(fields) == set(schema["properties"])
    movement_enum = schema["properties"]["movement"]["properties"]["value"]["enum"]
    assert fields["movement"]["value"] == movement_enum[0]
    materials = schema["properties"]["materials"]["properties"]["value"]["items"]["enum"]
    assert fields["materials"]["value"] == [materials[0]]
    assert fields["title"] == {"value": FIXED_TITLE, "confidence": 0.9, "suggestion": None}
    assert set(fields["dimensions_cm"]["value"]) == {"length", "width", "height"}
    # 560 x 280 px is 20 x 10 patches of 28 px, plus 2 tokens around the image; 400 chars / 4.
    assert reply["usage"]["prompt_tokens"] == 20 * 10 + 2 + 100
    assert reply["usage"]["completion_tokens"] > 0


def test_given_a_classification_schema_when_asked_then_the_first_type_comes_back():
    builder = VisionPromptBuilder(prompts_dir(), load_taxonomy(taxonomy_dir()))
    schema = builder.classification_schema()

    with InstantProvider() as provider:
        reply = requests.post(
            f"{provider.base_url}/chat/completions",
            json=body(schema, "snaplist_classification", data_url(56, 56)),
            timeout=10,
        ).json()

    content = json.loads(reply["choices"][0]["message"]["content"])
    assert content == {
        "product_type": schema["properties"]["product_type"]["enum"][0],
        "confidence": 0.9,
    }
