"""Pydantic models that cross the domain's boundary (see docs/contracts.md)."""

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ProductType(StrEnum):
    BOOK = "book"
    ARTWORK = "artwork"
    JEWELLERY = "jewellery"
    WATCH = "watch"
    FURNITURE = "furniture"
    ELECTRONICS = "electronics"
    GENERIC = "generic"


class TokenUsage(BaseModel):
    model_config = ConfigDict(frozen=True)

    input_tokens: int = Field(default=0, ge=0)
    output_tokens: int = Field(default=0, ge=0)
    cost_usd: float = Field(default=0.0, ge=0)

    def __add__(self, other: "TokenUsage") -> "TokenUsage":
        return TokenUsage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cost_usd=round(self.cost_usd + other.cost_usd, 8),
        )

    @classmethod
    def total(cls, usages: "list[TokenUsage]") -> "TokenUsage":
        result = cls()
        for usage in usages:
            result = result + usage
        return result


class PixelBudget(BaseModel):
    """What a provider accepts per image: the prepared photo always fits inside it."""

    model_config = ConfigDict(frozen=True)

    max_pixels: int = Field(gt=0)
    min_side: int = Field(default=56, gt=0)
    max_aspect_ratio: float = Field(default=4.0, ge=1.0)
    # Qwen-VL cuts images into 28 or 32 px patches; aligned sides avoid a second resize.
    side_multiple: int = Field(default=1, ge=1)
    jpeg_quality: int = Field(default=85, ge=30, le=95)


class PreparedImage(BaseModel):
    """An upright, metadata-free JPEG ready to send as a data URL."""

    model_config = ConfigDict(frozen=True)

    data_url: str
    width: int
    height: int
    jpeg_bytes: int
    source_format: str
    source_width: int
    source_height: int


class Classification(BaseModel):
    product_type: ProductType
    confidence: float = Field(ge=0, le=1)
    guessed_type: ProductType
    guessed_confidence: float = Field(ge=0, le=1)
    usage: TokenUsage = Field(default_factory=TokenUsage)
    model: str = ""


class FieldValue(BaseModel):
    value: Any = None
    confidence: float = Field(default=0.0, ge=0, le=1)
    suggestion: str | None = None


class Extraction(BaseModel):
    product_type: ProductType
    fields: dict[str, FieldValue]
    usage: TokenUsage = Field(default_factory=TokenUsage)
    model: str = ""


Tier = Literal["green", "yellow", "empty"]


class ValidatedField(BaseModel):
    value: Any = None
    confidence: float = Field(ge=0, le=1)
    tier: Tier
    suggestion: str | None = None


class Shipping(BaseModel):
    length_cm: float
    width_cm: float
    height_cm: float
    weight_kg: float
    dimensions_from_default: bool
    weight_from_default: bool


class ValidatedListing(BaseModel):
    product_type: ProductType
    fields: dict[str, ValidatedField]
    # Values below the shown tier, kept for the record but never displayed.
    withheld: dict[str, Any] = Field(default_factory=dict)
    maker_id: str | None = None
    tag_ids: list[str] = Field(default_factory=list)
    shipping: Shipping
    stripped_fields: list[str] = Field(default_factory=list)
    usage: TokenUsage = Field(default_factory=TokenUsage)
    model: str = ""
