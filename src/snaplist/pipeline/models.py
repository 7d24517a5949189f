"""Pydantic models of everything that crosses a pipeline boundary.

State machine payloads stay small: photos travel as S3 keys, never as bytes, so every step's
input and output is a few kilobytes against the 256 KB payload limit.
"""

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from snaplist.domain.models import (
    Classification,
    Extraction,
    ProductType,
    Shipping,
    TokenUsage,
    ValidatedField,
    ValidatedListing,
)


class ListingStatus(StrEnum):
    AWAITING_UPLOADS = "AWAITING_UPLOADS"
    PROCESSING = "PROCESSING"
    READY = "READY"
    FAILED = "FAILED"
    CONFIRMED = "CONFIRMED"


class PhotoClassification(Classification):
    """What classify recorded for one photo, under `photos[key]` of the listing."""

    duration_ms: int = Field(default=0, ge=0)


class PhotoUpload(BaseModel):
    """One decoded S3 ObjectCreated record."""

    bucket: str
    key: str
    listing_id: str
    size_bytes: int = 0


class ExecutionInput(BaseModel):
    """The state machine input classify starts each execution with (docs/contracts.md)."""

    model_config = ConfigDict(extra="ignore")

    listing_id: str
    bucket: str
    photo_keys: list[str] = Field(min_length=1)
    product_type: ProductType
    product_type_confidence: float = Field(ge=0, le=1)
    guessed_type: ProductType
    classify_usage: TokenUsage = Field(default_factory=TokenUsage)
    classify_ms: int = Field(default=0, ge=0)


class ClassifyOutcome(BaseModel):
    """What happened to one uploaded photo."""

    listing_id: str
    key: str
    outcome: str  # classified | duplicate | ignored | failed
    started_execution: str | None = None


class ClassifyResult(BaseModel):
    photos: list[ClassifyOutcome]


class ExtractResult(BaseModel):
    """Extract's output, kept under `$.extract` of the execution state."""

    extraction: Extraction
    provider: str = ""
    duration_ms: int = Field(default=0, ge=0)


class ValidateInput(BaseModel):
    model_config = ConfigDict(extra="ignore")

    listing_id: str
    extraction: Extraction


class ValidateResult(BaseModel):
    """Validate's output, kept under `$.validate` of the execution state."""

    validated: ValidatedListing
    duration_ms: int = Field(default=0, ge=0)


class StoreDraftInput(BaseModel):
    """The whole execution state after Validate: the classification, extract and validate."""

    model_config = ConfigDict(extra="ignore")

    listing_id: str
    product_type: ProductType
    product_type_confidence: float = Field(ge=0, le=1)
    guessed_type: ProductType
    classify_usage: TokenUsage = Field(default_factory=TokenUsage)
    classify_ms: int = Field(default=0, ge=0)
    extract: ExtractResult
    validate_: ValidateResult = Field(alias="validate")


class StoreDraftResult(BaseModel):
    listing_id: str
    status: ListingStatus


class FailureInput(BaseModel):
    """What a Catch hands RecordFailure: the listing and the error as Step Functions saw it."""

    model_config = ConfigDict(populate_by_name=True)

    listing_id: str
    error: str = Field(alias="Error")
    cause: str | None = Field(default=None, alias="Cause")


class FailureResult(BaseModel):
    listing_id: str
    error: str
    reason: str
    recorded: bool


class ListingDraft(BaseModel):
    """What StoreDraft writes onto the listing record."""

    product_type: ProductType
    product_type_confidence: float
    guessed_type: ProductType
    fields: dict[str, ValidatedField]
    maker_id: str | None = None
    tag_ids: list[str] = Field(default_factory=list)
    shipping: Shipping
    stripped_fields: list[str] = Field(default_factory=list)
    model: str = ""
    provider: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    timings_ms: dict[str, int] = Field(default_factory=dict)


class ListingRecord(BaseModel):
    """One item of the listings table, numbers already converted back from Decimal."""

    model_config = ConfigDict(extra="allow")

    listing_id: str
    status: ListingStatus
    owner: str | None = None
    expected_photos: int = 1
    photos: dict[str, PhotoClassification] = Field(default_factory=dict)
    execution_name: str | None = None
    redrivable: bool = False
    product_type: ProductType | None = None
    product_type_confidence: float | None = None
    guessed_type: ProductType | None = None
    fields: dict[str, ValidatedField] = Field(default_factory=dict)
    maker_id: str | None = None
    tag_ids: list[str] = Field(default_factory=list)
    shipping: Shipping | None = None
    model: str | None = None
    provider: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    timings_ms: dict[str, int] = Field(default_factory=dict)
    error: str | None = None
    error_reason: str | None = None
    created_at: str | None = None
    updated_at: str | None = None

    @property
    def all_photos_classified(self) -> bool:
        return len(self.photos) >= self.expected_photos


class ClassifyFailureRecord(BaseModel):
    """One on-failure destination message of classify, as Lambda sends it to SQS."""

    model_config = ConfigDict(extra="ignore")

    request_payload: dict[str, Any] = Field(alias="requestPayload")
    response_payload: dict[str, Any] | None = Field(default=None, alias="responsePayload")
    condition: str = Field(default="", alias="requestContext")

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> "ClassifyFailureRecord":
        context = message.get("requestContext") or {}
        return cls.model_validate({**message, "requestContext": context.get("condition", "")})
