"""The listings table: every status transition of a listing, each one a conditional write.

Transitions (docs/contracts.md): AWAITING_UPLOADS -> PROCESSING -> READY | FAILED. A CONFIRMED
listing belongs to the seller and is never overwritten; a READY one is never marked FAILED by a
late failure; recording a photo twice is a no-op, so a duplicated S3 record changes nothing.
"""

from datetime import UTC, datetime
from functools import cache
from typing import Any

import boto3
from botocore.exceptions import ClientError

from snaplist.pipeline.dynamo import from_item, to_item
from snaplist.pipeline.models import (
    ListingDraft,
    ListingRecord,
    ListingStatus,
    PhotoClassification,
)

_STATUS = {"#status": "status"}
# A listing takes photos while awaiting uploads, or after a classify failure that can be redriven.
_OPEN = "(#status = :awaiting OR (#status = :failed AND redrivable = :true))"
_OPEN_VALUES: dict[str, Any] = {
    ":awaiting": ListingStatus.AWAITING_UPLOADS.value,
    ":failed": ListingStatus.FAILED.value,
    ":true": True,
}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _is_condition_failure(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


class ListingsTable:
    def __init__(self, table_name: str, resource: Any = None) -> None:
        self._table = (resource or boto3.resource("dynamodb")).Table(table_name)

    def get(self, listing_id: str) -> ListingRecord | None:
        item = self._table.get_item(Key={"listing_id": listing_id}, ConsistentRead=True).get("Item")
        return ListingRecord.model_validate(from_item(item)) if item else None

    def open_for_uploads(self, listing_id: str) -> ListingRecord:
        """The listing, created with one expected photo when the API has not created it."""
        response = self._table.update_item(
            Key={"listing_id": listing_id},
            UpdateExpression=(
                "SET #status = if_not_exists(#status, :awaiting),"
                " expected_photos = if_not_exists(expected_photos, :one),"
                " photos = if_not_exists(photos, :empty),"
                " created_at = if_not_exists(created_at, :now)"
            ),
            ExpressionAttributeNames=_STATUS,
            ExpressionAttributeValues={
                ":awaiting": ListingStatus.AWAITING_UPLOADS.value,
                ":one": 1,
                ":empty": {},
                ":now": _now(),
            },
            ReturnValues="ALL_NEW",
        )
        return ListingRecord.model_validate(from_item(response["Attributes"]))

    def record_photo(
        self, listing_id: str, key: str, classification: PhotoClassification
    ) -> ListingRecord | None:
        """The listing with this photo's classification, or None if it was already recorded."""
        try:
            response = self._table.update_item(
                Key={"listing_id": listing_id},
                UpdateExpression="SET photos.#key = :photo, updated_at = :now",
                ConditionExpression=f"attribute_not_exists(photos.#key) AND {_OPEN}",
                ExpressionAttributeNames={**_STATUS, "#key": key},
                ExpressionAttributeValues={
                    **_OPEN_VALUES,
                    ":photo": to_item(classification.model_dump(mode="json")),
                    ":now": _now(),
                },
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if _is_condition_failure(error):
                return None
            raise
        return ListingRecord.model_validate(from_item(response["Attributes"]))

    def mark_processing(
        self,
        listing_id: str,
        execution_name: str,
        classification: PhotoClassification,
        classify_ms: int,
    ) -> bool:
        """PROCESSING with the listing's product type; False when the listing is not open."""
        try:
            self._table.update_item(
                Key={"listing_id": listing_id},
                UpdateExpression=(
                    "SET #status = :processing, execution_name = :execution,"
                    " product_type = :type, product_type_confidence = :confidence,"
                    " guessed_type = :guessed, timings_ms = :timings, updated_at = :now"
                    " REMOVE #error, error_reason, redrivable"
                ),
                ConditionExpression=_OPEN,
                ExpressionAttributeNames={**_STATUS, "#error": "error"},
                ExpressionAttributeValues={
                    **_OPEN_VALUES,
                    ":processing": ListingStatus.PROCESSING.value,
                    ":execution": execution_name,
                    ":type": classification.product_type.value,
                    ":confidence": to_item(classification.confidence),
                    ":guessed": classification.guessed_type.value,
                    ":timings": {"classify": classify_ms},
                    ":now": _now(),
                },
            )
        except ClientError as error:
            if _is_condition_failure(error):
                return False
            raise
        return True

    def store_draft(self, listing_id: str, draft: ListingDraft) -> bool:
        """READY with the draft; False (nothing written) when the seller already confirmed."""
        values = to_item(draft.model_dump(mode="json"))
        names = {f"#{name}": name for name in values}
        try:
            self._table.update_item(
                Key={"listing_id": listing_id},
                UpdateExpression=(
                    "SET #status = :ready, updated_at = :now,"
                    " created_at = if_not_exists(created_at, :now), "
                    + ", ".join(f"#{name} = :{name}" for name in values)
                    + " REMOVE #error, error_reason, redrivable"
                ),
                ConditionExpression="attribute_not_exists(listing_id) OR #status <> :confirmed",
                ExpressionAttributeNames={**_STATUS, **names, "#error": "error"},
                ExpressionAttributeValues={
                    ":ready": ListingStatus.READY.value,
                    ":confirmed": ListingStatus.CONFIRMED.value,
                    ":now": _now(),
                    **{f":{name}": value for name, value in values.items()},
                },
            )
        except ClientError as error:
            if _is_condition_failure(error):
                return False
            raise
        return True

    def record_failure(
        self, listing_id: str, error_name: str, reason: str, redrivable: bool = False
    ) -> bool:
        """FAILED with the error; False when the listing is already READY or CONFIRMED."""
        try:
            self._table.update_item(
                Key={"listing_id": listing_id},
                UpdateExpression=(
                    "SET #status = :failed, #error = :error, error_reason = :reason,"
                    " redrivable = :redrivable, updated_at = :now,"
                    " created_at = if_not_exists(created_at, :now),"
                    " expected_photos = if_not_exists(expected_photos, :one)"
                ),
                ConditionExpression=(
                    "attribute_not_exists(listing_id) OR NOT (#status IN (:ready, :confirmed))"
                ),
                ExpressionAttributeNames={**_STATUS, "#error": "error"},
                ExpressionAttributeValues={
                    ":failed": ListingStatus.FAILED.value,
                    ":error": error_name,
                    ":reason": reason,
                    ":redrivable": redrivable,
                    ":now": _now(),
                    ":one": 1,
                    ":ready": ListingStatus.READY.value,
                    ":confirmed": ListingStatus.CONFIRMED.value,
                },
            )
        except ClientError as error:
            if _is_condition_failure(error):
                return False
            raise
        return True


@cache
def listings_table(table_name: str) -> ListingsTable:
    return ListingsTable(table_name)


class ListingExists(Exception):
    """A listing with this id was already created."""

    def __init__(self, listing_id: str) -> None:
        super().__init__(f"listing {listing_id} already exists")
        self.listing_id = listing_id


def _owned(record: ListingRecord | None, owner: str) -> ListingRecord | None:
    return record if record is not None and record.owner == owner else None


class SellerListings(ListingsTable):
    """What the seller's API does with the table: create, read and confirm their own listings."""

    def create(self, listing_id: str, owner: str, expected_photos: int) -> ListingRecord:
        """AWAITING_UPLOADS with the expected photo count; refused if the id is taken."""
        now = _now()
        record = ListingRecord(
            listing_id=listing_id,
            status=ListingStatus.AWAITING_UPLOADS,
            owner=owner,
            expected_photos=expected_photos,
            created_at=now,
            updated_at=now,
        )
        try:
            self._table.put_item(
                Item=to_item(record.model_dump(mode="json", exclude_none=True)),
                ConditionExpression="attribute_not_exists(listing_id)",
            )
        except ClientError as error:
            if _is_condition_failure(error):
                raise ListingExists(listing_id) from error
            raise
        return record

    def get_owned(self, listing_id: str, owner: str) -> ListingRecord | None:
        """The listing if it exists and belongs to owner; None for anyone else's."""
        return _owned(self.get(listing_id), owner)

    def confirm(
        self, listing_id: str, owner: str, fields: dict[str, Any], seller_values: dict[str, Any]
    ) -> ListingRecord | None:
        """CONFIRMED with the seller's fields; the model's first draft is kept as model_fields.

        Only the owner confirms, and only a READY (or already CONFIRMED) listing; None when the
        condition fails. Once CONFIRMED, store_draft and record_failure leave it alone.
        """
        try:
            response = self._table.update_item(
                Key={"listing_id": listing_id},
                UpdateExpression=(
                    "SET model_fields = if_not_exists(model_fields, #fields),"
                    " #fields = :fields, seller_values = :seller, #status = :confirmed,"
                    " confirmed_at = :now, updated_at = :now"
                ),
                ConditionExpression="#owner = :owner AND #status IN (:ready, :confirmed)",
                ExpressionAttributeNames={**_STATUS, "#fields": "fields", "#owner": "owner"},
                ExpressionAttributeValues={
                    ":fields": to_item(fields),
                    ":seller": to_item(seller_values),
                    ":owner": owner,
                    ":ready": ListingStatus.READY.value,
                    ":confirmed": ListingStatus.CONFIRMED.value,
                    ":now": _now(),
                },
                ReturnValues="ALL_NEW",
            )
        except ClientError as error:
            if _is_condition_failure(error):
                return None
            raise
        return ListingRecord.model_validate(from_item(response["Attributes"]))


@cache
def seller_listings(table_name: str) -> SellerListings:
    return SellerListings(table_name)
