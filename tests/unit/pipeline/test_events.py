"""Every file in events/ goes through its handler, so no sample event can go stale.

A file is named after its handler module, `<module>.json` or `<module>--<variant>.json`.
"""

import importlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.unit.pipeline.conftest import (
    EVENTS,
    LISTINGS,
    FakeContext,
    Stack,
    book_extraction_reply,
    classification_reply,
)

from snaplist.domain.errors import ProviderClientError

EVENT_FILES = sorted(EVENTS.glob("*.json"))


def _module(path: Path) -> str:
    return path.stem.split("--")[0]


def _check_classify(stack: Stack, event: dict[str, Any], result: dict[str, Any]) -> None:
    [photo] = result["photos"]
    assert photo["outcome"] == "classified" and photo["started_execution"]
    listing = stack.listing(photo["listing_id"])
    assert listing is not None and listing["status"] == "PROCESSING"


def _check_extract(stack: Stack, event: dict[str, Any], result: dict[str, Any]) -> None:
    assert result["extraction"]["product_type"] == event["product_type"]
    assert result["extraction"]["fields"]["title"]["value"] == "The Wonderful Wizard of Oz"
    assert result["extraction"]["usage"]["input_tokens"] == 1600
    assert len(json.dumps(result)) < 256 * 1024


def _check_validate(stack: Stack, event: dict[str, Any], result: dict[str, Any]) -> None:
    validated = result["validated"]
    assert validated["fields"]["title"]["tier"] == "green"
    assert "serial_number" in validated["stripped_fields"]
    assert validated["maker_id"]
    assert stack.dynamodb.Table("snaplist-dev-makers").scan()["Count"] == 1


def _check_store_draft(stack: Stack, event: dict[str, Any], result: dict[str, Any]) -> None:
    assert result["status"] == "READY"
    listing = stack.listing(event["listing_id"])
    assert listing is not None and listing["status"] == "READY"
    usage, extraction_usage = event["classify_usage"], event["extract"]["extraction"]["usage"]
    assert listing["tokens_in"] == usage["input_tokens"] + extraction_usage["input_tokens"]
    assert listing["timings_ms"] == {"classify": 840, "extract": 2310, "validate": 12}
    assert listing["fields"]["title"]["value"] == "The Wonderful Wizard of Oz"


def _check_record_failure(stack: Stack, event: dict[str, Any], result: dict[str, Any]) -> None:
    listing = stack.listing(event["listing_id"])
    assert listing is not None and listing["status"] == "FAILED"
    assert listing["error"] == event["Error"]
    assert listing["error_reason"] == result["reason"]
    assert "{" not in result["reason"]  # the message, not the raw JSON cause


def _check_classify_failure(stack: Stack, event: dict[str, Any], result: dict[str, Any]) -> None:
    assert result == {"batchItemFailures": []}
    listing = stack.listing("demo-listing")
    assert listing is not None
    assert (listing["status"], listing["error"]) == ("FAILED", "ProviderTransientError")
    assert listing["redrivable"] is True


CHECKS: dict[str, Callable[[Stack, dict[str, Any], dict[str, Any]], None]] = {
    "classify": _check_classify,
    "extract": _check_extract,
    "validate": _check_validate,
    "store_draft": _check_store_draft,
    "record_failure": _check_record_failure,
    "classify_failure": _check_classify_failure,
}


def _arrange(stack: Stack, module: str, event: dict[str, Any]) -> None:
    if module == "classify":
        stack.provider.script(classification_reply())
        for record in event["Records"]:
            from snaplist.pipeline.uploads import decode_event_key

            stack.put_photo(decode_event_key(record["s3"]["object"]["key"]))
    if module == "extract":
        stack.provider.script(book_extraction_reply())
        for key in event["photo_keys"]:
            stack.put_photo(key)
    if module == "store_draft":
        stack.dynamodb.Table(LISTINGS).put_item(
            Item={"listing_id": event["listing_id"], "status": "PROCESSING", "expected_photos": 1}
        )


def test_every_event_file_belongs_to_a_handler() -> None:
    assert EVENT_FILES, "events/ holds no sample events"
    assert {_module(path) for path in EVENT_FILES} == set(CHECKS)


@pytest.mark.parametrize("path", EVENT_FILES, ids=lambda path: path.name)
def test_given_a_sample_event_when_its_handler_runs_then_it_does_its_job(
    path: Path, stack: Stack, lambda_context: FakeContext
) -> None:
    module = _module(path)
    event = json.loads(path.read_text(encoding="utf-8"))
    _arrange(stack, module, event)
    handler = importlib.import_module(f"functions.{module}").handler

    result = handler(event, lambda_context)

    CHECKS[module](stack, event, result)


def test_given_a_failure_event_for_a_confirmed_listing_then_the_listing_is_untouched(
    stack: Stack, lambda_context: FakeContext
) -> None:
    stack.dynamodb.Table(LISTINGS).put_item(
        Item={"listing_id": "demo-listing", "status": "CONFIRMED"}
    )
    handler = importlib.import_module("functions.record_failure").handler
    event = json.loads((EVENTS / "record_failure.json").read_text())

    result = handler(event, lambda_context)

    assert result["recorded"] is False
    assert stack.listing("demo-listing")["status"] == "CONFIRMED"  # type: ignore[index]
    assert ProviderClientError.__name__ == event["Error"]
