"""Shared fixtures: the embedded stack from template.yaml and a scripted model on loopback.

The provider answers classification and extraction requests from separate scripts, told apart by
the JSON schema name the request carries, so many listings can run at once in any order.
"""

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from snaplist.domain.fields import FieldKind, fields_for
from snaplist.domain.models import ProductType
from snaplist_local.stack import EmbeddedStack, StackOptions
from snaplist_local.stack.listing import ListingWatcher, Photo, submit_listing
from tests.support.scripted_provider import Reply, ScriptedProvider, chat_reply, json_reply

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLES = REPO_ROOT / ".." / "shared" / "samples"
CLASSIFICATION = "snaplist_classification"
EXTRACTION = "snaplist_extraction"

# Values for the book fields, taken from the taxonomy's vocabularies.
_BOOK_VALUES: dict[str, Any] = {
    "title": "The Wizard of Oz",
    "maker": "L. Frank Baum",
    "category": "fiction",
    "condition": "very_good",
    "materials": ["paper"],
    "year": "1970s",
    "price": 12.5,
    "currency": "EUR",
    "dimensions_cm": {"length": 18.0, "width": 11.0, "height": 2.0},
    "weight_kg": 0.25,
    "tags": ["vintage"],
    "description": "A paperback edition with light wear on the cover.",
    "language": "en",
    "format": "paperback",
    "isbn": None,
}


def classification_reply(product_type: str = "book", confidence: float = 0.93) -> Reply:
    return json_reply({"product_type": product_type, "confidence": confidence})


def book_extraction_reply(confidence: float = 0.9) -> Reply:
    """A complete, valid extraction for a book: every requested field, in the wire format."""
    fields: dict[str, Any] = {}
    for spec in fields_for(ProductType.BOOK):
        value = _BOOK_VALUES[spec.name]
        fields[spec.name] = {
            "value": value,
            "confidence": confidence if value is not None else 0.1,
            "suggestion": None if value is not None else "not visible on the photos",
        }
        if spec.kind is FieldKind.NUMBER and value is not None:
            fields[spec.name]["value"] = float(value)
    return json_reply(fields, tokens=(900, 150))


def chat_reply_never_json() -> Reply:
    return chat_reply("What a lovely old book! It looks like a paperback from the seventies.")


class PipelineProvider(ScriptedProvider):
    """A ScriptedProvider with one script per request kind (classification / extraction)."""

    def __init__(self) -> None:
        super().__init__()
        self._scripts: dict[str, list[Reply]] = {CLASSIFICATION: [], EXTRACTION: []}

    def script_classify(self, *replies: Reply) -> "PipelineProvider":
        with self._lock:
            self._scripts[CLASSIFICATION] = list(replies)
        return self

    def script_extract(self, *replies: Reply) -> "PipelineProvider":
        with self._lock:
            self._scripts[EXTRACTION] = list(replies)
        return self

    def next_reply(self, request: dict[str, Any]) -> Reply:
        kind = request_kind(request)
        with self._lock:
            self.requests.append(request)
            script = self._scripts.get(kind) or []
            if not script:
                return Reply(status=500, body={"error": {"message": f"no {kind} reply scripted"}})
            return script.pop(0) if len(script) > 1 else script[0]

    def requests_of(self, kind: str) -> list[dict[str, Any]]:
        return [request for request in self if request_kind(request) == kind]


def request_kind(request: dict[str, Any]) -> str:
    response_format = request["body"].get("response_format") or {}
    return str((response_format.get("json_schema") or {}).get("name", "unknown"))


@pytest.fixture
def provider() -> Iterator[PipelineProvider]:
    with PipelineProvider() as scripted:
        scripted.script_classify(classification_reply())
        scripted.script_extract(book_extraction_reply())
        yield scripted


def provider_environment(provider: ScriptedProvider, **extra: str) -> dict[str, str]:
    """What a developer exports to point snaplist at their own OpenAI-compatible server."""
    return {
        "SNAPLIST_PROVIDER": "custom",
        "SNAPLIST_BASE_URL": provider.base_url,
        "SNAPLIST_MODEL": "scripted-vl",
        # The scripted model reads nothing, but the schema name tells the two request kinds apart.
        "SNAPLIST_RESPONSE_FORMAT": "json_schema",
        "SNAPLIST_INPUT_USD_PER_MILLION": "0.2",
        "SNAPLIST_OUTPUT_USD_PER_MILLION": "0.6",
        **extra,
    }


StackFactory = Callable[..., EmbeddedStack]


@pytest.fixture
def start_stack(provider: PipelineProvider) -> Iterator[StackFactory]:
    """Start an embedded stack from the real template; extra keywords become handler env."""
    started: list[EmbeddedStack] = []

    def start(**environment: str) -> EmbeddedStack:
        options = StackOptions(
            parameter_overrides={"ApiKeyParameterName": ""},
            environment=provider_environment(provider, **environment),
        )
        stack = EmbeddedStack(options).start()
        started.append(stack)
        return stack

    yield start
    for stack in reversed(started):
        stack.stop()


@pytest.fixture
def stack(start_stack: StackFactory) -> EmbeddedStack:
    return start_stack()


def jpeg_photo(filename: str = "photo.jpg", colour: tuple[int, int, int] = (180, 40, 40)) -> Photo:
    """A real JPEG made with Pillow: a coloured card with a darker band across it."""
    image = Image.new("RGB", (640, 480), colour)
    band = Image.new("RGB", (640, 120), tuple(channel // 2 for channel in colour))
    image.paste(band, (0, 180))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return Photo(filename, buffer.getvalue())


def sample_photo(relative: str) -> Photo:
    path = SAMPLES / relative
    return Photo(path.name, path.read_bytes())


def run_listing(
    stack: EmbeddedStack, photos: list[Photo], timeout_seconds: float = 30.0
) -> dict[str, Any]:
    """Upload the photos as one listing and wait until it is READY or FAILED."""
    _, watcher = submit_listing(stack, photos)
    return watcher.wait(timeout_seconds)


def executions(stack: EmbeddedStack) -> list[dict[str, Any]]:
    client = stack.client("stepfunctions")
    machine = stack.physical_id("ListingStateMachine")
    return list(client.list_executions(stateMachineArn=machine)["executions"])


def execution_input(stack: EmbeddedStack, execution_arn: str) -> dict[str, Any]:
    described = stack.client("stepfunctions").describe_execution(executionArn=execution_arn)
    return dict(json.loads(described["input"]))


def watch(stack: EmbeddedStack, listing_id: str) -> ListingWatcher:
    return ListingWatcher(stack, listing_id)
