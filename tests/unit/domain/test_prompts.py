"""Prompt building: templates from disk, filled with exactly the allowed values per type."""

import json
import shutil
from pathlib import Path

import pytest
from tests.unit.domain.conftest import PROMPTS_DIR, TAXONOMY_DIR

from snaplist.domain import (
    FORBIDDEN_FIELDS,
    ConfigurationError,
    ProductType,
    Taxonomy,
    VisionPromptBuilder,
    fields_for,
    load_taxonomy,
)


@pytest.fixture
def prompts_copy(tmp_path: Path) -> Path:
    shutil.copytree(PROMPTS_DIR, tmp_path / "prompts")
    return tmp_path / "prompts"


def test_given_a_watch_then_its_prompt_holds_watch_values_and_no_book_values(
    builder: VisionPromptBuilder,
) -> None:
    prompt = builder.extraction_prompt(ProductType.WATCH)

    assert "automatic" in prompt and "wristwatch" in prompt and "stainless_steel" in prompt
    assert "paperback" not in prompt and "hardcover" not in prompt
    assert "{" + "CATEGORIES}" not in prompt and "{MATERIALS}" not in prompt


def test_given_a_book_then_languages_and_formats_are_injected(
    builder: VisionPromptBuilder,
) -> None:
    prompt = builder.extraction_prompt(ProductType.BOOK)

    assert "da (Danish)" in prompt and "hardcover_dust_jacket" in prompt
    assert "- isbn (text)" in prompt
    assert "automatic" not in prompt


def test_given_each_type_then_the_prompt_stays_small(builder: VisionPromptBuilder) -> None:
    sizes = {t: len(builder.extraction_prompt(t)) for t in ProductType}

    # About 4 characters a token: every system prompt stays near a thousand tokens.
    assert max(sizes.values()) < 4500, sizes
    assert len(builder.classification_prompt()) < 1000


def test_given_the_classification_prompt_then_it_lists_the_product_types(
    builder: VisionPromptBuilder,
) -> None:
    prompt = builder.classification_prompt()

    assert "book, artwork, jewellery, watch, furniture, electronics, generic" in prompt


@pytest.mark.parametrize("product_type", list(ProductType))
def test_given_a_type_then_the_schema_describes_itself_with_names_enums_and_descriptions(
    builder: VisionPromptBuilder, taxonomy: Taxonomy, product_type: ProductType
) -> None:
    schema = builder.extraction_schema(product_type)

    names = [spec.name for spec in fields_for(product_type)]
    assert list(schema["properties"]) == names == schema["required"]
    assert not FORBIDDEN_FIELDS & set(schema["properties"])
    for name, prop in schema["properties"].items():
        assert prop["description"], name
        assert prop["required"] == ["value", "confidence", "suggestion"]
    categories = schema["properties"]["category"]["properties"]["value"]["enum"]
    expected = [term.slug for term in taxonomy.terms("categories", product_type)]
    assert categories == [*expected, None]
    tags = schema["properties"]["tags"]["properties"]["value"]["items"]["enum"]
    assert tags == [term.slug for term in taxonomy.terms("tags", product_type)]
    json.dumps(schema)


def test_given_the_classification_schema_then_it_enumerates_the_types(
    builder: VisionPromptBuilder,
) -> None:
    schema = builder.classification_schema()

    assert schema["properties"]["product_type"]["enum"] == [t.value for t in ProductType]
    assert schema["required"] == ["product_type", "confidence"]


def test_given_a_placeholder_the_taxonomy_cannot_fill_then_loading_fails(
    prompts_copy: Path, taxonomy: Taxonomy
) -> None:
    template = prompts_copy / "furniture.txt"
    template.write_text(template.read_text() + "\nWood finishes: {FINISHES}\n")

    with pytest.raises(ConfigurationError, match=r"furniture.txt: cannot fill \{FINISHES\}"):
        VisionPromptBuilder(prompts_copy, taxonomy)


def test_given_a_new_vocabulary_file_then_its_placeholder_can_be_used(
    prompts_copy: Path, tmp_path: Path
) -> None:
    taxonomy_dir = tmp_path / "taxonomy"
    shutil.copytree(TAXONOMY_DIR, taxonomy_dir)
    (taxonomy_dir / "finishes.yaml").write_text(
        "values:\n  - {slug: oiled, label: Oiled}\n  - {slug: lacquered, label: Lacquered}\n"
    )
    template = prompts_copy / "furniture.txt"
    template.write_text(template.read_text() + "\nWood finishes: {FINISHES}\n")

    builder = VisionPromptBuilder(prompts_copy, load_taxonomy(taxonomy_dir))

    assert "Wood finishes: oiled, lacquered" in builder.extraction_prompt(ProductType.FURNITURE)


def test_given_a_template_that_hides_a_fields_allowed_values_then_loading_fails(
    prompts_copy: Path, taxonomy: Taxonomy
) -> None:
    template = prompts_copy / "watch.txt"
    template.write_text(template.read_text().replace("{WATCH_MOVEMENTS}", "(any)"))

    with pytest.raises(ConfigurationError, match=r"watch.txt: field 'movement' needs"):
        VisionPromptBuilder(prompts_copy, taxonomy)


def test_given_a_missing_template_then_loading_fails(
    prompts_copy: Path, taxonomy: Taxonomy
) -> None:
    (prompts_copy / "jewellery.txt").unlink()

    with pytest.raises(ConfigurationError, match=r"jewellery\.txt is missing"):
        VisionPromptBuilder(prompts_copy, taxonomy)


def test_given_a_template_change_then_the_builder_reads_it_from_disk(
    prompts_copy: Path, taxonomy: Taxonomy
) -> None:
    template = prompts_copy / "generic.txt"
    template.write_text("Describe this item for the flea market.\n" + template.read_text())

    builder = VisionPromptBuilder(prompts_copy, taxonomy)

    assert builder.extraction_prompt(ProductType.GENERIC).startswith("Describe this item")
