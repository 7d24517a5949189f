"""The pipeline end to end: real template, real state machine, real handlers, a loopback model.

Retry waits are real time (Extract retries after 1 s, 2 s, 4 s), so only a few tests pay them.
"""

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from snaplist_local.stack import EmbeddedStack
from snaplist_local.stack.listing import (
    Photo,
    create_listing,
    new_listing_id,
    photo_key,
    submit_listing,
    upload_photos,
)
from tests.integration.conftest import (
    CLASSIFICATION,
    EXTRACTION,
    PipelineProvider,
    StackFactory,
    book_extraction_reply,
    chat_reply_never_json,
    execution_input,
    executions,
    jpeg_photo,
    run_listing,
    sample_photo,
    watch,
)
from tests.support.scripted_provider import Reply

pytestmark = pytest.mark.integration

TIERS = {"green", "yellow", "empty"}


def _assert_plain_json_numbers(value: Any) -> None:
    """Everything read back is JSON: no Decimal, no set, numbers as int or float."""
    assert json.loads(json.dumps(value)) == value


def test_given_a_sample_book_photo_when_uploaded_then_the_listing_is_ready_with_a_full_draft(
    stack: EmbeddedStack, provider: PipelineProvider
) -> None:
    record = run_listing(stack, [sample_photo("book/book-barcode-isbn-penguin.png")])

    assert record["status"] == "READY"
    assert record["product_type"] == "book"
    assert record["product_type_confidence"] == pytest.approx(0.93)
    assert record["fields"]["title"]["value"] == "The Wizard of Oz"
    for field in record["fields"].values():
        assert set(field) >= {"value", "confidence", "tier", "suggestion"}
        assert field["tier"] in TIERS
        assert isinstance(field["confidence"], int | float)
    assert record["fields"]["isbn"]["tier"] == "empty"
    assert record["maker_id"]
    assert record["tag_ids"] == ["tag-0001"]
    assert record["shipping"]["weight_kg"] == pytest.approx(0.25)
    assert record["model"]
    assert isinstance(record["tokens_in"], int) and record["tokens_in"] > 0
    assert isinstance(record["tokens_out"], int) and record["tokens_out"] > 0
    assert isinstance(record["cost_usd"], float) and record["cost_usd"] > 0
    assert set(record["timings_ms"]) >= {"classify", "extract", "validate"}
    _assert_plain_json_numbers(record)
    assert len(provider.requests_of(CLASSIFICATION)) == 1
    assert len(provider.requests_of(EXTRACTION)) == 1
    assert len(executions(stack)) == 1


def test_given_a_provider_failing_twice_with_503_when_extracting_then_ready_after_two_retries(
    stack: EmbeddedStack, provider: PipelineProvider
) -> None:
    unavailable = Reply(status=503, body={"error": {"message": "overloaded"}})
    provider.script_extract(unavailable, unavailable, book_extraction_reply())

    started = time.monotonic()
    record = run_listing(stack, [jpeg_photo()])

    assert record["status"] == "READY"
    assert len(provider.requests_of(EXTRACTION)) == 3
    # The state machine's waits (1 s, then 2 s) really happened.
    assert time.monotonic() - started >= 3.0


def test_given_a_provider_always_answering_503_when_retries_are_spent_then_failed_transient(
    stack: EmbeddedStack, provider: PipelineProvider
) -> None:
    provider.script_extract(Reply(status=503, body={"error": {"message": "overloaded"}}))

    started = time.monotonic()
    record = run_listing(stack, [jpeg_photo()])

    assert record["status"] == "FAILED"
    assert record["error"] == "ProviderTransientError"
    # One attempt and MaxAttempts 3 retries after 1 s, 2 s and 4 s.
    assert len(provider.requests_of(EXTRACTION)) == 4
    assert time.monotonic() - started >= 7.0


def test_given_a_provider_answering_400_when_extracting_then_failed_without_retry(
    stack: EmbeddedStack, provider: PipelineProvider
) -> None:
    provider.script_extract(Reply(status=400, body={"error": {"message": "bad image"}}))

    record = run_listing(stack, [jpeg_photo()])

    assert record["status"] == "FAILED"
    assert record["error"] == "ProviderClientError"
    assert record["error_reason"]
    assert len(provider.requests_of(EXTRACTION)) == 1


def test_given_a_model_that_never_answers_json_when_extracting_then_failed_model_output_invalid(
    stack: EmbeddedStack, provider: PipelineProvider
) -> None:
    provider.script_extract(chat_reply_never_json())

    record = run_listing(stack, [jpeg_photo()])

    assert record["status"] == "FAILED"
    assert record["error"] == "ModelOutputInvalid"
    # One attempt plus the bounded retry of the state machine, then it gives up.
    assert len(provider.requests_of(EXTRACTION)) == 2


def test_given_the_same_s3_record_delivered_twice_when_classified_then_one_execution_starts(
    stack: EmbeddedStack, provider: PipelineProvider
) -> None:
    listing_id, watcher = submit_listing(stack, [jpeg_photo()])
    assert stack.wait_idle()
    function_name, s3_event = stack.invoker.delivered[-1] if stack.invoker else ("", {})

    stack.client("lambda").invoke(
        FunctionName=function_name, InvocationType="Event", Payload=json.dumps(s3_event)
    )
    assert stack.wait_idle()
    record = watcher.wait(30)

    assert record["status"] == "READY"
    assert stack.invocations("ClassifyFunction") == 2
    assert len(executions(stack)) == 1
    assert list(record["photos"]) == [photo_key(listing_id, 1, "photo.jpg")]
    assert len(provider.requests_of(EXTRACTION)) == 1


