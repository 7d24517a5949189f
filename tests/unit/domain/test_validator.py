"""The validator: tiers, makers, stripped fields, shipping defaults, tag ids and total cost."""

import pytest

from snaplist.domain import (
    AIListingValidator,
    Extraction,
    FieldValue,
    InMemoryMakerRepository,
    ProductType,
    TokenUsage,
)


def extraction(product_type: ProductType = ProductType.BOOK, **fields: FieldValue) -> Extraction:
    return Extraction(
        product_type=product_type,
        fields=fields,
        usage=TokenUsage(input_tokens=2000, output_tokens=400, cost_usd=0.000336),
        model="Qwen/Qwen3-VL-8B-Instruct",
    )


def value(raw: object, confidence: float = 0.9, suggestion: str | None = None) -> FieldValue:
    return FieldValue(value=raw, confidence=confidence, suggestion=suggestion)


@pytest.mark.parametrize(
    ("confidence", "tier"),
    [(0.95, "green"), (0.8, "green"), (0.79, "yellow"), (0.5, "yellow"), (0.49, "empty")],
)
def test_given_a_confidence_then_the_field_gets_its_tier(
    validator: AIListingValidator, confidence: float, tier: str
) -> None:
    listing = validator.validate(extraction(title=value("The Hobbit", confidence)))

    assert listing.fields["title"].tier == tier


def test_given_a_low_confidence_value_then_it_is_hidden_kept_aside_and_explained(
    validator: AIListingValidator,
) -> None:
    listing = validator.validate(extraction(year=value("1937", 0.3, "check the imprint page")))

    assert listing.fields["year"].value is None
    assert listing.fields["year"].suggestion == "check the imprint page"
    assert listing.withheld == {"year": "1937"}


def test_given_an_unseen_field_then_it_is_empty_with_a_suggestion(
    validator: AIListingValidator,
) -> None:
    listing = validator.validate(extraction())

    assert listing.fields["isbn"].tier == "empty"
    assert listing.fields["isbn"].suggestion
    assert set(listing.fields) >= {"title", "maker", "language", "format", "isbn"}


def test_given_three_spellings_of_one_author_then_one_maker_is_created(
    validator: AIListingValidator, makers: InMemoryMakerRepository
) -> None:
    ids = {
        validator.validate(extraction(maker=value(name))).maker_id
        for name in ("J.R.R. Tolkien", "J. R. R. Tolkien", "Tolkien, J.R.R.")
    }

    assert len(ids) == 1 and None not in ids
    assert [maker.name for maker in makers.makers.values()] == ["J.R.R. Tolkien"]


def test_given_a_known_brand_in_capitals_then_the_known_spelling_is_shown(
    validator: AIListingValidator,
) -> None:
    listing = validator.validate(extraction(ProductType.WATCH, maker=value("SEIKO", 0.95)))

    assert listing.fields["maker"].value == "Seiko"
    assert listing.maker_id is not None


def test_given_an_unsure_maker_then_no_maker_record_is_created(
    validator: AIListingValidator, makers: InMemoryMakerRepository
) -> None:
    listing = validator.validate(extraction(maker=value("Tolkien?", 0.3)))

    assert listing.maker_id is None
    assert makers.makers == {}


def test_given_fields_photos_cannot_prove_then_they_are_stripped(
    validator: AIListingValidator,
) -> None:
    listing = validator.validate(
        extraction(
            ProductType.ELECTRONICS,
            serial_number=value("C02XK0AAJG5H"),
            imei=value("356938035643809"),
            certificate=value("yes"),
        )
    )

    assert listing.stripped_fields == ["certificate", "imei", "serial_number"]
    assert not {"serial_number", "imei", "certificate"} & set(listing.fields)
    assert not {"serial_number", "imei", "certificate"} & set(listing.withheld)


def test_given_no_dimension_estimate_then_the_category_default_is_used(
    validator: AIListingValidator,
) -> None:
    listing = validator.validate(extraction(category=value("comics", 0.9)))

    shipping = listing.shipping
    assert (shipping.length_cm, shipping.width_cm, shipping.height_cm) == (28, 19, 2)
    assert shipping.weight_kg == 0.4
    assert shipping.dimensions_from_default and shipping.weight_from_default


def test_given_an_unsure_estimate_then_the_default_replaces_it(
    validator: AIListingValidator,
) -> None:
    listing = validator.validate(
        extraction(
            ProductType.FURNITURE,
            category=value("chair", 0.9),
            dimensions_cm=value({"length": 300.0, "width": 300.0, "height": 300.0}, 0.45),
            weight_kg=value(6.5, 0.7),
        )
    )

    assert (listing.shipping.length_cm, listing.shipping.height_cm) == (55, 90)
    assert listing.shipping.dimensions_from_default
    assert (listing.shipping.weight_kg, listing.shipping.weight_from_default) == (6.5, False)


def test_given_a_trusted_estimate_then_it_is_kept(validator: AIListingValidator) -> None:
    listing = validator.validate(
        extraction(
            dimensions_cm=value({"length": 21.0, "width": 14.8, "height": 2.5}, 0.6),
            weight_kg=value(0.3, 0.2),
        )
    )

    shipping = listing.shipping
    assert (shipping.length_cm, shipping.width_cm, shipping.height_cm) == (21, 14.8, 2.5)
    assert not shipping.dimensions_from_default
    assert (shipping.weight_kg, shipping.weight_from_default) == (0.6, True)


def test_given_a_partial_estimate_then_the_default_is_used(
    validator: AIListingValidator,
) -> None:
    dims = value({"length": 21.0, "width": None, "height": 2.0}, 0.9)

    listing = validator.validate(extraction(dimensions_cm=dims))

    assert listing.shipping.dimensions_from_default
    assert listing.shipping.length_cm == 24  # the book type's default


def test_given_tag_slugs_then_they_become_stable_ids_and_unknown_ones_drop(
    validator: AIListingValidator,
) -> None:
    tags = value(["first_edition", "vintage", "no_such_tag"], 0.85)

    listing = validator.validate(extraction(tags=tags))

    assert listing.tag_ids == ["tag-0007", "tag-0001"]
    assert listing.fields["tags"].value == ["first_edition", "vintage"]


def test_given_unsure_tags_then_no_tag_ids(validator: AIListingValidator) -> None:
    listing = validator.validate(extraction(tags=value(["vintage"], 0.4)))

    assert listing.tag_ids == []


def test_given_classification_usage_then_the_listing_carries_the_total_cost(
    validator: AIListingValidator,
) -> None:
    classify = TokenUsage(input_tokens=300, output_tokens=20, cost_usd=0.0000448)

    listing = validator.validate(extraction(), prior_usage=[classify, classify])

    assert (listing.usage.input_tokens, listing.usage.output_tokens) == (2600, 440)
    assert listing.usage.cost_usd == pytest.approx(0.000336 + 2 * 0.0000448)
    assert listing.model == "Qwen/Qwen3-VL-8B-Instruct"
