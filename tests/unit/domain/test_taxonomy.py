"""The shipped taxonomy, exact matching, and the check a marketplace runs on its own files."""

import argparse
import shutil
from pathlib import Path

import pytest
from tests.unit.domain.conftest import PROMPTS_DIR, TAXONOMY_DIR

from snaplist.domain import ConfigurationError, ProductType, Taxonomy, check_data, load_taxonomy
from snaplist_local.commands import taxonomy as taxonomy_command


def main(argv: list[str]) -> int:
    """`snaplist <argv>` with only the taxonomy command registered."""
    parser = argparse.ArgumentParser(prog="snaplist")
    taxonomy_command.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.handler(args))


@pytest.fixture
def own_copy(tmp_path: Path) -> tuple[Path, Path]:
    """A marketplace's own copy of the taxonomy and prompts, free to break."""
    taxonomy, prompts = tmp_path / "taxonomy", tmp_path / "prompts"
    shutil.copytree(TAXONOMY_DIR, taxonomy)
    shutil.copytree(PROMPTS_DIR, prompts)
    return taxonomy, prompts


def test_given_the_shipped_taxonomy_then_every_type_has_categories_and_shipping(
    taxonomy: Taxonomy,
) -> None:
    for product_type in ProductType:
        categories = taxonomy.terms("categories", product_type)
        assert categories, product_type
        for category in categories:
            shipping = taxonomy.shipping_default(product_type, category.slug)
            assert shipping.weight_kg > 0 and shipping.length_cm > 0


def test_given_the_shipped_taxonomy_then_languages_are_iso_codes_and_tag_ids_unique(
    taxonomy: Taxonomy,
) -> None:
    codes = [term.slug for term in taxonomy.vocabularies["languages"]]
    assert all(len(code) == 2 and code.islower() for code in codes)
    assert {"da", "en", "de"} <= set(codes)
    ids = [tag.id for tag in taxonomy.tags]
    assert len(ids) == len(set(ids))


def test_given_conditions_then_they_run_from_new_to_for_parts(taxonomy: Taxonomy) -> None:
    slugs = [term.slug for term in taxonomy.terms("conditions", ProductType.BOOK)]

    assert slugs[0] == "new_with_tags" and slugs[-1] == "for_parts"
    assert {"like_new", "very_good", "good"} <= set(slugs)


def test_given_materials_then_only_those_of_the_type_are_offered(taxonomy: Taxonomy) -> None:
    watch = {term.slug for term in taxonomy.terms("materials", ProductType.WATCH)}
    book = {term.slug for term in taxonomy.terms("materials", ProductType.BOOK)}

    assert "stainless_steel" in watch and "stainless_steel" not in book
    assert "paper" in book and "paper" not in watch


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Shoes", "shoes"),
        (" shoes ", "shoes"),
        ("SHOES", "shoes"),
        ("sneakers", None),
        ("Toys and games", "toys_games"),
        ("toys-games", "toys_games"),
        ("shoe", None),
    ],
)
def test_given_a_raw_value_then_only_an_exact_match_up_to_case_and_spacing_counts(
    taxonomy: Taxonomy, raw: str, expected: str | None
) -> None:
    assert taxonomy.match("categories", ProductType.GENERIC, raw) == expected


def test_given_an_unknown_category_then_the_types_default_shipping_applies(
    taxonomy: Taxonomy,
) -> None:
    default = taxonomy.shipping_default(ProductType.WATCH, None)

    assert default == taxonomy.shipping_default(ProductType.WATCH, "no_such_category")
    assert default == taxonomy.categories[ProductType.WATCH].default_shipping


def test_given_the_shipped_files_then_the_check_passes_and_says_what_it_checked() -> None:
    report = check_data(TAXONOMY_DIR, PROMPTS_DIR)

    assert report.ok, report.problems
    assert any("categories" in line for line in report.checked)
    assert any("watch.txt" in line for line in report.checked)


@pytest.mark.parametrize(
    ("file", "old", "new", "problem"),
    [
        ("languages.yaml", "{slug: da,", "{slug: dan,", "'dan' is not an ISO 639-1 code"),
        ("tags.yaml", "id: tag-0002", "id: tag-0001", "id 'tag-0001' used by"),
        ("conditions.yaml", "slug: good,", "slug: very_good,", "appears more than once"),
        ("conditions.yaml", "label: Good,", "label: Very good,", "both match"),
        ("categories.yaml", "weight_kg: 0.6}", "weight_kg: -1}", "greater than 0"),
        ("materials.yaml", "types: [book]}", "types: [boat]}", "entry 2"),
        ("currencies.yaml", "values:", "values: [", "not valid YAML"),
    ],
)
def test_given_a_broken_taxonomy_file_then_the_check_names_the_problem(
    own_copy: tuple[Path, Path], file: str, old: str, new: str, problem: str
) -> None:
    taxonomy, prompts = own_copy
    path = taxonomy / file
    assert old in path.read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")

    report = check_data(taxonomy, prompts)

    assert not report.ok
    assert any(problem in line and file in line for line in report.problems), report.problems
    with pytest.raises(ConfigurationError):
        load_taxonomy(taxonomy)


def test_given_a_missing_vocabulary_file_then_the_check_says_which_field_needs_it(
    own_copy: tuple[Path, Path],
) -> None:
    taxonomy, prompts = own_copy
    (taxonomy / "watch_movements.yaml").unlink()

    report = check_data(taxonomy, prompts)

    assert "taxonomy: watch_movements.yaml: missing, but a field takes its values from it" in (
        report.problems
    )


def test_given_a_product_type_without_categories_then_the_check_fails(
    own_copy: tuple[Path, Path],
) -> None:
    taxonomy, prompts = own_copy
    text = (taxonomy / "categories.yaml").read_text(encoding="utf-8")
    (taxonomy / "categories.yaml").write_text(text.split("\njewellery:")[0] + "\n")

    report = check_data(taxonomy, prompts)

    assert any("no categories for product type 'jewellery'" in p for p in report.problems)


def test_given_the_cli_on_shipped_files_then_it_prints_the_checks_and_exits_zero(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(
        ["taxonomy", "check", "--taxonomy", str(TAXONOMY_DIR), "--prompts", str(PROMPTS_DIR)]
    )

    output = capsys.readouterr().out
    assert code == 0
    assert "checked taxonomy categories" in output
    assert "taxonomy and prompts are consistent" in output


def test_given_the_cli_on_a_broken_template_then_it_exits_non_zero_with_the_reason(
    own_copy: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    taxonomy, prompts = own_copy
    with (prompts / "watch.txt").open("a", encoding="utf-8") as template:
        template.write("\nStrap colours: {STRAP_COLOURS}\n")

    code = main(["taxonomy", "check", "--taxonomy", str(taxonomy), "--prompts", str(prompts)])

    output = capsys.readouterr().out
    assert code == 1
    assert "watch.txt: cannot fill {STRAP_COLOURS}" in output
    assert "1 problem(s) found" in output
