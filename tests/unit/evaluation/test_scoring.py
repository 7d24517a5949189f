"""Labels, field outcomes from listing records, the cost model and the Qwen-VL token rule."""

from collections import Counter
from pathlib import Path

import pytest

from snaplist.domain.models import ProductType
from snaplist_local.evaluation import costs
from snaplist_local.evaluation.labels import LabelError, load_labels
from snaplist_local.evaluation.runner import ListingRun
from snaplist_local.evaluation.scoring import ProviderReport, field_outcomes
from snaplist_local.evaluation.tokens import QwenRule

SAMPLES = Path(__file__).resolve().parents[3] / ".." / "shared" / "samples"


def write_labels(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "labels.csv"
    path.write_text(text, encoding="utf-8")
    return path


def listing(fields: dict, withheld: dict | None = None, **record) -> ListingRun:
    base = {"status": "READY", "product_type": "book", "guessed_type": "book"}
    base.update(product_type_confidence=0.9, fields=fields, tokens_in=100, tokens_out=10)
    base.update(record)
    return ListingRun(["a.jpg"], base, withheld or {}, 250.0, {"StoreDraft": 20.0}, 4, Counter())


def test_given_a_label_csv_when_loaded_then_paths_types_and_fields_follow(tmp_path: Path):
    csv_path = write_labels(
        tmp_path,
        "file,product_type,field.maker,field.materials,visible_text\n"
        "photos/a.jpg,book,Tolkien,paper|cloth,\n"
        "b.png,other,,,ACME Kettle\n",
    )

    first, second = load_labels(csv_path)

    assert first.path == (tmp_path / "photos" / "a.jpg").resolve()
    assert first.product_type is ProductType.BOOK
    assert first.fields["maker"].value == "Tolkien"
    assert not first.fields["maker"].containment
    assert first.fields["materials"].value == "paper|cloth"
    assert second.product_type is ProductType.GENERIC
    assert second.fields["title"].containment and second.fields["maker"].value == "ACME Kettle"


def test_given_a_label_csv_without_product_type_when_loaded_then_it_is_refused(tmp_path: Path):
    with pytest.raises(LabelError, match="product_type"):
        load_labels(write_labels(tmp_path, "file\na.jpg\n"))
    with pytest.raises(LabelError, match=r"labels\.csv:2"):
        load_labels(write_labels(tmp_path, "file,product_type\na.jpg,spaceship\n"))


def test_given_the_shared_manifest_when_loaded_then_every_photo_and_type_is_there():
    labels = load_labels(SAMPLES / "MANIFEST.csv")

    assert len(labels) == 45
    assert all(label.path.is_file() for label in labels)
    types = Counter(label.product_type for label in labels)
    assert types[ProductType.GENERIC] == 14  # 8 bad + 6 other
    assert types[ProductType.FURNITURE] == 6
    assert sum("title" in label.fields for label in labels) == 27
    isbns = {label.name: label.fields["isbn"].value for label in labels if "isbn" in label.fields}
    assert isbns["book-barcode-isbn-pearson.png"] == "9780201752847"
    assert isbns["book-barcode-isbn-spanish-label.png"] == "9788430532674"
    assert len(isbns) == 5  # the four barcodes and the unreadable blurry one


def test_given_a_record_when_scored_then_tiers_withheld_and_labels_line_up(tmp_path: Path):
    (label,) = load_labels(
        write_labels(
            tmp_path, "file,product_type,field.isbn,visible_text\na.jpg,book,9780140013993,Dune\n"
        )
    )
    run = listing(
        {
            "title": {"value": "Dune", "confidence": 0.9, "tier": "green"},
            "maker": {"value": None, "confidence": 0.3, "tier": "empty"},
        },
        withheld={"maker": "Frank Herbert"},
    )

    outcomes = {outcome.field: outcome for outcome in field_outcomes(label, run)}

    assert outcomes["product_type"].correct and outcomes["product_type"].tier == "green"
    assert outcomes["title"].correct
    assert outcomes["maker"].withheld_value == "Frank Herbert" and not outcomes["maker"].correct
    # A labelled field the draft lacks counts as empty and wrong.
    assert outcomes["isbn"].tier == "empty" and outcomes["isbn"].correct is False


def test_given_a_fallback_to_generic_when_scored_then_confidence_is_in_generic(tmp_path: Path):
    (label,) = load_labels(write_labels(tmp_path, "file,product_type\na.jpg,bad\n"))
    run = listing({}, product_type="generic", guessed_type="watch", product_type_confidence=0.1)

    (outcome,) = field_outcomes(label, run)

    assert outcome.confidence == pytest.approx(0.9)
    assert outcome.tier == "green" and outcome.correct


def test_given_ready_and_failed_listings_when_summarised_then_figures_are_exact(tmp_path: Path):
    (label,) = load_labels(write_labels(tmp_path, "file,product_type\na.jpg,book\n"))
    report = ProviderReport("scripted", "m")

    report.add(label, listing({}, tokens_in=100, cost_usd=0.002))
    report.add(label, listing({}, tokens_in=300, cost_usd=0.004))
    report.add(label, None, error="timeout")
    summary = report.summary()

    assert (summary["listings"], summary["ready"]) == (3, 2)
    assert summary["failures"] == {"timeout": 1}
    assert summary["tokens_in_per_listing"] == 200
    assert summary["usd_per_listing"] == pytest.approx(0.003)
    assert summary["latency_ms"]["total_wall"]["p50"] == 250.0
    product = next(row for row in summary["fields"] if row["product_type"] == "book")
    assert product["total"] == 3 and product["accuracy"] == 1.0 and product["fill_rate"] == 2 / 3


def test_given_known_usage_when_priced_then_each_line_item_is_its_arithmetic():
    prices = costs.load_prices()
    usage = costs.ListingUsage(
        invocations=[("ClassifyFunction", 1024, 999.2), ("ValidateFunction", 256, 10)],
        transitions=4,
        write_units=10,
        read_units=2,
        s3_puts=1,
        s3_gets=2,
        photo_bytes=1024**3,
    )

    items = costs.aws_cost(usage, prices)

    gb_s = 1.0 * 1.0 + 0.25 * 0.010  # billed duration rounds up to the millisecond
    assert items["lambda_compute"] == pytest.approx(gb_s * prices.lambda_.arm64_usd_per_gb_second)
    assert items["lambda_requests"] == pytest.approx(2 * 0.20 / 1e6)
    assert items["step_functions"] == pytest.approx(4 * 0.025 / 1000)
    assert items["dynamodb_writes"] == pytest.approx(10 * 0.625 / 1e6)
    assert items["s3_storage"] == pytest.approx(0.023 * 7 / 30)
    assert items["api_gateway"] == pytest.approx(6 * 1.00 / 1e6)
    assert costs.monthly(sum(items.values()), 100_000) == pytest.approx(1e5 * sum(items.values()))


def test_given_image_sizes_when_counted_then_the_qwen_patch_rule_applies():
    rule = QwenRule()

    assert rule.resized(1148, 840) == (1148, 840)
    assert rule.image_tokens(1148, 840) == 41 * 30 + 2
    assert rule.resized(10, 10) == (56, 56)
    width, height = rule.resized(8000, 6000)
    assert width * height <= rule.max_pixels and width % 28 == height % 28 == 0
