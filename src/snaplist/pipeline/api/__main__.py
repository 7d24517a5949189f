"""`python -m snaplist.pipeline.api [PATH]`: print or write the OpenAPI document."""

import json
import sys
from pathlib import Path

from snaplist.pipeline.api.routes import openapi_document


def render() -> str:
    return json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(render(), encoding="utf-8")
    else:
        sys.stdout.write(render())
