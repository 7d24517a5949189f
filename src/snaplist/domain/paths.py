"""Where the data the domain reads (prompts/, taxonomy/) lives."""

import os
from pathlib import Path

LAYER_DATA_DIR = Path("/opt/snaplist-data")
REPOSITORY_ROOT = Path(__file__).resolve().parents[3]


def data_root() -> Path:
    """SNAPLIST_DATA_DIR when set, else the Lambda layer's folder when present, else the repo."""
    configured = os.environ.get("SNAPLIST_DATA_DIR")
    if configured:
        return Path(configured)
    if LAYER_DATA_DIR.is_dir():
        return LAYER_DATA_DIR
    return REPOSITORY_ROOT


def taxonomy_dir() -> Path:
    return data_root() / "taxonomy"


def prompts_dir() -> Path:
    return data_root() / "prompts"
