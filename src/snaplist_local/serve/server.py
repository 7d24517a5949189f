"""The loopback HTTP server of `snaplist serve`: the page, the API and the upload endpoint.

/            web/ (index.html, app.js, style.css), and /config.js for the page's settings
/api/...     the API function, as API Gateway would invoke it (REST proxy event)
/s3/BUCKET   presigned POST uploads, checked like S3 and stored in the embedded S3
/healthz     200 once the stack is up
"""

import json
import logging
import mimetypes
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import requests

from snaplist_local.loopback_http import LoopbackHTTPServer
from snaplist_local.serve.gateway import HttpReply, function_error_reply, http_reply, proxy_event
from snaplist_local.serve.s3_post import UploadRefused, check_policy, parse_form

LOOPBACK = "127.0.0.1"
API_PREFIX = "/api"
UPLOAD_PREFIX = "/s3/"
# Above the API's photo cap: S3 answers EntityTooLarge from the policy, not from this guard.
MAX_REQUEST_BYTES = 64 * 1024 * 1024

logger = logging.getLogger(__name__)

InvokeApi = Callable[[dict[str, Any]], tuple[str, bool]]


def _credentials() -> dict[str, str]:
    """The credentials the API function signs upload forms with (the same process)."""
    found = boto3.session.Session().get_credentials()
    if found is None:
        raise UploadRefused(403, "InvalidAccessKeyId", "no local credentials to check against")
    frozen = found.get_frozen_credentials()
    return {"access_key": frozen.access_key or "", "secret_key": frozen.secret_key or ""}


def store_upload(bucket: str, content_type: str, body: bytes) -> HttpReply:
    """Check the form like S3, then send it to the embedded S3's own POST upload path."""
    try:
        form = parse_form(content_type, body)
        check_policy(form, bucket, _credentials(), datetime.now(UTC))
    except UploadRefused as refused:
        logger.info("upload refused: %s %s", refused.code, refused.message)
        return HttpReply(refused.status, [("Content-Type", "application/xml")], refused.xml())
    fields = {k: v for k, v in form.fields.items() if not k.lower().startswith("x-amz-")}
    # The embedded S3 answers requests to AWS's URL inside this process (moto's mock).
    response = requests.post(
        f"https://{bucket}.s3.amazonaws.com/",
        data=fields,
        files={"file": (form.filename or "photo", form.data, form.get("Content-Type") or "")},
        timeout=30,
    )
    return HttpReply(response.status_code, [], response.content)


class ServeApp:
    """What a request is answered with; the HTTP handler below only moves bytes."""

    def __init__(self, web_dir: Path, invoke_api: InvokeApi, config: dict[str, Any]) -> None:
        self.web_dir = web_dir.resolve()
        self.invoke_api = invoke_api
        self.config = config

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> HttpReply:
        url = urlsplit(target)
        path = url.path
        if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
            return self.api(method, path[len(API_PREFIX) :] or "/", url.query, headers, body)
        if path.startswith(UPLOAD_PREFIX) and method == "POST":
            bucket = path[len(UPLOAD_PREFIX) :].strip("/")
            return store_upload(bucket, headers.get("Content-Type", ""), body)
        if method not in ("GET", "HEAD"):
            return _json(HTTPStatus.METHOD_NOT_ALLOWED, "method_not_allowed", f"{method} {path}")
        if path == "/healthz":
            return HttpReply(200, [("Content-Type", "application/json")], b'{"status": "ok"}')
        if path == "/config.js":
            script = f"window.SNAPLIST_CONFIG = {json.dumps(self.config)};\n"
            return HttpReply(200, [("Content-Type", "text/javascript")], script.encode())
        return self.static(path)

    def api(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> HttpReply:
        payload, errored = self.invoke_api(proxy_event(method, path, query, headers, body))
        if errored:
            return function_error_reply(payload)
        return http_reply(json.loads(payload))

    def static(self, path: str) -> HttpReply:
        relative = "index.html" if path in ("", "/") else path.lstrip("/")
        candidate = (self.web_dir / relative).resolve()
        if not candidate.is_relative_to(self.web_dir) or not candidate.is_file():
            return _json(HTTPStatus.NOT_FOUND, "not_found", f"no file {path}")
        kind = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind.endswith("javascript"):
            kind += "; charset=utf-8"
        headers = [("Content-Type", kind), ("Cache-Control", "no-store")]
        return HttpReply(200, headers, candidate.read_bytes())


def _json(status: int, code: str, message: str) -> HttpReply:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    return HttpReply(int(status), [("Content-Type", "application/json")], body)


class _Httpd(LoopbackHTTPServer):
    app: ServeApp | None = None


def _handler_class() -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_REQUEST_BYTES:
                reply = _json(413, "request_too_large", f"over {MAX_REQUEST_BYTES} bytes")
                self.close_connection = True
            else:
                body = self.rfile.read(length) if length else b""
                headers = {name: value for name, value in self.headers.items()}
                app = getattr(self.server, "app", None)
                try:
                    if app is None:
                        reply = _json(503, "starting", "the local stack is still starting")
                    else:
                        reply = app.handle(self.command, self.path, headers, body)
                except Exception:
                    logger.exception("request failed")
                    reply = _json(500, "internal_error", "the local server failed")
            self.send_response(reply.status)
            for name, value in reply.headers:
                if name.lower() not in ("content-length", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(reply.body)

        do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("serve http %s", format % args)

    return Handler


class LocalServer:
    """A ThreadingHTTPServer on 127.0.0.1 running in a background thread."""

    def __init__(self, port: int, app: ServeApp | None = None) -> None:
        # Limitation: no authentication beyond the development identity, so loopback only.
        self.httpd = _Httpd((LOOPBACK, port), _handler_class())
        self.httpd.app = app
        self.httpd.daemon_threads = True
        self.port = int(self.httpd.server_address[1])
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, name="snaplist-serve", daemon=True
        )

    def attach(self, app: ServeApp) -> None:
        self.httpd.app = app

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> "LocalServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
