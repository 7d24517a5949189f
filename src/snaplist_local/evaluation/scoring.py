"""From a listing run and its label to field outcomes, and from many runs to one report.

Product type is scored as a field too: its confidence is the classifier's. When the pipeline
fell back to generic because the guess was unsure, the confidence in "generic" is taken as one
minus the guess's confidence.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from snaplist.domain.validator import tier_of
from snaplist_local.evaluation.labels import LabelledPhoto
from snaplist_local.evaluation.metrics import (
    CalibrationBin,
    FieldOutcome,
    FieldReport,
    calibration_bins,
    calibration_pairs,
    field_reports,
    percentile,
)
from snaplist_local.evaluation.runner import ListingRun

PRODUCT_TYPE_FIELD = "product_type"


def product_type_outcome(label: LabelledPhoto, record: dict[str, Any]) -> FieldOutcome:
    shown = record.get("product_type")
    guessed = record.get("guessed_type") or shown
    confidence = float(record.get("product_type_confidence") or 0.0)
    if shown != guessed:
        confidence = 1.0 - confidence
    tier = tier_of(confidence)
    return FieldOutcome(
        product_type=label.product_type.value,
        field=PRODUCT_TYPE_FIELD,
        shown_value=shown if tier != "empty" else None,
        withheld_value=shown if tier == "empty" else None,
        confidence=confidence,
        tier=tier,
        expected=label.product_type.value,
    )


def field_outcomes(label: LabelledPhoto, run: ListingRun) -> list[FieldOutcome]:
    """Every field the draft holds, plus every labelled field it lacks (counted as empty)."""
    record = run.record
    outcomes = [product_type_outcome(label, record)]
    fields: dict[str, Any] = record.get("fields") or {}
    for name in sorted(set(fields) | set(label.fields)):
        shown = fields.get(name) or {}
        expectation = label.fields.get(name)
        tier = str(shown.get("tier") or "empty")
        outcomes.append(
            FieldOutcome(
                product_type=label.product_type.value,
                field=name,
                shown_value=shown.get("value") if tier != "empty" else None,
                withheld_value=run.withheld.get(name),
                confidence=float(shown.get("confidence") or 0.0),
                tier=tier,
                expected=expectation.value if expectation else None,
                containment=bool(expectation and expectation.containment),
            )
        )
    return outcomes


def failed_outcomes(label: LabelledPhoto) -> list[FieldOutcome]:
    """A listing that failed shows nothing: its labelled fields all count as empty and unknown."""
    names = [PRODUCT_TYPE_FIELD, *sorted(label.fields)]
    return [
        FieldOutcome(
            product_type=label.product_type.value,
            field=name,
            shown_value=None,
            confidence=0.0,
            tier="empty",
            expected=label.product_type.value
            if name == PRODUCT_TYPE_FIELD
            else label.fields[name].value,
            containment=name != PRODUCT_TYPE_FIELD and label.fields[name].containment,
        )
        for name in names
    ]


@dataclass
class ProviderReport:
    provider: str
    model: str
    listings: int = 0
    ready: int = 0
    outcomes: list[FieldOutcome] = field(default_factory=list)
    tokens_in: list[int] = field(default_factory=list)
    tokens_out: list[int] = field(default_factory=list)
    cost_usd: list[float] = field(default_factory=list)
    steps_ms: dict[str, list[float]] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)

    def add(self, label: LabelledPhoto, run: ListingRun | None, error: str | None = None) -> None:
        self.listings += 1
        if run is None or not run.ready:
            reason = error or str((run.record if run else {}).get("error") or "failed")
            self.failures[reason] = self.failures.get(reason, 0) + 1
            self.outcomes.extend(failed_outcomes(label))
            return
        self.ready += 1
        self.outcomes.extend(field_outcomes(label, run))
        self.tokens_in.append(int(run.record.get("tokens_in") or 0))
        self.tokens_out.append(int(run.record.get("tokens_out") or 0))
        self.cost_usd.append(float(run.record.get("cost_usd") or 0.0))
        steps = dict(run.steps_ms)
        steps["total_wall"] = run.wall_ms
        for step, ms in steps.items():
            self.steps_ms.setdefault(step, []).append(ms)

    def reports(self) -> list[FieldReport]:
        return field_reports(self.outcomes)

    def calibration(self, bins: int = 10) -> tuple[list[CalibrationBin], float | None]:
        return calibration_bins(calibration_pairs(self.outcomes), bins)

    def summary(self) -> dict[str, Any]:
        bins, ece = self.calibration()
        return {
            "provider": self.provider,
            "model": self.model,
            "listings": self.listings,
            "ready": self.ready,
            "failures": self.failures,
            "tokens_in_per_listing": _mean(self.tokens_in),
            "tokens_out_per_listing": _mean(self.tokens_out),
            "usd_per_listing": _mean(self.cost_usd),
            "latency_ms": {
                step: {"p50": percentile(values, 50), "p95": percentile(values, 95)}
                for step, values in self.steps_ms.items()
            },
            "calibration": {
                "ece": ece,
                "bins": [bin_.__dict__ for bin_ in bins],
            },
            "fields": [_report_json(report) for report in self.reports()],
        }


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _report_json(report: FieldReport) -> dict[str, Any]:
    return {
        "product_type": report.product_type,
        "field": report.field,
        "total": report.total,
        "filled": report.filled,
        "fill_rate": report.fill_rate,
        "labelled": report.labelled,
        "accuracy": report.accuracy,
        "tiers": {
            tier: {"count": count.count, "correct": count.correct, "precision": count.precision}
            for tier, count in report.tiers.items()
        },
    }
