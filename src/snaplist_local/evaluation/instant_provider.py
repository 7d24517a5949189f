"""A chat-completions server on loopback that answers at once, from the request's schema alone.

It stands in for the model when the pipeline's own cost is measured: classification answers the
first allowed product type, extraction fills every requested field with the first allowed value
(a fixed title for text), all at confidence 0.9. Token counts follow the Qwen-VL image rule and
about four characters per text token, so they are plausible for the request actually sent.

    with InstantProvider() as provider:
        provider.base_url   # http://127.0.0.1:PORT/v1
"""

import json
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any

from snaplist_local.evaluation.tokens import QwenRule, data_url_size, text_tokens
from snaplist_local.loopback_http import LoopbackHTTPServer, send_json
from snaplist_local.offline.protocol import chat_completion

LOOPBACK = "127.0.0.1"
MODEL_ID = "snaplist-instant"
CONFIDENCE = 0.9
FIXED_TITLE = "Instant draft title"
FIXED_TEXT = "instant"
MAX_BODY_BYTES = 256 * 1024 * 1024


def value_for(schema: dict[str, Any], field_name: str = "") -> Any:
    """A value of the shape the schema asks for: the first allowed one when it lists them."""
    allowed = [item for item in schema.get("enum", []) if item is not None]
    if allowed:
        return allowed[0]
    kinds = schema.get("type", "string")
    kinds = [kinds] if isinstance(kinds, str) else [kind for kind in kinds if kind != "null"]
    kind = kinds[0] if kinds else "string"
    if kind == "array":
        item = value_for(schema.get("items", {}))
        return [item] if item is not None else []
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: value_for(sub, name) for name, sub in properties.items()}
    if kind in ("number", "integer"):
        return 1
    if kind == "boolean":
        return True
    return FIXED_TITLE if field_name == "title" else FIXED_TEXT


def answer_for(schema: dict[str, Any]) -> dict[str, Any]:
    """The reply object for a classification or extraction schema."""
    properties = schema.get("properties", {})
    if "product_type" in properties:
        return {"product_type": value_for(properties["product_type"]), "confidence": CONFIDENCE}
    reply = {}
    for name, field_schema in properties.items():
        value_schema = field_schema.get("properties", {}).get("value", {})
        reply[name] = {
            "value": value_for(value_schema, name),
            "confidence": CONFIDENCE,
            "suggestion": None,
        }
    return reply


def request_schema(body: dict[str, Any]) -> dict[str, Any]:
    response_format = body.get("response_format") or {}
    return dict((response_format.get("json_schema") or {}).get("schema") or {})


def prompt_tokens(body: dict[str, Any], rule: QwenRule) -> int:
    tokens = 0
    for message in body.get("messages", []):
        content = message.get("content")
        parts = [{"type": "text", "text": content}] if isinstance(content, str) else content
        for part in parts if isinstance(parts, list) else []:
            if not isinstance(part, dict):
                continue
            if part.get("type") == "text":
                tokens += text_tokens(str(part.get("text", "")))
            elif part.get("type") == "image_url":
                size = data_url_size(str((part.get("image_url") or {}).get("url", "")))
                tokens += rule.image_tokens(*size) if size else 0
    return tokens


def completion_for(body: dict[str, Any], rule: QwenRule) -> dict[str, Any]:
    content = json.dumps(answer_for(request_schema(body)))
    return chat_completion(content, MODEL_ID, prompt_tokens(body, rule), text_tokens(content))


class InstantProvider:
    def __init__(self, rule: QwenRule | None = None) -> None:
        self.rule = rule or QwenRule()
        self.requests_served = 0
        self._lock = threading.Lock()
        self._server = LoopbackHTTPServer((LOOPBACK, 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="snaplist-instant", daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self._server.server_address[1]}/v1"

    def start(self) -> "InstantProvider":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "InstantProvider":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.rstrip("/") in ("/health", "/v1/models"):
                    self._send(200, {"status": "ok", "model": MODEL_ID})
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, {"error": {"message": "not found"}})
                    return
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY_BYTES:
                    self._send(413, {"error": {"message": "request too large"}})
                    return
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    self._send(400, {"error": {"message": "the body is not JSON"}})
                    return
                with provider._lock:
                    provider.requests_served += 1
                self._send(200, completion_for(body, provider.rule))

            def _send(self, status: int, payload: Any) -> None:
                send_json(self, status, payload)

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler
