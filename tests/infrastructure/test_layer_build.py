"""The built shared layer holds the package, prompts and taxonomy where Lambda looks for them.

Builds with scripts/sam-check when the artifact is missing. Without the SAM CLI venv this test
fails and says how to install it: a layer nobody checked is not a layer that works.
"""

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SAM = REPO / ".tools" / "sam" / "bin" / "sam"
LAYER = REPO / ".aws-sam" / "build" / "SharedLayer"


def _build_if_missing() -> None:
    assert SAM.exists(), (
        "the SAM CLI is not installed; run: "
        "python3 -m venv .tools/sam && .tools/sam/bin/pip install aws-sam-cli"
    )
    sources = [
        *REPO.glob("src/snaplist/**/*.py"),
        *REPO.glob("prompts/*"),
        *REPO.glob("taxonomy/*"),
    ]
    newest = max(path.stat().st_mtime for path in sources)
    if LAYER.is_dir() and LAYER.stat().st_mtime >= newest:
        return
    subprocess.run([str(REPO / "scripts" / "sam-check")], cwd=REPO, check=True, timeout=540)


def test_the_built_layer_holds_the_package_its_dependencies_prompts_and_taxonomy() -> None:
    _build_if_missing()

    python = LAYER / "python"
    data = LAYER / "snaplist-data"
    assert (python / "snaplist" / "pipeline" / "steps.py").is_file()
    assert (python / "snaplist" / "domain" / "service.py").is_file()
    for prompt in (REPO / "prompts").iterdir():
        assert (data / "prompts" / prompt.name).read_bytes() == prompt.read_bytes()
    for vocabulary in (REPO / "taxonomy").iterdir():
        assert (data / "taxonomy" / vocabulary.name).read_bytes() == vocabulary.read_bytes()


def test_the_built_layer_carries_arm64_cpython_3_13_binaries() -> None:
    _build_if_missing()

    binaries = [path.name for path in (LAYER / "python").rglob("*.so")]
    assert any(name.startswith("_pydantic_core.cpython-313-aarch64") for name in binaries)
    assert not any("x86_64" in name for name in binaries)
