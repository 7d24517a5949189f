"""The evidence rules behind the answers: ISBNs, languages, makers, schema reading."""

import pytest

from snaplist_local.offline.answers import is_isbn13, normalise_isbn
from snaplist_local.offline.brands import find_makers
from snaplist_local.offline.language import guess_language, language_of_isbn
from snaplist_local.offline.schema import allowed_product_types, extraction_fields

pytestmark = pytest.mark.offline_model


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0-14-001399-7", "9780140013993"),
        ("978-0-201-75284-7", "9780201752847"),
        ("84-305-3267-6", "9788430532674"),
        ("978-0-201-75284-8", None),
        ("0-14-001399-8", None),
    ],
)
def test_given_an_isbn_as_printed_when_normalised_then_only_valid_ones_become_isbn13(
    raw: str, expected: str | None
) -> None:
    assert normalise_isbn(raw) == expected


def test_given_an_ean_that_is_not_a_book_when_checked_then_it_is_no_isbn() -> None:
    assert is_isbn13("9780140013993")
    assert not is_isbn13("5901234123457")


def test_given_english_text_when_guessed_then_english_with_moderate_confidence() -> None:
    guess = guess_language("The Wizard of Oz\nby L. Frank Baum\nThe story of the girl from Kansas")

    assert guess is not None and guess.code == "en"
    assert 0.5 <= guess.confidence <= 0.85


def test_given_too_little_text_when_guessed_then_no_language() -> None:
    assert guess_language("SEIKO\nAUTOMATIC\n100M") is None


def test_given_a_spanish_isbn_group_when_read_then_spanish_at_moderate_confidence() -> None:
    guess = language_of_isbn("9788430532674")

    assert guess is not None and guess.code == "es" and guess.confidence <= 0.6


def test_given_ocr_words_when_matched_then_only_exact_normalised_maker_names_count() -> None:
    assert find_makers(["GUCCI"]) == ["Gucci"]
    assert find_makers(["Black", "Berry"]) == ["BlackBerry"]
    assert find_makers(["SETKO"]) == []
    assert find_makers(["hay"]) == []


def test_given_a_pydantic_style_schema_when_read_then_refs_and_any_of_are_followed() -> None:
    schema = {
        "$defs": {
            "Language": {"enum": ["da", "en"], "type": "string"},
            "LanguageField": {
                "type": "object",
                "properties": {
                    "value": {"anyOf": [{"$ref": "#/$defs/Language"}, {"type": "null"}]}
                },
            },
        },
        "properties": {
            "language": {"$ref": "#/$defs/LanguageField"},
            "tags": {"properties": {"value": {"type": "array", "items": {"enum": ["a", "b"]}}}},
            "product_type": {"enum": ["book", "generic"]},
        },
    }

    fields = {spec.name: spec for spec in extraction_fields(schema)}

    assert fields["language"].kind == "enum" and fields["language"].allowed == ("da", "en")
    assert fields["tags"].is_array and fields["tags"].allowed == ("a", "b")
    assert allowed_product_types(schema) == ("book", "generic")
