"""The offline model as an OpenAI-compatible HTTP server on loopback.

Routes: `POST /v1/chat/completions`, `GET /v1/models`, `GET /health`. The pipeline reaches it
through the same provider code as any remote model, with base URL `http://127.0.0.1:PORT/v1`.

    handle = start_background(8765)   # or ensure_running(8765) to reuse a running one
    ...
    handle.stop()
"""

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests
from pydantic import ValidationError

from snaplist_local.loopback_http import LoopbackHTTPServer, send_json
from snaplist_local.offline.answers import Evidence, classify, extract
from snaplist_local.offline.imaging import BadImage, decode_data_url, register_formats
from snaplist_local.offline.protocol import (
    CLASSIFICATION,
    EXTRACTION,
    MODEL_ID,
    ApiError,
    ChatRequest,
    completion,
    models_list,
)
from snaplist_local.offline.schema import allowed_product_types, extraction_fields
from snaplist_local.offline.vision import PhotoEvidence, VisionModels

logger = logging.getLogger("snaplist.offline")

LOOPBACK = "127.0.0.1"
MAX_BODY_BYTES = 64 * 1024 * 1024
# Classification then extraction usually send the same photos: keep their evidence a while.
EVIDENCE_CACHE_SIZE = 32
STARTUP_TIMEOUT_SECONDS = 120.0


class OfflineModel:
    """Answers chat requests from the packaged models. Safe to call from many threads."""

    def __init__(self) -> None:
        register_formats()
        self.models = VisionModels()
        self._cache: OrderedDict[str, PhotoEvidence] = OrderedDict()
        self._cache_lock = threading.Lock()

    def answer(self, payload: Any) -> dict[str, Any]:
        request = _parse(payload)
        schema_name, schema = _json_schema(request)
        urls = request.image_urls()
        if not urls:
            raise ApiError(400, "the request holds no image_url part", "messages")

        # Only the extraction reads small photos twice: classification needs barcodes and
        # exact maker names, and each second read costs about as much as the first.
        read_twice = schema_name == EXTRACTION
        # The same photo sent twice is one piece of evidence, not two.
        distinct = list(dict.fromkeys(urls))
        evidence = Evidence([self._look(url, read_twice) for url in distinct])
        if schema_name == CLASSIFICATION:
            reply = classify(evidence, allowed_product_types(schema))
        else:
            reply = extract(evidence, extraction_fields(schema))
        return completion(json.dumps(reply, ensure_ascii=False), request)

    def _look(self, url: str, read_twice: bool) -> PhotoEvidence:
        key = hashlib.sha256(url.encode()).hexdigest()
        with self._cache_lock:
            cached = self._cache.get(key)
            if cached is not None and (cached.complete or not read_twice):
                self._cache.move_to_end(key)
                return cached

        try:
            image = decode_data_url(url)
        except BadImage as error:
            raise ApiError(400, str(error), "messages") from error
        seen = self.models.look(image, read_twice)

        with self._cache_lock:
            self._cache[key] = seen
            while len(self._cache) > EVIDENCE_CACHE_SIZE:
                self._cache.popitem(last=False)
        return seen


def _parse(payload: Any) -> ChatRequest:
    try:
        return ChatRequest.model_validate(payload)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ApiError(400, f"invalid request: {where}: {first['msg']}", where) from error


def _json_schema(request: ChatRequest) -> tuple[str, dict[str, Any]]:
    response_format = request.response_format
    if response_format is None or response_format.json_schema is None:
        raise ApiError(
            400,
            "this model needs response_format of type json_schema "
            f"named {CLASSIFICATION} or {EXTRACTION}",
            "response_format",
        )
    name = response_format.json_schema.name
    if name not in (CLASSIFICATION, EXTRACTION):
        raise ApiError(400, f"unknown json_schema name {name!r}", "response_format")
    return name, response_format.json_schema.schema_


def _handler_class(model: OfflineModel) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            if self.path.rstrip("/") in ("/health", "/v1/health"):
                self._send(200, {"status": "ok", "model": MODEL_ID})
            elif self.path.rstrip("/") == "/v1/models":
                self._send(200, models_list())
            else:
                self._send(404, ApiError(404, f"no route {self.path}").body())

        def do_POST(self) -> None:
            if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
                self._send(404, ApiError(404, f"no route {self.path}").body())
                return
            started = time.monotonic()
            try:
                reply = model.answer(self._read_json())
                status = 200
            except ApiError as error:
                reply, status = error.body(), error.status
            except Exception:
                logger.exception("offline model failed")
                reply, status = ApiError(500, "the offline model failed").body(), 500
            elapsed_ms = round((time.monotonic() - started) * 1000)
            logger.info("offline request answered", extra={"status": status, "ms": elapsed_ms})
            self._send(status, reply)

        def _read_json(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            if length <= 0 or length > MAX_BODY_BYTES:
                raise ApiError(400 if length <= 0 else 413, "request body missing or too large")
            try:
                return json.loads(self.rfile.read(length))
            except (json.JSONDecodeError, UnicodeDecodeError) as error:
                raise ApiError(400, "request body is not JSON") from error

        def _send(self, status: int, body: Any) -> None:
            send_json(self, status, body)

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("offline http %s", format % args)

    return Handler


@dataclass
class ServerHandle:
    base_url: str
    port: int
    owned: bool
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    def stop(self) -> None:
        """Stop the server if this handle started it; a reused server is left running."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def make_server(port: int, host: str = LOOPBACK) -> ThreadingHTTPServer:
    if host != LOOPBACK:
        # Limitation: the model has no authentication, so it only ever listens on loopback.
        raise ValueError("the offline model binds 127.0.0.1 only")
    model = OfflineModel()
    model.models.load()
    server = LoopbackHTTPServer((host, port), _handler_class(model))
    server.daemon_threads = True
    return server


def start_background(port: int = 0) -> ServerHandle:
    """Load the models, serve on 127.0.0.1:port in a thread (0 = any free port), wait for health."""
    server = make_server(port)
    bound = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, name="snaplist-offline", daemon=True)
    thread.start()
    handle = ServerHandle(f"http://{LOOPBACK}:{bound}/v1", bound, True, server, thread)
    _wait_healthy(bound)
    logger.info("offline model ready", extra={"base_url": handle.base_url})
    return handle


def ensure_running(port: int) -> ServerHandle:
    """Reuse a healthy offline model already on 127.0.0.1:port, else start one."""
    if is_healthy(port):
        return ServerHandle(f"http://{LOOPBACK}:{port}/v1", port, False)
    return start_background(port)


def is_healthy(port: int) -> bool:
    try:
        response = requests.get(f"http://{LOOPBACK}:{port}/health", timeout=2)
        return response.status_code == 200 and response.json().get("model") == MODEL_ID
    except (requests.RequestException, ValueError):
        return False


def _wait_healthy(port: int) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if is_healthy(port):
            return
        time.sleep(0.05)
    raise TimeoutError(f"offline model did not become healthy on port {port}")
