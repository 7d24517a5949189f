"""Fixtures for the offline model tests: one real server on a free loopback port per session."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from snaplist_local.offline.evaluation import SampleResult, load_manifest, run_sample
from snaplist_local.offline.server import ServerHandle, start_background

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "samples"


@pytest.fixture(scope="session")
def offline_server() -> Iterator[ServerHandle]:
    handle = start_background(0)
    yield handle
    handle.stop()


@pytest.fixture(scope="session")
def manifest() -> list[dict[str, str]]:
    return load_manifest(SAMPLES)


@pytest.fixture(scope="session")
def pipeline_results(
    offline_server: ServerHandle, manifest: list[dict[str, str]]
) -> list[SampleResult]:
    """Every MANIFEST photo prepared as the pipeline's VisionService sends it, then answered."""
    return [run_sample(offline_server.base_url, SAMPLES, row, "budgets") for row in manifest]


@pytest.fixture(scope="session")
def original_results(
    offline_server: ServerHandle, manifest: list[dict[str, str]]
) -> list[SampleResult]:
    """Every MANIFEST file sent as it is (HEIC, WebP, 12 MP JPEG included)."""
    return [run_sample(offline_server.base_url, SAMPLES, row, "original") for row in manifest]
