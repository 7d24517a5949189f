"""Known predictions give known accuracy, tier precision and calibration bins."""

from pathlib import Path

import pytest
from PIL import Image

from snaplist_local.evaluation.metrics import (
    FieldOutcome,
    calibration_bins,
    calibration_pairs,
    field_reports,
    normalise_text,
    percentile,
    value_matches,
)
from snaplist_local.evaluation.reliability import draw_reliability


def outcome(tier: str, shown: object, expected: str | None, confidence: float = 0.9, **kw):
    return FieldOutcome(
        product_type=kw.pop("product_type", "book"),
        field=kw.pop("field", "title"),
        shown_value=shown if tier != "empty" else None,
        withheld_value=kw.pop("withheld", None),
        confidence=confidence,
        tier=tier,
        expected=expected,
        **kw,
    )


def test_given_author_spellings_when_normalised_then_they_compare_equal():
    assert normalise_text("  Tolkien, J.R.R. ") == "tolkien j r r"
    assert normalise_text("Émile   ZOLA") == "emile zola"
    assert value_matches("The Wizard of Oz", "the wizard of oz")
    assert not value_matches("The Wizard", "The Wizard of Oz")


def test_given_visible_text_when_containment_then_a_whole_word_run_matches_only():
    label = "The Original Oz Book; The Wizard of Oz; L. Frank Baum"
    assert value_matches("L. Frank Baum", label, containment=True)
    assert not value_matches("Bau", label, containment=True)
    assert not value_matches("", label, containment=True)


def test_given_list_values_when_compared_then_order_does_not_matter():
    assert value_matches(["leather", "steel"], "steel|leather")
    assert not value_matches(["steel"], "steel|leather")


def test_given_known_outcomes_when_reported_then_accuracy_fill_and_tier_precision_follow():
    outcomes = [
        outcome("green", "Dune", "Dune"),
        outcome("green", "Dune Messiah", "Dune"),
        outcome("yellow", "Emma", "Emma", confidence=0.6),
        outcome("empty", None, "Ulysses", confidence=0.2, withheld="Ulysses"),
        outcome("empty", None, "Hamlet", confidence=0.1, withheld="Macbeth"),
        outcome("green", "Unlabelled", None),
    ]

    reports = {(r.product_type, r.field): r for r in field_reports(outcomes)}
    book = reports[("book", "title")]

    assert book.total == 6
    assert book.fill_rate == pytest.approx(4 / 6)
    assert book.labelled == 5
    assert book.accuracy == pytest.approx(2 / 3)
    assert book.tiers["green"].precision == pytest.approx(1 / 2)
    assert book.tiers["yellow"].precision == 1.0
    assert book.tiers["empty"].precision == pytest.approx(1 / 2)
    assert reports[("all", "title")].total == 6


def test_given_no_labelled_filled_field_when_reported_then_accuracy_is_unknown_not_zero():
    reports = field_reports([outcome("empty", None, "Dune", confidence=0.1)])
    assert reports[0].accuracy is None
    assert reports[0].fill_rate == 0


def test_given_pairs_when_binned_then_counts_means_and_ece_are_exact():
    pairs = [(0.95, True), (0.95, False), (1.0, True), (0.15, False), (0.55, True)]

    bins, ece = calibration_bins(pairs, bins=10)

    assert len(bins) == 10
    top = bins[9]
    assert top.count == 3
    assert top.mean_confidence == pytest.approx((0.95 + 0.95 + 1.0) / 3)
    assert top.accuracy == pytest.approx(2 / 3)
    assert bins[1].count == 1 and bins[1].accuracy == 0
    assert bins[5].count == 1 and bins[5].accuracy == 1
    assert bins[0].count == 0 and bins[0].accuracy is None
    expected_gap = 3 * abs(2.9 / 3 - 2 / 3) + abs(0.15 - 0) + abs(0.55 - 1)
    assert ece == pytest.approx(expected_gap / 5)


def test_given_outcomes_when_paired_then_fields_without_any_value_are_left_out():
    pairs = calibration_pairs(
        [
            outcome("green", "Dune", "Dune", confidence=0.9),
            outcome("empty", None, "Emma", confidence=0.3, withheld="Emma"),
            outcome("empty", None, "Emma", confidence=0.0),
            outcome("green", "x", None),
        ]
    )
    assert pairs == [(0.9, True), (0.3, True)]


def test_given_values_when_percentiles_taken_then_they_interpolate_like_numpy():
    assert percentile([1, 2, 3, 4], 50) == 2.5
    assert percentile([10, 20, 30, 40, 50], 95) == pytest.approx(48.0)
    assert percentile([], 50) is None


def test_given_bins_when_drawn_then_a_png_of_the_stated_size_is_written(tmp_path: Path):
    bins, _ = calibration_bins([(0.9, True), (0.4, False), (0.45, True)])

    path = draw_reliability({"offline": bins, "scripted": bins}, tmp_path / "r.png")

    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (480, 480)
        # Bars are drawn: some pixels carry the first series' colour.
        assert (31, 119, 180) in {pixel for _, pixel in image.getcolors(100_000) or []}
