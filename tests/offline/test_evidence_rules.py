"""The evidence rules behind the answers: ISBNs, languages, makers, schema reading."""

import pytest

from snaplist_local.offline.answers import is_isbn13, normalise_isbn
from snaplist_local.offline.brands import edit_distance, find_makers, find_near_makers
from snaplist_local.offline.language import guess_language, language_of_isbn
from snaplist_local.offline.schema import allowed_product_types, extraction_fields
from snaplist_local.offline.words import split_joined

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


@pytest.mark.parametrize(
    ("read", "maker"),
    [
        (["SETKO"], "Seiko"),
        (["CUCCI"], "Gucci"),
        (["Blacksery"], "BlackBerry"),
        (["fBlackBery"], "BlackBerry"),
    ],
)
def test_given_a_maker_misread_by_ocr_when_matched_near_then_the_maker_and_the_read_are_named(
    read: list[str], maker: str
) -> None:
    assert find_near_makers(read) == [(maker, read[0])]


@pytest.mark.parametrize(
    "read",
    [
        ["WATCH"],
        ["TIMES"],
        ["Citizens"],
        ["Fossils"],
        ["SEIKO"],
        ["Sonyy"],
        ["Dall"],
        ["Cybermation"],
    ],
)
def test_given_words_or_short_names_when_matched_near_then_no_maker_is_made_up(
    read: list[str],
) -> None:
    # English words of the list, plurals, exact names and names under 5 letters never match near.
    assert find_near_makers(read) == []


def test_given_two_strings_when_compared_then_edit_distance_counts_single_letter_edits() -> None:
    assert edit_distance("blacksery", "blackberry") == 2
    assert edit_distance("setko", "seiko") == 1
    assert edit_distance("", "abc") == 3


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ("TheWizard", "The Wizard"),
        ("THEORIGINAL OZ BOOK", "THE ORIGINAL OZ BOOK"),
        ("PICTURESBY", "PICTURES BY"),
        ("Cybermation", "Cybermation"),
        ("THEORY", "THEORY"),
        ("24JEWELS", "24JEWELS"),
        ("thewizard", "thewizard"),
    ],
)
def test_given_ocr_words_without_spaces_when_split_then_only_sure_word_pairs_are_split(
    read: str, expected: str
) -> None:
    assert split_joined(read) == expected


def test_given_a_maker_name_in_camel_case_when_split_then_it_stays_whole() -> None:
    assert split_joined("BlackBerry", keep=frozenset({"blackberry"})) == "BlackBerry"


def test_given_a_cover_with_a_few_english_words_when_guessed_then_english_at_yellow() -> None:
    guess = guess_language("ORIGINAL OZ BOOK\nThe Wizard\nPICTURESM\nDENSLOW")

    assert guess is not None and guess.code == "en"
    assert 0.5 <= guess.confidence < 0.8


def test_given_shared_words_with_another_language_when_guessed_then_not_english() -> None:
    guess = guess_language("El libro original\nBOOK")

    assert guess is None or guess.code != "en"


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
