"""Maker names: one key per maker however the name is written."""

import pytest

from snaplist.domain import InMemoryMakerRepository, maker_id_for, maker_key
from snaplist.domain.makers import display_name


@pytest.mark.parametrize(
    "name", ["J.R.R. Tolkien", "J. R. R. Tolkien", "Tolkien, J.R.R.", "  j.r.r.   TOLKIEN "]
)
def test_given_ways_of_writing_tolkien_then_they_fold_to_one_key(name: str) -> None:
    assert maker_key(name) == "j r r tolkien"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Bing & Grøndahl", "Bing and Grondahl"),
        ("Carl Hansen & Søn", "CARL HANSEN AND SON"),
        ("Levi's", "Levis"),
        ("Vilhelm Hammershøi", "Hammershoi, Vilhelm"),
    ],
)
def test_given_accents_ampersands_and_apostrophes_then_names_still_match(
    first: str, second: str
) -> None:
    assert maker_key(first) == maker_key(second)


def test_given_a_company_with_a_comma_then_it_is_not_read_as_surname_first() -> None:
    assert display_name("Smith, Inc.") == "Smith, Inc."
    assert display_name("Blixen, Karen") == "Karen Blixen"


def test_given_different_makers_then_keys_and_ids_differ() -> None:
    assert maker_key("Seiko") != maker_key("Citizen")
    assert maker_id_for(maker_key("Seiko")) != maker_id_for(maker_key("Citizen"))


def test_given_the_same_key_twice_then_the_repository_returns_the_first_maker() -> None:
    repository = InMemoryMakerRepository()

    first = repository.get_or_create("j r r tolkien", "J.R.R. Tolkien")
    second = repository.get_or_create("j r r tolkien", "Tolkien, J.R.R.")

    assert first == second
    assert second.name == "J.R.R. Tolkien"
    assert first.maker_id == maker_id_for("j r r tolkien")
    assert len(repository.makers) == 1
