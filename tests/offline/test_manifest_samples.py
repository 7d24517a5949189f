"""Every sample photo gets a valid answer from the offline model, at measured accuracy floors.

The floors sit slightly below the figures measured with benchmarks/offline_model.py and stated in
docs/offline-model.md; a change that makes the model worse on the samples fails here.
"""

import time

import pytest

from snaplist_local.offline.evaluation import (
    PRODUCT_TYPES,
    SampleResult,
    classification_request,
    expected_makers,
    extraction_schema,
    pipeline_sized,
    post,
    summarise,
)
from snaplist_local.offline.server import ServerHandle
from tests.offline.conftest import SAMPLES

pytestmark = pytest.mark.offline_model

# Measured on the 45 MANIFEST photos (see docs/offline-model.md); floors a little below.
TYPE_ACCURACY_FLOOR = 0.70
TITLE_HIT_FLOOR = 0.30
BRAND_HIT_FLOOR = 0.45
LATENCY_LIMIT_SECONDS = 10.0
MEDIAN_LIMIT_MS = 3000


def assert_valid_answer(result: SampleResult) -> None:
    assert result.status == 200, f"{result.file}: {result.error}"
    assert result.product_type in PRODUCT_TYPES
    assert 0.0 <= result.confidence <= 1.0

    schema = extraction_schema(result.effective_type)["properties"]
    assert set(result.fields) == set(schema), result.file
    for name, answer in result.fields.items():
        value_schema = schema[name]["properties"]["value"]
        assert 0.0 <= answer["confidence"] <= 1.0
        if answer["value"] is None:
            assert answer["suggestion"], f"{result.file}: empty {name} without a suggestion"
            assert answer["confidence"] <= 0.3
        elif "enum" in value_schema:
            assert answer["value"] in value_schema["enum"], f"{result.file}: {name}"
        elif "items" in value_schema:
            assert set(answer["value"]) <= set(value_schema["items"]["enum"])


def test_given_every_manifest_photo_as_sent_by_the_pipeline_when_posted_then_each_is_answered(
    pipeline_results: list[SampleResult], manifest: list[dict[str, str]]
) -> None:
    assert len(pipeline_results) == len(manifest)
    for result in pipeline_results:
        assert_valid_answer(result)


def test_given_every_manifest_file_as_stored_when_posted_then_each_is_answered_quickly(
    original_results: list[SampleResult],
) -> None:
    for result in original_results:
        assert_valid_answer(result)
    assert any(r.file.endswith(".heic") for r in original_results)
    # The median, not the maximum: other work on the 2 cores can stall any single request.
    times = sorted(r.classify_ms + r.extract_ms for r in original_results)
    assert times[len(times) // 2] < MEDIAN_LIMIT_MS


def test_given_the_pipeline_photos_when_classified_then_type_accuracy_reaches_the_floor(
    pipeline_results: list[SampleResult],
) -> None:
    summary = summarise(pipeline_results)

    assert summary.type_accuracy >= TYPE_ACCURACY_FLOOR


def test_given_photos_with_visible_text_when_extracted_then_title_and_brand_reach_the_floor(
    pipeline_results: list[SampleResult],
) -> None:
    summary = summarise(pipeline_results)

    assert summary.title_rows > 0 and summary.brand_rows > 0
    assert summary.title_rate >= TITLE_HIT_FLOOR
    assert summary.brand_rate >= BRAND_HIT_FLOOR
    assert summary.isbn_rows > 0
    assert summary.isbn_hits == summary.isbn_rows


def test_given_bad_photos_when_classified_then_none_is_confidently_a_product(
    pipeline_results: list[SampleResult],
) -> None:
    bad = [r for r in pipeline_results if r.file.startswith("bad/")]

    assert bad
    assert [r.file for r in bad if r.effective_type != "generic"] == []


def test_given_bad_photos_when_extracted_then_no_maker_is_named_unless_printed(
    pipeline_results: list[SampleResult], original_results: list[SampleResult]
) -> None:
    bad = [r for r in pipeline_results + original_results if r.file.startswith("bad/")]

    named = [(r.file, r.value("maker")) for r in bad if r.value("maker")]

    printed = {r.file: expected_makers(r) for r in bad}
    assert [(file, maker) for file, maker in named if maker not in printed[file]] == []


def test_given_the_oz_cover_when_extracted_then_title_and_language_are_yellow_guesses(
    pipeline_results: list[SampleResult],
) -> None:
    oz = next(r for r in pipeline_results if r.file.endswith("book-cover-wizard-of-oz.jpg"))

    assert "The Wizard" in str(oz.value("title"))
    assert 0.5 <= oz.fields["title"]["confidence"] < 0.8
    assert oz.value("language") == "en"
    assert 0.5 <= oz.fields["language"]["confidence"] < 0.8


def test_given_brands_read_near_not_exactly_when_extracted_then_they_are_never_green(
    pipeline_results: list[SampleResult],
) -> None:
    near = [
        r
        for r in pipeline_results
        if "close to" in str(r.fields.get("maker", {}).get("suggestion"))
    ]

    assert near, "no near brand match on the samples any more"
    for result in near:
        assert 0.5 <= result.fields["maker"]["confidence"] < 0.8, result.file


@pytest.mark.parametrize("max_side", [None, 1568])
def test_given_the_largest_photo_when_classified_then_it_answers_well_under_ten_seconds(
    offline_server: ServerHandle, max_side: int | None
) -> None:
    data = (SAMPLES / "electronics" / "electronics-ipad-macbook-iphone.jpg").read_bytes()
    photo = pipeline_sized(data, max_side) if max_side else ("image/jpeg", data)

    started = time.perf_counter()
    status, _, _ = post(offline_server.base_url, classification_request([photo]))
    elapsed = time.perf_counter() - started

    assert status == 200
    assert elapsed < LATENCY_LIMIT_SECONDS
