"""Classify against moto and the scripted provider: one execution per listing, no matter what."""

import pytest
from functions import classify
from tests.support.scripted_provider import Reply, chat_reply
from tests.unit.pipeline.conftest import (
    LISTINGS,
    FakeContext,
    Stack,
    classification_reply,
    s3_event,
)

from snaplist.domain.errors import ProviderTransientError


def test_given_one_photo_and_no_listing_when_classified_then_one_execution_starts(
    stack: Stack, lambda_context: FakeContext
) -> None:
    stack.provider.script(classification_reply("book", 0.93))
    stack.put_photo("uploads/solo/1-cover.jpg")

    result = classify.handler(s3_event("uploads/solo/1-cover.jpg"), lambda_context)

    assert result["photos"][0]["outcome"] == "classified"
    [execution] = stack.executions()
    assert execution["name"] == "listing-solo"
    sent = stack.execution_input("listing-solo")
    assert sent["photo_keys"] == ["uploads/solo/1-cover.jpg"]
    assert sent["product_type"] == "book" and sent["product_type_confidence"] == 0.93
    assert sent["classify_usage"]["input_tokens"] == 400
    listing = stack.listing("solo")
    assert listing is not None and listing["status"] == "PROCESSING"


def test_given_the_same_record_twice_when_classified_then_one_model_call_and_one_execution(
    stack: Stack, lambda_context: FakeContext
) -> None:
    stack.provider.script(classification_reply())
    stack.put_photo("uploads/dup/1.jpg")
    event = s3_event("uploads/dup/1.jpg")

    classify.handler(event, lambda_context)
    before = stack.raw_item("dup")
    second = classify.handler(event, lambda_context)

    assert second["photos"][0]["outcome"] == "duplicate"
    assert len(stack.provider.requests) == 1
    assert len(stack.executions()) == 1
    assert stack.raw_item("dup") == before


def test_given_three_expected_photos_when_each_arrives_then_only_the_third_starts_it(
    stack: Stack, lambda_context: FakeContext
) -> None:
    stack.dynamodb.Table(LISTINGS).put_item(
        Item={"listing_id": "trio", "status": "AWAITING_UPLOADS", "expected_photos": 3}
    )
    stack.provider.script(classification_reply("watch", 0.9))
    counts = []
    for n in (1, 2, 3):
        key = f"uploads/trio/{n}-side.jpg"
        stack.put_photo(key)
        classify.handler(s3_event(key), lambda_context)
        counts.append(len(stack.executions()))

    assert counts == [0, 0, 1]
    assert len(stack.execution_input("listing-trio")["photo_keys"]) == 3


def test_given_an_encoded_key_with_spaces_plus_and_accents_then_the_real_object_is_read(
    stack: Stack, lambda_context: FakeContext
) -> None:
    key = "uploads/café listing/2-C++ book cover.jpg"
    stack.provider.script(classification_reply())
    stack.put_photo(key)

    result = classify.handler(
        s3_event(key, raw_key="uploads/caf%C3%A9+listing/2-C%2B%2B+book+cover.jpg"), lambda_context
    )

    assert result["photos"][0] == {
        "listing_id": "café listing",
        "key": key,
        "outcome": "classified",
        "started_execution": result["photos"][0]["started_execution"],
    }
    assert stack.execution_input(result["photos"][0]["started_execution"])["photo_keys"] == [key]


def test_given_a_text_file_named_jpg_when_classified_then_failed_unsupported_without_a_call(
    stack: Stack, lambda_context: FakeContext
) -> None:
    stack.provider.script(classification_reply())
    stack.put_photo("uploads/text/1-photo.jpg", body=b"this is not an image\n" * 20)

    result = classify.handler(s3_event("uploads/text/1-photo.jpg"), lambda_context)

    assert result["photos"][0]["outcome"] == "failed"
    listing = stack.listing("text")
    assert listing is not None
    assert (listing["status"], listing["error"]) == ("FAILED", "UnsupportedImage")
    assert listing["error_reason"].startswith("a photo could not be read as an image")
    assert stack.provider.requests == [] and stack.executions() == []


def test_given_a_provider_400_when_classified_then_failed_at_once(
    stack: Stack, lambda_context: FakeContext
) -> None:
    stack.provider.script(Reply(status=400, body={"error": {"message": "bad image"}}))
    stack.put_photo("uploads/bad/1.jpg")

    classify.handler(s3_event("uploads/bad/1.jpg"), lambda_context)

    listing = stack.listing("bad")
    assert listing is not None and listing["error"] == "ProviderClientError"
    assert len(stack.provider.requests) == 1


def test_given_a_provider_503_when_classified_then_it_raises_for_lambda_to_retry(
    stack: Stack, lambda_context: FakeContext
) -> None:
    stack.provider.script(Reply(status=503, body={"error": {"message": "busy"}}))
    stack.put_photo("uploads/busy/1.jpg")

    with pytest.raises(ProviderTransientError):
        classify.handler(s3_event("uploads/busy/1.jpg"), lambda_context)

    listing = stack.listing("busy")
    assert listing is not None and listing["status"] == "AWAITING_UPLOADS"
    assert listing["photos"] == {}


def test_given_a_reply_without_json_when_classified_then_asked_twice_then_failed(
    stack: Stack, lambda_context: FakeContext
) -> None:
    stack.provider.script(chat_reply("I think this is a nice book."))
    stack.put_photo("uploads/prose/1.jpg")

    classify.handler(s3_event("uploads/prose/1.jpg"), lambda_context)

    listing = stack.listing("prose")
    assert listing is not None and listing["error"] == "ModelOutputInvalid"
    assert len(stack.provider.requests) == 2
