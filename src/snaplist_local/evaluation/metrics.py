"""Metric computations for `snaplist eval`, kept free of I/O so known inputs give known figures.

A field outcome is one field of one evaluated listing: what the draft showed, with what
confidence and tier, what it withheld (values below the shown tier are kept aside), and what the
label says. Accuracy counts only labelled fields; a field with no label is measured for fill rate
alone.
"""

import dataclasses
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

TIERS = ("green", "yellow", "empty")


def normalise_text(value: Any) -> str:
    """Case, accents, punctuation and spacing folded: 'Tolkien, J.R.R. ' -> 'tolkien j r r'."""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = re.sub(r"[^\w]+", " ", text.casefold())
    return " ".join(text.split())


def value_matches(predicted: Any, expected: str, *, containment: bool = False) -> bool:
    """Exact match after normalising; with `containment`, the prediction may be part of the label.

    Containment serves free-text evidence such as a photo's visible text, where the label holds
    more words than any one field should.
    """
    if predicted is None or predicted == "" or predicted == []:
        return False
    if isinstance(predicted, list):
        wanted = {normalise_text(part) for part in expected.split("|")}
        return {normalise_text(part) for part in predicted} == wanted
    shown, label = normalise_text(predicted), normalise_text(expected)
    if not shown:
        return False
    if containment:
        return f" {shown} " in f" {label} "
    return shown == label


@dataclass(frozen=True)
class FieldOutcome:
    product_type: str
    field: str
    shown_value: Any
    confidence: float
    tier: str
    withheld_value: Any = None
    expected: str | None = None
    containment: bool = False

    @property
    def filled(self) -> bool:
        return self.tier != "empty"

    @property
    def labelled(self) -> bool:
        return self.expected is not None

    @property
    def correct(self) -> bool | None:
        """Whether the value the model produced is right: shown, or withheld when empty."""
        if self.expected is None:
            return None
        value = self.shown_value if self.filled else self.withheld_value
        return value_matches(value, self.expected, containment=self.containment)


@dataclass
class TierCount:
    count: int = 0
    correct: int = 0

    @property
    def precision(self) -> float | None:
        return self.correct / self.count if self.count else None


@dataclass
class FieldReport:
    product_type: str
    field: str
    total: int = 0
    filled: int = 0
    labelled: int = 0
    labelled_filled: int = 0
    labelled_filled_correct: int = 0
    tiers: dict[str, TierCount] = dataclasses.field(
        default_factory=lambda: {tier: TierCount() for tier in TIERS}
    )

    @property
    def fill_rate(self) -> float | None:
        return self.filled / self.total if self.total else None

    @property
    def accuracy(self) -> float | None:
        """Right among the labelled fields the draft filled in."""
        if not self.labelled_filled:
            return None
        return self.labelled_filled_correct / self.labelled_filled

    def add(self, outcome: FieldOutcome) -> None:
        self.total += 1
        self.filled += outcome.filled
        correct = outcome.correct
        if correct is None:
            return
        self.labelled += 1
        if outcome.filled:
            self.labelled_filled += 1
            self.labelled_filled_correct += correct
        tier = self.tiers[outcome.tier]
        tier.count += 1
        tier.correct += correct


def field_reports(outcomes: Iterable[FieldOutcome]) -> list[FieldReport]:
    """One report per (product type, field), plus an "all" product type across every type."""
    reports: dict[tuple[str, str], FieldReport] = {}
    for outcome in outcomes:
        for product_type in (outcome.product_type, "all"):
            key = (product_type, outcome.field)
            report = reports.setdefault(key, FieldReport(product_type, outcome.field))
            report.add(outcome)
    return [reports[key] for key in sorted(reports)]


@dataclass(frozen=True)
class CalibrationBin:
    lower: float
    upper: float
    count: int
    mean_confidence: float | None
    accuracy: float | None


def calibration_bins(
    pairs: Sequence[tuple[float, bool]], bins: int = 10
) -> tuple[list[CalibrationBin], float | None]:
    """Equal-width confidence bins and the expected calibration error (count-weighted gap).

    A confidence of exactly 1.0 falls in the last bin; every bin is returned, empty ones too, so
    a diagram always has the same axis.
    """
    grouped: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for confidence, correct in pairs:
        index = min(int(confidence * bins), bins - 1)
        grouped[index].append((confidence, correct))

    result, gap_sum = [], 0.0
    for index, members in enumerate(grouped):
        lower, upper = index / bins, (index + 1) / bins
        if not members:
            result.append(CalibrationBin(lower, upper, 0, None, None))
            continue
        mean_confidence = sum(c for c, _ in members) / len(members)
        accuracy = sum(ok for _, ok in members) / len(members)
        gap_sum += len(members) * abs(mean_confidence - accuracy)
        result.append(CalibrationBin(lower, upper, len(members), mean_confidence, accuracy))

    ece = gap_sum / len(pairs) if pairs else None
    return result, ece


def calibration_pairs(outcomes: Iterable[FieldOutcome]) -> list[tuple[float, bool]]:
    """(confidence, right) for every labelled field where the model gave a value at all."""
    pairs = []
    for outcome in outcomes:
        value = outcome.shown_value if outcome.filled else outcome.withheld_value
        if outcome.correct is None or value in (None, "", []):
            continue
        pairs.append((outcome.confidence, bool(outcome.correct)))
    return pairs


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100), as numpy's default computes it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 50)
