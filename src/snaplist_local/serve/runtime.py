"""The embedded stack with the loopback server in front: what `snaplist serve` runs.

Tests use the same context manager in-process, so they exercise what the command serves.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from snaplist_local.serve.server import API_PREFIX, UPLOAD_PREFIX, LocalServer, ServeApp
from snaplist_local.stack import EmbeddedStack, StackError, StackOptions, repository_root

API_FUNCTION = "ApiFunction"
WEB_DIR = repository_root() / "web"


def api_invoker(stack: EmbeddedStack) -> Any:
    """Invoke the template's API function through the stack's seam, as API Gateway would."""
    if API_FUNCTION not in stack.template.identities:
        raise StackError(f"template.yaml has no {API_FUNCTION}")
    function_name = stack.physical_id(API_FUNCTION)

    def invoke(event: dict[str, Any]) -> tuple[str, bool]:
        if stack.runner is None:
            raise StackError("the stack is not started")
        result = stack.runner.invoke(function_name, event)
        return result.payload, result.errored

    return invoke


def page_config() -> dict[str, Any]:
    return {"apiBase": API_PREFIX, "pollIntervalMs": 1000}


@contextmanager
def local_service(
    options: StackOptions, server: LocalServer, web_dir: Path = WEB_DIR
) -> Iterator[EmbeddedStack]:
    """Start the stack, point the upload forms at `server`, serve until the block ends."""
    options.environment.update(
        UPLOADS_ENDPOINT_URL=f"{server.url}{UPLOAD_PREFIX.rstrip('/')}",
        FRONTEND_ORIGIN=server.url,
    )
    with EmbeddedStack(options) as stack:
        server.attach(ServeApp(web_dir, api_invoker(stack), page_config()))
        server.start()
        try:
            yield stack
        finally:
            server.stop()
