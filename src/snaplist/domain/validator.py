"""Business rules between the model's extraction and the listing the seller reviews."""

from collections.abc import Sequence
from typing import Any

from snaplist.domain.fields import FORBIDDEN_FIELDS, fields_for
from snaplist.domain.makers import MakerRepository, display_name, maker_key
from snaplist.domain.models import (
    Extraction,
    FieldValue,
    Shipping,
    Tier,
    TokenUsage,
    ValidatedField,
    ValidatedListing,
)
from snaplist.domain.observability import logger
from snaplist.domain.taxonomy import Taxonomy

GREEN_FROM = 0.8
YELLOW_FROM = 0.5
ESTIMATE_TRUSTED_FROM = 0.5


def tier_of(confidence: float) -> Tier:
    if confidence >= GREEN_FROM:
        return "green"
    if confidence >= YELLOW_FROM:
        return "yellow"
    return "empty"


class AIListingValidator:
    def __init__(self, makers: MakerRepository, taxonomy: Taxonomy) -> None:
        self.makers = makers
        self.taxonomy = taxonomy

    def validate(
        self, extraction: Extraction, prior_usage: Sequence[TokenUsage] = ()
    ) -> ValidatedListing:
        """Tiers, maker, tags and shipping; `prior_usage` adds the classification calls."""
        stripped = sorted(FORBIDDEN_FIELDS & set(extraction.fields))
        wanted = [spec.name for spec in fields_for(extraction.product_type)]
        raw = {name: extraction.fields.get(name, FieldValue()) for name in wanted}

        fields: dict[str, ValidatedField] = {}
        withheld: dict[str, Any] = {}
        for name, field in raw.items():
            fields[name] = _tiered(name, field)
            if fields[name].tier == "empty" and _has_value(field.value):
                withheld[name] = field.value

        maker_id = self._maker(extraction, fields)
        tag_ids = self._tags(fields)
        shipping = self._shipping(extraction, raw, fields)
        usage = TokenUsage.total([*prior_usage, extraction.usage])
        logger.info(
            "listing validated",
            product_type=extraction.product_type.value,
            stripped_fields=stripped,
            withheld_fields=sorted(withheld),
            tokens_in=usage.input_tokens,
            tokens_out=usage.output_tokens,
            cost_usd=usage.cost_usd,
        )
        return ValidatedListing(
            product_type=extraction.product_type,
            fields=fields,
            withheld=withheld,
            maker_id=maker_id,
            tag_ids=tag_ids,
            shipping=shipping,
            stripped_fields=stripped,
            usage=usage,
            model=extraction.model,
        )

    def _maker(self, extraction: Extraction, fields: dict[str, ValidatedField]) -> str | None:
        shown = fields["maker"]
        if not isinstance(shown.value, str) or not maker_key(shown.value):
            return None
        key = maker_key(shown.value)
        known = self.taxonomy.makers.get(extraction.product_type, ())
        name = next((n for n in known if maker_key(n) == key), display_name(shown.value))
        maker = self.makers.get_or_create(key, name)
        fields["maker"] = shown.model_copy(update={"value": maker.name})
        return maker.maker_id

    def _tags(self, fields: dict[str, ValidatedField]) -> list[str]:
        shown = fields["tags"]
        slugs = shown.value if isinstance(shown.value, list) else []
        known = [(slug, self.taxonomy.tag_id(slug)) for slug in slugs]
        kept = [(slug, tag_id) for slug, tag_id in known if tag_id is not None]
        if len(kept) != len(known):
            fields["tags"] = shown.model_copy(update={"value": [slug for slug, _ in kept]})
        return [tag_id for _, tag_id in kept]

    def _shipping(
        self,
        extraction: Extraction,
        raw: dict[str, FieldValue],
        fields: dict[str, ValidatedField],
    ) -> Shipping:
        category = fields["category"].value if isinstance(fields["category"].value, str) else None
        default = self.taxonomy.shipping_default(extraction.product_type, category)

        dimensions = raw["dimensions_cm"]
        sides = dimensions.value if isinstance(dimensions.value, dict) else {}
        measured = [sides.get(key) for key in ("length", "width", "height")]
        usable = [float(side) for side in measured if isinstance(side, float | int) and side > 0]
        dimensions_ok = dimensions.confidence >= ESTIMATE_TRUSTED_FROM and len(usable) == 3
        weight = raw["weight_kg"]
        weight_ok = (
            weight.confidence >= ESTIMATE_TRUSTED_FROM
            and isinstance(weight.value, float | int)
            and weight.value > 0
        )

        if dimensions_ok:
            length, width, height = usable
        else:
            length, width, height = default.length_cm, default.width_cm, default.height_cm
        return Shipping(
            length_cm=length,
            width_cm=width,
            height_cm=height,
            weight_kg=float(weight.value) if weight_ok else default.weight_kg,
            dimensions_from_default=not dimensions_ok,
            weight_from_default=not weight_ok,
        )


def _has_value(value: Any) -> bool:
    return value not in (None, "", [], {})


def _tiered(name: str, field: FieldValue) -> ValidatedField:
    tier = tier_of(field.confidence) if _has_value(field.value) else "empty"
    if tier != "empty":
        return ValidatedField(
            value=field.value, confidence=field.confidence, tier=tier, suggestion=field.suggestion
        )
    suggestion = field.suggestion or f"please check and fill in the {name.replace('_', ' ')}"
    return ValidatedField(
        value=None, confidence=field.confidence, tier="empty", suggestion=suggestion
    )
