"""The offline model speaks the OpenAI chat-completions protocol over real HTTP on loopback."""

import base64
import io
import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from PIL import Image

from snaplist_local.offline.evaluation import (
    PRODUCT_TYPES,
    classification_request,
    extraction_request,
)
from snaplist_local.offline.server import ServerHandle, ensure_running
from tests.offline.conftest import SAMPLES

pytestmark = pytest.mark.offline_model


def png_bytes(color: tuple[int, int, int] = (200, 30, 30), size: int = 64) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), color).save(out, "PNG")
    return out.getvalue()


def post(server: ServerHandle, payload: object) -> requests.Response:
    return requests.post(f"{server.base_url}/chat/completions", json=payload, timeout=60)


def test_given_a_running_server_when_health_and_models_are_read_then_both_name_the_model(
    offline_server: ServerHandle,
) -> None:
    root = offline_server.base_url.removesuffix("/v1")

    health = requests.get(f"{root}/health", timeout=5)
    models = requests.get(f"{offline_server.base_url}/models", timeout=5)

    assert health.status_code == 200
    assert health.json()["model"] == "snaplist-offline-1"
    assert [entry["id"] for entry in models.json()["data"]] == ["snaplist-offline-1"]


def test_given_a_classification_request_when_posted_then_reply_is_a_chat_completion(
    offline_server: ServerHandle,
) -> None:
    photo = ("image/jpeg", (SAMPLES / "watch" / "watch-seiko-srpa49k1.jpg").read_bytes())

    response = post(offline_server, classification_request([photo]))

    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "chat.completion"
    assert body["model"] == "snaplist-offline-1"
    assert body["choices"][0]["finish_reason"] == "stop"
    usage = body["usage"]
    assert usage["prompt_tokens"] > 85
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    answer = json.loads(body["choices"][0]["message"]["content"])
    assert answer["product_type"] == "watch"
    assert 0.7 <= answer["confidence"] <= 1.0


def test_given_a_narrowed_enum_when_classifying_then_only_allowed_types_are_answered(
    offline_server: ServerHandle,
) -> None:
    photo = ("image/jpeg", (SAMPLES / "watch" / "watch-seiko-srpa49k1.jpg").read_bytes())
    payload = classification_request([photo])
    schema = payload["response_format"]["json_schema"]["schema"]
    schema["properties"]["product_type"]["enum"] = ["book", "generic"]

    answer = json.loads(post(offline_server, payload).json()["choices"][0]["message"]["content"])

    assert answer["product_type"] in ("book", "generic")


def test_given_no_response_format_when_posted_then_400_says_json_schema_is_required(
    offline_server: ServerHandle,
) -> None:
    payload = classification_request([("image/png", png_bytes())])
    del payload["response_format"]

    response = post(offline_server, payload)

    assert response.status_code == 400
    assert "json_schema" in response.json()["error"]["message"]
    assert response.json()["error"]["type"] == "invalid_request_error"


@pytest.mark.parametrize(
    ("url", "phrase"),
    [
        ("https://example.invalid/photo.jpg", "data URL"),
        ("data:image/png;base64,@@not-base64@@", "base64"),
        ("data:image/png;base64," + base64.b64encode(b"not an image at all").decode(), "decoded"),
    ],
)
def test_given_a_bad_image_url_when_posted_then_400_names_the_problem(
    offline_server: ServerHandle, url: str, phrase: str
) -> None:
    payload = classification_request([("image/png", png_bytes())])
    payload["messages"][1]["content"][1]["image_url"]["url"] = url

    response = post(offline_server, payload)

    assert response.status_code == 400
    assert phrase in response.json()["error"]["message"]


def test_given_a_body_that_is_not_json_when_posted_then_400(offline_server: ServerHandle) -> None:
    response = requests.post(
        f"{offline_server.base_url}/chat/completions", data=b"{not json", timeout=10
    )

    assert response.status_code == 400


def test_given_an_unknown_path_when_requested_then_404(offline_server: ServerHandle) -> None:
    response = requests.post(f"{offline_server.base_url}/embeddings", json={}, timeout=5)

    assert response.status_code == 404
    assert "error" in response.json()


def test_given_an_extraction_request_when_posted_then_every_requested_field_comes_back(
    offline_server: ServerHandle,
) -> None:
    photo = ("image/png", (SAMPLES / "book" / "book-barcode-isbn-penguin.png").read_bytes())
    payload = extraction_request("book", [photo])
    requested = set(payload["response_format"]["json_schema"]["schema"]["properties"])

    response = post(offline_server, payload)

    fields = json.loads(response.json()["choices"][0]["message"]["content"])
    assert set(fields) == requested
    assert fields["isbn"]["value"] == "9780140013993"
    assert fields["isbn"]["confidence"] >= 0.9
    assert fields["condition"]["value"] is None
    assert fields["condition"]["confidence"] <= 0.3
    assert "condition" in fields["condition"]["suggestion"]


def test_given_the_same_photo_twice_when_extracting_then_the_answer_is_as_for_one(
    offline_server: ServerHandle,
) -> None:
    photo = ("image/jpeg", (SAMPLES / "book" / "book-cover-wizard-of-oz.jpg").read_bytes())

    once = post(offline_server, extraction_request("book", [photo])).json()
    twice = post(offline_server, extraction_request("book", [photo, photo])).json()

    read = [json.loads(reply["choices"][0]["message"]["content"]) for reply in (once, twice)]
    assert read[1]["title"] == read[0]["title"]
    assert read[1]["title"]["value"]


def test_given_concurrent_requests_when_posted_then_each_gets_its_own_answer(
    offline_server: ServerHandle,
) -> None:
    files = ["watch/watch-seiko-srpa49k1.jpg", "furniture/furniture-rocking-chair.jpg"] * 2
    payloads = [classification_request([("image/jpeg", (SAMPLES / f).read_bytes())]) for f in files]

    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(lambda p: post(offline_server, p), payloads))

    types = [
        json.loads(r.json()["choices"][0]["message"]["content"])["product_type"] for r in responses
    ]
    assert types == ["watch", "furniture", "watch", "furniture"]


def test_given_a_healthy_server_on_a_port_when_ensure_running_then_it_is_reused(
    offline_server: ServerHandle,
) -> None:
    reused = ensure_running(offline_server.port)

    assert reused.base_url == offline_server.base_url
    assert reused.owned is False
    reused.stop()
    assert requests.get(offline_server.base_url.removesuffix("/v1") + "/health", timeout=5).ok


def test_given_the_product_types_when_listed_then_they_match_the_contract() -> None:
    assert PRODUCT_TYPES == (
        "book",
        "artwork",
        "jewellery",
        "watch",
        "furniture",
        "electronics",
        "generic",
    )
