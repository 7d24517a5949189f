"""`snaplist eval` and `snaplist bench` end to end, as a user runs them (subprocesses)."""

import json
import subprocess
import sys
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / ".." / "shared" / "samples"


def snaplist(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "snaplist_local.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_given_two_labelled_photos_when_evaluated_then_table_json_and_diagram_are_written(
    tmp_path: Path,
):
    out = tmp_path / "eval"
    labels = SAMPLES / "MANIFEST.csv"

    done = snaplist(
        "eval",
        "--labels",
        str(labels),
        "--provider",
        "instant",
        "--limit",
        "2",
        "--out",
        str(out),
        cwd=tmp_path,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert "photo 2/2" in done.stderr
    assert "product_type" in done.stdout and "instant" in done.stdout
    report = json.loads((out / "report.json").read_text())
    (provider,) = report["providers"]
    assert (provider["listings"], provider["ready"]) == (2, 2)
    assert provider["tokens_in_per_listing"] > 0
    assert {"classify", "extract", "validate", "total_wall"} <= set(provider["latency_ms"])
    with Image.open(out / "reliability.png") as image:
        assert image.format == "PNG"


def test_given_two_listings_when_benched_then_all_four_tables_are_printed(tmp_path: Path):
    done = snaplist(
        "bench",
        "--listings",
        "2",
        "--repeat",
        "1",
        "--photos",
        str(SAMPLES / "watch"),
        "--out",
        str(tmp_path),
        cwd=tmp_path,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    for heading in ("Pipeline overhead", "Cold start", "Tokens per listing", "All-in cost"):
        assert heading in done.stdout
    result = json.loads((tmp_path / "bench.json").read_text())
    assert result["overhead"]["failed"] == 0
    assert result["overhead"]["steps_ms"]["total (upload to READY)"] > 0
    assert result["tokens"]["ratio"]["image_tokens"] >= 1
    assert result["cost"]["aws_total"] > 0
    assert {row["module"] for row in result["cold_start"]["functions"]} >= {"classify", "extract"}
