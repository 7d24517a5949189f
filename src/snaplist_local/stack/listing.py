"""A listing's life seen from outside the stack: create it, upload its photos, watch it settle.

Both `snaplist run` and the integration tests drive the embedded stack through these helpers,
the way the API and a seller's browser would drive the deployed one.
"""

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from boto3.dynamodb.types import TypeDeserializer

from snaplist.pipeline.dynamo import from_item
from snaplist.pipeline.listings import SellerListings
from snaplist.pipeline.models import ListingStatus
from snaplist_local.stack import EmbeddedStack

FINAL_STATUSES = (ListingStatus.READY.value, ListingStatus.FAILED.value)

# What a state being entered means to someone waiting for their draft.
_STEP_PHRASES = {
    "Extract": "extracting",
    "Validate": "validating",
    "StoreDraft": "storing the draft",
    "RecordFailure": "recording the failure",
}

LOCAL_OWNER = "local-seller"

Progress = Callable[[str], None]


class ListingTimeout(Exception):
    """The listing did not reach READY or FAILED in time."""


@dataclass(frozen=True)
class Photo:
    filename: str
    data: bytes


def new_listing_id() -> str:
    return f"lst-{uuid.uuid4().hex[:16]}"


def photo_key(listing_id: str, index: int, filename: str) -> str:
    return f"uploads/{listing_id}/{index}-{filename}"


def create_listing(stack: EmbeddedStack, listing_id: str, expected_photos: int) -> None:
    """The listing record the API creates before the seller uploads, with the photo count."""
    resource = stack.session.resource("dynamodb") if stack.session else None
    table = SellerListings(stack.physical_id("ListingsTable"), resource=resource)
    table.create(listing_id, owner=LOCAL_OWNER, expected_photos=expected_photos)


def upload_photos(
    stack: EmbeddedStack, listing_id: str, photos: list[Photo], progress: Progress | None = None
) -> list[str]:
    s3, bucket = stack.client("s3"), stack.physical_id("UploadsBucket")
    keys = []
    for index, photo in enumerate(photos, start=1):
        key = photo_key(listing_id, index, photo.filename)
        s3.put_object(Bucket=bucket, Key=key, Body=photo.data)
        keys.append(key)
        if progress:
            progress(f"uploaded {index}/{len(photos)}")
    return keys


def read_listing(stack: EmbeddedStack, listing_id: str) -> dict[str, Any] | None:
    """The stored item as plain JSON values (numbers as int / float, never Decimal)."""
    response = stack.client("dynamodb").get_item(
        TableName=stack.physical_id("ListingsTable"),
        Key={"listing_id": {"S": listing_id}},
        ConsistentRead=True,
    )
    item = response.get("Item")
    if item is None:
        return None
    deserializer = TypeDeserializer()
    plain = from_item({key: deserializer.deserialize(value) for key, value in item.items()})
    return dict(plain)


@dataclass
class ListingWatcher:
    """Polls the listing and its execution, announcing each new step once."""

    stack: EmbeddedStack
    listing_id: str
    progress: Progress | None = None
    started: float = field(default_factory=time.monotonic)
    _seen_photos: set[str] = field(default_factory=set)
    _seen_events: int = 0

    def _say(self, message: str) -> None:
        if self.progress:
            self.progress(message)

    def execution_arn(self, record: dict[str, Any]) -> str | None:
        name = record.get("execution_name")
        if not name:
            return None
        machine_arn = self.stack.physical_id("ListingStateMachine")
        return f"{machine_arn.replace(':stateMachine:', ':execution:')}:{name}"

    def poll(self) -> dict[str, Any] | None:
        record = read_listing(self.stack, self.listing_id)
        if record is None:
            return None
        for key, photo in sorted((record.get("photos") or {}).items()):
            if key not in self._seen_photos:
                self._seen_photos.add(key)
                confidence = float(photo.get("confidence", 0.0))
                self._say(f"classified as {photo.get('product_type')} at {confidence:.2f}")
        # The steps are read from the execution history only for someone watching the progress.
        arn = self.execution_arn(record) if self.progress else None
        if arn:
            self._announce_steps(arn)
        return record

    def _announce_steps(self, execution_arn: str) -> None:
        client = self.stack.client("stepfunctions")
        try:
            events = client.get_execution_history(executionArn=execution_arn, maxResults=1000)
        except client.exceptions.ExecutionDoesNotExist:
            return
        entered = [
            event["stateEnteredEventDetails"]["name"]
            for event in events["events"]
            if event["type"] == "TaskStateEntered"
        ]
        for name in entered[self._seen_events :]:
            self._say(_STEP_PHRASES.get(name, name.lower()))
        self._seen_events = max(self._seen_events, len(entered))

    def wait(self, timeout_seconds: float, interval_seconds: float = 0.1) -> dict[str, Any]:
        deadline = self.started + timeout_seconds
        while time.monotonic() < deadline:
            record = self.poll()
            if record and record.get("status") in FINAL_STATUSES:
                elapsed = time.monotonic() - self.started
                if record["status"] == ListingStatus.READY.value:
                    self._say(f"ready in {elapsed:.1f} s")
                else:
                    self._say(f"failed in {elapsed:.1f} s: {record.get('error')}")
                return record
            time.sleep(interval_seconds)
        raise ListingTimeout(
            f"listing {self.listing_id} not READY or FAILED after {timeout_seconds:.0f} s"
        )


def submit_listing(
    stack: EmbeddedStack, photos: list[Photo], progress: Progress | None = None
) -> tuple[str, ListingWatcher]:
    """Create the listing with its photo count, upload the photos, return a watcher."""
    listing_id = new_listing_id()
    watcher = ListingWatcher(stack, listing_id, progress)
    create_listing(stack, listing_id, expected_photos=len(photos))
    upload_photos(stack, listing_id, photos, progress)
    return listing_id, watcher
