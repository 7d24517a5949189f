"""Which fields are asked for per product type, and what shape each value has."""

from dataclasses import dataclass
from enum import StrEnum

from snaplist.domain.models import ProductType


class FieldKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    BOOLEAN = "boolean"
    ENUM = "enum"
    ENUM_LIST = "enum_list"
    DIMENSIONS = "dimensions"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: FieldKind
    description: str
    # The taxonomy vocabulary that lists the allowed values of an ENUM / ENUM_LIST field.
    vocabulary: str | None = None

    @property
    def vocabulary_heading(self) -> str:
        """How the prompt templates head the list of allowed values, e.g. CATEGORIES."""
        return (self.vocabulary or "").upper()


COMMON_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("title", FieldKind.TEXT, "short listing title, as a buyer would search for it"),
    FieldSpec("maker", FieldKind.TEXT, "author, artist or brand exactly as printed or signed"),
    FieldSpec("category", FieldKind.ENUM, "marketplace category", "categories"),
    FieldSpec("condition", FieldKind.ENUM, "visible wear, on the marketplace scale", "conditions"),
    FieldSpec("materials", FieldKind.ENUM_LIST, "main materials you can see", "materials"),
    FieldSpec("year", FieldKind.TEXT, "year made or published, or an era such as 1970s"),
    FieldSpec("price", FieldKind.NUMBER, "suggested second-hand asking price"),
    FieldSpec("currency", FieldKind.ENUM, "currency of the price", "currencies"),
    FieldSpec("dimensions_cm", FieldKind.DIMENSIONS, "estimated length, width, height in cm"),
    FieldSpec("weight_kg", FieldKind.NUMBER, "estimated weight in kg"),
    FieldSpec("tags", FieldKind.ENUM_LIST, "tags that clearly apply", "tags"),
    FieldSpec("description", FieldKind.TEXT, "two or three factual sentences for the listing"),
)

TYPE_FIELDS: dict[ProductType, tuple[FieldSpec, ...]] = {
    ProductType.BOOK: (
        FieldSpec("language", FieldKind.ENUM, "language of the text, ISO 639-1", "languages"),
        FieldSpec("format", FieldKind.ENUM, "binding", "book_formats"),
        FieldSpec("isbn", FieldKind.TEXT, "ISBN only if printed on a photo, digits and X"),
    ),
    ProductType.WATCH: (
        FieldSpec("model", FieldKind.TEXT, "model name or reference printed on dial or case"),
        FieldSpec("movement", FieldKind.ENUM, "what drives the watch", "watch_movements"),
    ),
    ProductType.ARTWORK: (
        FieldSpec("medium", FieldKind.ENUM, "what the work is made with", "artwork_media"),
        FieldSpec("signed", FieldKind.BOOLEAN, "true only if a signature is visible"),
    ),
    ProductType.ELECTRONICS: (
        FieldSpec("model", FieldKind.TEXT, "model name or number printed on the device"),
    ),
    ProductType.FURNITURE: (
        FieldSpec("style", FieldKind.ENUM, "design style or period", "furniture_styles"),
    ),
    ProductType.JEWELLERY: (
        FieldSpec("stone", FieldKind.ENUM, "main stone, none if it has none", "jewellery_stones"),
    ),
    ProductType.GENERIC: (),
}

# Photos cannot prove these, so they are never asked for and stripped when a model offers them.
FORBIDDEN_FIELDS = frozenset({"serial_number", "certificate", "imei"})


def fields_for(product_type: ProductType) -> tuple[FieldSpec, ...]:
    return COMMON_FIELDS + TYPE_FIELDS[product_type]


def vocabularies_needed() -> set[str]:
    specs = list(COMMON_FIELDS) + [spec for specs in TYPE_FIELDS.values() for spec in specs]
    return {spec.vocabulary for spec in specs if spec.vocabulary}