def test_given_a_key_with_spaces_plus_and_accents_when_uploaded_then_it_is_decoded_and_ready(
    stack: EmbeddedStack,
) -> None:
    filename = "mon livre + été.jpg"

    listing_id, watcher = submit_listing(stack, [jpeg_photo(filename)])
    record = watcher.wait(30)

    assert record["status"] == "READY"
    assert list(record["photos"]) == [f"uploads/{listing_id}/1-{filename}"]
    _, event = stack.invoker.delivered[0] if stack.invoker else ("", {})
    encoded = event["Records"][0]["s3"]["object"]["key"]
    assert encoded == f"uploads/{listing_id}/1-mon+livre+%2B+%C3%A9t%C3%A9.jpg"


def test_given_a_three_photo_listing_when_photos_arrive_then_it_runs_once_after_the_third(
    stack: EmbeddedStack, provider: PipelineProvider
) -> None:
    photos = [jpeg_photo(f"side-{n}.jpg", (40 * n, 90, 160)) for n in (1, 2, 3)]
    listing_id = new_listing_id()
    create_listing(stack, listing_id, expected_photos=3)

    upload_photos(stack, listing_id, photos[:2])
    assert stack.wait_idle()
    assert executions(stack) == []
    upload_photos_from(stack, listing_id, photos, start=3)
    record = watch(stack, listing_id).wait(30)

    assert record["status"] == "READY"
    [execution] = executions(stack)
    assert len(execution_input(stack, execution["executionArn"])["photo_keys"]) == 3
    assert len(provider.requests_of(CLASSIFICATION)) == 3
    assert len(provider.requests_of(EXTRACTION)) == 1


def upload_photos_from(
    stack: EmbeddedStack, listing_id: str, photos: list[Photo], start: int
) -> None:
    s3, bucket = stack.client("s3"), stack.physical_id("UploadsBucket")
    for index in range(start, len(photos) + 1):
        photo = photos[index - 1]
        s3.put_object(
            Bucket=bucket, Key=photo_key(listing_id, index, photo.filename), Body=photo.data
        )


def test_given_a_text_file_named_jpg_when_uploaded_then_failed_unsupported_image(
    stack: EmbeddedStack, provider: PipelineProvider
) -> None:
    not_an_image = Photo("holiday.jpg", b"this is a shopping list, not a photo\n" * 20)

    record = run_listing(stack, [not_an_image])

    assert record["status"] == "FAILED"
    assert record["error"] == "UnsupportedImage"
    assert record["error_reason"]
    assert provider.requests == []


def test_given_a_provider_that_never_answers_when_extracting_then_the_call_times_out_and_retries(
    start_stack: StackFactory, provider: PipelineProvider
) -> None:
    stack = start_stack(SNAPLIST_MODEL_TIMEOUT_SECONDS="1")
    silent = book_extraction_reply()
    silent = Reply(status=silent.status, body=silent.body, delay_seconds=4.0)
    provider.script_extract(silent, book_extraction_reply())

    started = time.monotonic()
    record = run_listing(stack, [jpeg_photo()])

    assert record["status"] == "READY"
    assert len(provider.requests_of(EXTRACTION)) == 2
    # The first call gave up after the 1 s timeout, then the state machine waited 1 s.
    assert 2.0 <= time.monotonic() - started < 4.0


def test_given_classify_failing_every_time_when_async_retries_are_spent_then_failed_with_reason(
    stack: EmbeddedStack, provider: PipelineProvider
) -> None:
    provider.script_classify(Reply(status=503, body={"error": {"message": "overloaded"}}))

    record = run_listing(stack, [jpeg_photo()])

    assert record["status"] == "FAILED"
    assert record["error"] == "ProviderTransientError"
    assert record["error_reason"]
    # One invocation and Lambda's two asynchronous retries, then the on-failure destination.
    assert stack.invocations("ClassifyFunction") == 3
    assert stack.invocations("ClassifyFailureFunction") == 1
    assert executions(stack) == []


def test_given_twenty_listings_uploaded_at_once_when_processed_then_all_are_ready(
    stack: EmbeddedStack, provider: PipelineProvider
) -> None:
    photos = [jpeg_photo(f"item-{n}.jpg", (n * 12, 200 - n * 5, 90)) for n in range(20)]
    reply = book_extraction_reply()
    provider.script_extract(Reply(status=reply.status, body=reply.body, delay_seconds=0.1))

    with ThreadPoolExecutor(max_workers=20) as pool:
        submitted = list(pool.map(lambda photo: submit_listing(stack, [photo]), photos))
    records = [watcher.wait(120) for _, watcher in submitted]

    assert [record["status"] for record in records] == ["READY"] * 20
    assert {record["listing_id"] for record in records} == {id_ for id_, _ in submitted}
    assert len(executions(stack)) == 20
    assert len(provider.requests_of(EXTRACTION)) == 20
    # The template's ModelConcurrency (2) caps the model-calling functions: the burst queued.
    assert stack.peak_running("ExtractFunction") <= 2
    assert stack.peak_running("ClassifyFunction") <= 2
