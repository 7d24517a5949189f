"""The listings and makers tables in moto: conditional transitions and Decimal handling."""

import json
import threading
from decimal import Decimal

from tests.unit.pipeline.conftest import LISTINGS, MAKERS, Stack

from snaplist.domain.makers import maker_key
from snaplist.domain.models import ProductType
from snaplist.pipeline.listings import ListingsTable
from snaplist.pipeline.makers import DynamoMakerRepository
from snaplist.pipeline.models import ListingStatus, PhotoClassification

PHOTO = PhotoClassification(
    product_type=ProductType.BOOK,
    confidence=0.93,
    guessed_type=ProductType.BOOK,
    guessed_confidence=0.93,
    duration_ms=120,
)


def test_given_a_photo_recorded_when_recorded_again_then_nothing_changes(stack: Stack) -> None:
    table = ListingsTable(LISTINGS)
    table.open_for_uploads("l1")
    first = table.record_photo("l1", "uploads/l1/1.jpg", PHOTO)
    before = stack.raw_item("l1")

    second = table.record_photo(
        "l1", "uploads/l1/1.jpg", PHOTO.model_copy(update={"confidence": 0.1})
    )

    assert first is not None and len(first.photos) == 1
    assert second is None
    assert stack.raw_item("l1") == before


def test_given_floats_stored_when_read_back_then_they_are_plain_json_numbers(stack: Stack) -> None:
    table = ListingsTable(LISTINGS)
    table.open_for_uploads("l2")
    table.record_photo("l2", "uploads/l2/1.jpg", PHOTO)

    raw = stack.raw_item("l2")
    record = table.get("l2")

    assert raw is not None and isinstance(raw["photos"]["uploads/l2/1.jpg"]["confidence"], Decimal)
    assert record is not None
    dumped = json.loads(json.dumps(record.model_dump(mode="json")))
    assert dumped["photos"]["uploads/l2/1.jpg"]["confidence"] == 0.93
    assert dumped["expected_photos"] == 1 and isinstance(dumped["expected_photos"], int)


def test_given_a_confirmed_listing_when_a_draft_or_failure_arrives_then_it_is_kept(
    stack: Stack,
) -> None:
    stack.dynamodb.Table(LISTINGS).put_item(
        Item={"listing_id": "l3", "status": "CONFIRMED", "expected_photos": 1, "photos": {}}
    )
    table = ListingsTable(LISTINGS)

    failed = table.record_failure("l3", "ProviderClientError", "rejected")

    assert failed is False
    assert stack.raw_item("l3") == {
        "listing_id": "l3",
        "status": "CONFIRMED",
        "expected_photos": 1,
        "photos": {},
    }


def test_given_a_ready_listing_when_a_late_failure_arrives_then_it_stays_ready(
    stack: Stack,
) -> None:
    stack.dynamodb.Table(LISTINGS).put_item(Item={"listing_id": "l4", "status": "READY"})

    assert ListingsTable(LISTINGS).record_failure("l4", "ModelOutputInvalid", "x") is False
    assert stack.listing("l4")["status"] == ListingStatus.READY  # type: ignore[index]


def test_given_a_processing_listing_when_marked_again_from_closed_state_then_refused(
    stack: Stack,
) -> None:
    table = ListingsTable(LISTINGS)
    table.open_for_uploads("l5")
    table.record_photo("l5", "uploads/l5/1.jpg", PHOTO)

    assert table.mark_processing("l5", "listing-l5", PHOTO, 120) is True
    assert table.mark_processing("l5", "listing-l5", PHOTO, 120) is False
    assert table.record_photo("l5", "uploads/l5/2.jpg", PHOTO) is None


def test_given_two_concurrent_creates_of_one_maker_then_one_maker_exists(stack: Stack) -> None:
    key = maker_key("Baum, L. Frank")
    results = []
    barrier = threading.Barrier(6)

    def create() -> None:
        repository = DynamoMakerRepository(MAKERS)
        barrier.wait()
        results.append(repository.get_or_create(key, "L. Frank Baum"))

    threads = [threading.Thread(target=create) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    items = stack.dynamodb.Table(MAKERS).scan()["Items"]
    assert len(items) == 1
    assert {maker.maker_id for maker in results} == {items[0]["maker_id"]}
