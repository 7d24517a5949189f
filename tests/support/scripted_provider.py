"""A real OpenAI-compatible HTTP server on loopback that answers from a script.

Tests queue replies (a status, a JSON body, optional headers, an optional delay) and read back the
requests the code under test really sent. When the script runs out, the last reply repeats, so a
test can say "always answer 503" with one entry.
"""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_seconds: float = 0.0


def chat_reply(
    content: str, finish_reason: str = "stop", tokens: tuple[int, int] = (100, 20)
) -> Reply:
    """A 200 chat-completions reply whose message text is `content`."""
    return Reply(
        body={
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "model": "scripted",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": tokens[0],
                "completion_tokens": tokens[1],
                "total_tokens": tokens[0] + tokens[1],
            },
        }
    )


def json_reply(payload: Any, **kwargs: Any) -> Reply:
    return chat_reply(json.dumps(payload), **kwargs)


class ScriptedProvider:
    """Start with `with ScriptedProvider() as provider:`; `provider.base_url` ends in /v1."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self._script: list[Reply] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def script(self, *replies: Reply) -> "ScriptedProvider":
        with self._lock:
            self._script = list(replies)
        return self

    def next_reply(self, request: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(request)
            if not self._script:
                return Reply(status=500, body={"error": {"message": "no reply scripted"}})
            return self._script.pop(0) if len(self._script) > 1 else self._script[0]

    def __enter__(self) -> "ScriptedProvider":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(list(self.requests))

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    body = {"unparseable": raw.decode("utf-8", "replace")}
                request = {
                    "path": self.path,
                    "headers": dict(self.headers.items()),
                    "body": body,
                }
                reply = provider.next_reply(request)
                if reply.delay_seconds:
                    threading.Event().wait(reply.delay_seconds)
                payload = json.dumps(reply.body).encode() if reply.body is not None else b""
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first: that is what a timeout test wants

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler
