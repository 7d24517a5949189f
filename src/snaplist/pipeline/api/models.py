"""What the API accepts and returns; the OpenAPI document is generated from these models."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from snaplist.domain.models import ProductType, Shipping
from snaplist.pipeline.models import ListingStatus

MAX_PHOTOS = 8


class ImageType(StrEnum):
    """The photo types a listing accepts; the presigned form pins the one declared."""

    JPEG = "image/jpeg"
    PNG = "image/png"
    WEBP = "image/webp"
    HEIC = "image/heic"
    HEIF = "image/heif"


class PhotoDescription(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content_type: ImageType = Field(description="the photo's MIME type; only images")
    size_bytes: int = Field(gt=0, description="the file's size; empty files are refused")

    @field_validator("content_type", mode="before")
    @classmethod
    def _media_types_ignore_case(cls, value: Any) -> Any:
        # MIME types are case-insensitive (RFC 2045): IMAGE/JPEG is image/jpeg.
        return value.strip().lower() if isinstance(value, str) else value


class CreateListingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    photos: list[PhotoDescription] = Field(min_length=1, max_length=MAX_PHOTOS)


class PhotoUploadForm(BaseModel):
    """One presigned POST: send `fields` as form fields, then the photo as the `file` field."""

    index: int
    key: str
    url: str
    fields: dict[str, str]
    content_type: ImageType
    max_bytes: int
    expires_at: datetime


class CreateListingResponse(BaseModel):
    listing_id: str
    status: ListingStatus
    expected_photos: int
    uploads: list[PhotoUploadForm]


class FieldView(BaseModel):
    value: Any = None
    confidence: float
    tier: str = Field(description="green >= 0.8, yellow 0.5-0.8, empty < 0.5")
    suggestion: str | None = None
    kind: str = Field(description="text, number, boolean, enum, enum_list or dimensions")
    edited: bool = Field(default=False, description="the seller changed the model's value")


class ListingView(BaseModel):
    listing_id: str
    status: ListingStatus
    expected_photos: int
    photos_received: int
    product_type: ProductType | None = None
    product_type_confidence: float | None = None
    fields: dict[str, FieldView] = Field(default_factory=dict)
    maker_id: str | None = None
    tag_ids: list[str] = Field(default_factory=list)
    shipping: Shipping | None = None
    model: str | None = None
    provider: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    error: str | None = None
    error_reason: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    confirmed_at: str | None = None


class ConfirmListingRequest(BaseModel):
    """The seller's reviewed values by field name; fields left out keep the draft's value."""

    model_config = ConfigDict(extra="forbid")

    fields: dict[str, Any] = Field(default_factory=dict)


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorResponse(BaseModel):
    error: ErrorDetail
