"""Cold start per Lambda handler: import time in a fresh interpreter, and artifact sizes.

Each handler module is imported in its own `python -c` with functions/ first on sys.path, as
Lambda's bootstrap would import it; the figure is the import alone, not interpreter start-up.
"""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from snaplist_local.cfn_yaml import load_template

FUNCTION_TYPE = "AWS::Serverless::Function"
LAYER_TYPE = "AWS::Serverless::LayerVersion"
DEFAULT_MEMORY_MB = 128
_IMPORT_TIMER = (
    "import sys, time; sys.path.insert(0, sys.argv[1]); started = time.perf_counter(); "
    "__import__(sys.argv[2]); print((time.perf_counter() - started) * 1000)"
)
# What a handler's import may read from its environment; nothing reaches AWS at import.
_IMPORT_ENVIRONMENT = {
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_SERVICE_NAME": "snaplist",
    "POWERTOOLS_METRICS_NAMESPACE": "snaplist",
}


@dataclass(frozen=True)
class FunctionInfo:
    logical_id: str
    module: str
    memory_mb: int


def functions_of(template_path: Path) -> list[FunctionInfo]:
    template = load_template(template_path)
    defaults: dict[str, Any] = (template.get("Globals") or {}).get("Function") or {}
    result = []
    for logical_id, resource in (template.get("Resources") or {}).items():
        if resource.get("Type") != FUNCTION_TYPE:
            continue
        properties = {**defaults, **(resource.get("Properties") or {})}
        handler = str(properties.get("Handler") or "")
        memory = properties.get("MemorySize", DEFAULT_MEMORY_MB)
        result.append(
            FunctionInfo(
                logical_id=logical_id,
                module=handler.rsplit(".", 1)[0],
                memory_mb=int(memory) if isinstance(memory, int | str) else DEFAULT_MEMORY_MB,
            )
        )
    return result


def layers_of(template_path: Path) -> list[str]:
    resources = load_template(template_path).get("Resources") or {}
    return [name for name, resource in resources.items() if resource.get("Type") == LAYER_TYPE]


def import_ms(functions_dir: Path, module: str) -> float:
    environment = {**os.environ, **_IMPORT_ENVIRONMENT}
    completed = subprocess.run(
        [sys.executable, "-c", _IMPORT_TIMER, str(functions_dir), module],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["failed"])[-1]
        raise RuntimeError(f"importing {module} failed: {last}")
    return float(completed.stdout.strip().splitlines()[-1])


def directory_bytes(path: Path) -> int | None:
    """Total size of the files under a built artifact; None when it was not built."""
    if not path.is_dir():
        return None
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file())
