"""S3 key decoding and execution names: pure functions, no AWS."""

import re

import pytest

from snaplist.pipeline.executions import execution_name
from snaplist.pipeline.uploads import InvalidUploadKey, decode_event_key, listing_id_from_key


@pytest.mark.parametrize(
    ("raw", "decoded"),
    [
        ("uploads/demo-listing/1-my+photo%C3%A9.jpg", "uploads/demo-listing/1-my photoé.jpg"),
        ("uploads/a/2-C%2B%2B+book.jpg", "uploads/a/2-C++ book.jpg"),
        ("uploads/caf%C3%A9+listing/3", "uploads/café listing/3"),
        ("uploads/x/1-100%25+cotton.jpg", "uploads/x/1-100% cotton.jpg"),
    ],
)
def test_given_an_encoded_event_key_when_decoded_then_spaces_plus_and_accents_are_real(
    raw: str, decoded: str
) -> None:
    assert decode_event_key(raw) == decoded


def test_given_an_upload_key_when_parsed_then_the_listing_id_is_the_segment_after_uploads() -> None:
    assert listing_id_from_key("uploads/café listing/2-C++ book.jpg") == "café listing"
    assert listing_id_from_key("uploads/abc/1") == "abc"


@pytest.mark.parametrize("key", ["other/abc/1.jpg", "uploads/abc", "uploads//1.jpg", "uploads/a/"])
def test_given_a_key_outside_the_layout_when_parsed_then_it_is_refused(key: str) -> None:
    with pytest.raises(InvalidUploadKey):
        listing_id_from_key(key)


def test_given_a_plain_id_when_named_then_the_name_is_readable_and_stable() -> None:
    assert execution_name("demo-listing") == "listing-demo-listing"
    assert execution_name("demo-listing") == execution_name("demo-listing")


@pytest.mark.parametrize("listing_id", ["café listing", "a/b:c", "x" * 200, "über+größe"])
def test_given_an_awkward_id_when_named_then_the_name_is_valid_for_step_functions(
    listing_id: str,
) -> None:
    name = execution_name(listing_id)

    assert len(name) <= 80
    assert re.fullmatch(r"[A-Za-z0-9_-]+", name)
    assert execution_name(listing_id) == name


def test_given_ids_that_clean_up_alike_when_named_then_the_names_differ() -> None:
    assert execution_name("a b") != execution_name("a-b")
    assert execution_name("a b") != execution_name("a_b")
    assert execution_name("x" * 100) != execution_name("x" * 101)
