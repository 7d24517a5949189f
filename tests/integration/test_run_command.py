"""`snaplist run` as a user runs it: a subprocess, a sample photo, a loopback model."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.conftest import (
    EXTRACTION,
    REPO_ROOT,
    SAMPLES,
    PipelineProvider,
    provider_environment,
)

pytestmark = pytest.mark.integration

BOOK_SAMPLE = SAMPLES / "book" / "book-barcode-isbn-penguin.png"


def snaplist_run(*arguments: str, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SNAPLIST_") and not key.startswith("AWS_")
    }
    return subprocess.run(
        [sys.executable, "-m", "snaplist_local.cli", "run", *arguments],
        env={**clean, **environment},
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_given_a_sample_photo_when_run_then_the_draft_table_is_printed_and_exit_is_zero(
    provider: PipelineProvider,
) -> None:
    result = snaplist_run(str(BOOK_SAMPLE), environment=provider_environment(provider))

    assert result.returncode == 0, result.stderr
    assert "uploaded 1/1" in result.stderr
    assert "classified as book at 0.93" in result.stderr
    assert "extracting" in result.stderr and "validating" in result.stderr
    assert "ready in" in result.stderr
    assert "The Wizard of Oz" in result.stdout
    assert "product type  book (0.93)" in result.stdout
    for header in ("field", "value", "confidence", "tier", "suggestion"):
        assert header in result.stdout.splitlines()[0]
    # Handler logs go to a file, never into the draft on stdout.
    assert '"level"' not in result.stdout
    assert len(provider.requests_of(EXTRACTION)) == 1


def test_given_json_flag_when_run_then_the_stored_record_is_printed_with_json_numbers(
    provider: PipelineProvider,
) -> None:
    result = snaplist_run(str(BOOK_SAMPLE), "--json", environment=provider_environment(provider))

    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["status"] == "READY"
    assert isinstance(record["product_type_confidence"], float)
    assert isinstance(record["tokens_in"], int)
    assert record["fields"]["title"]["tier"] == "green"


def test_given_a_provider_that_rejects_the_request_when_run_then_exit_is_one_with_the_error(
    provider: PipelineProvider,
) -> None:
    from tests.support.scripted_provider import Reply

    provider.script_extract(Reply(status=400, body={"error": {"message": "bad request"}}))

    result = snaplist_run(str(BOOK_SAMPLE), environment=provider_environment(provider))

    assert result.returncode == 1
    assert "FAILED ProviderClientError" in result.stderr
    assert "Traceback" not in result.stderr


def test_given_a_remote_provider_without_a_key_when_run_then_one_line_names_the_variable(
    tmp_path: Path,
) -> None:
    result = snaplist_run(str(BOOK_SAMPLE), "--provider", "siliconflow", environment={})

    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "SNAPLIST_API_KEY" in result.stderr
    assert result.stdout == ""


def test_given_a_missing_photo_when_run_then_usage_error_names_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.jpg"

    result = snaplist_run(str(missing), environment={"SNAPLIST_PROVIDER": "custom"})

    assert result.returncode == 2
    assert str(missing) in result.stderr
    assert "Traceback" not in result.stderr


def test_given_a_folder_or_a_bad_timeout_when_run_then_exit_two_says_what_to_give(
    tmp_path: Path,
) -> None:
    folder = snaplist_run(str(tmp_path), environment={})
    timeout = snaplist_run("--timeout", "-1", str(BOOK_SAMPLE), environment={})

    assert folder.returncode == 2
    assert "not a file" in folder.stderr and "Traceback" not in folder.stderr
    assert timeout.returncode == 2
    assert "positive number of seconds" in timeout.stderr


def test_given_more_photos_or_bigger_files_than_the_api_takes_when_run_then_exit_two(
    tmp_path: Path,
) -> None:
    big = tmp_path / "big.jpg"
    with big.open("wb") as handle:
        handle.truncate(16 * 1024 * 1024)

    too_many = snaplist_run(*[str(BOOK_SAMPLE)] * 9, environment={})
    too_big = snaplist_run(str(big), environment={})

    assert too_many.returncode == 2 and "at most 8 photos" in too_many.stderr
    assert too_big.returncode == 2 and "larger than 15 MB" in too_big.stderr
