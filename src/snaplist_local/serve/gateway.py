"""A loopback stand-in for API Gateway: an HTTP request becomes a REST proxy event and back.

The event has the fields the Powertools resolver and the handler read (method, path, headers,
query, body, the authorizer's claims); the function runs through the embedded stack's seam.
"""

import base64
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from snaplist_local.serve.identity import DEV_USER_HEADER, dev_claims

STAGE = "local"


@dataclass
class HttpReply:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def proxy_event(
    method: str, path: str, query: str, headers: dict[str, str], body: bytes
) -> dict[str, Any]:
    """The API Gateway REST proxy event for one request, with the development identity."""
    subject = next(
        (value for name, value in headers.items() if name.lower() == DEV_USER_HEADER.lower()),
        None,
    )
    multi_query = parse_qs(query, keep_blank_values=True)
    text: str | None
    encoded = False
    try:
        text = body.decode("utf-8") if body else None
    except UnicodeDecodeError:
        text, encoded = base64.b64encode(body).decode("ascii"), True
    now = time.time()
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": dict(headers),
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": None,
        "stageVariables": None,
        "body": text,
        "isBase64Encoded": encoded,
        "requestContext": {
            "resourcePath": path,
            "httpMethod": method,
            "path": f"/{STAGE}{path}",
            "stage": STAGE,
            "requestId": str(uuid.uuid4()),
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "requestTimeEpoch": int(now * 1000),
            "identity": {"sourceIp": "127.0.0.1", "userAgent": headers.get("User-Agent", "")},
            "authorizer": {"claims": dev_claims(subject)},
        },
    }


def http_reply(result: dict[str, Any]) -> HttpReply:
    """The function's proxy result as HTTP, as API Gateway would send it."""
    headers: list[tuple[str, str]] = []
    for name, value in (result.get("headers") or {}).items():
        headers.append((name, str(value)))
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((name, str(value)) for value in values)
    body = result.get("body") or ""
    data = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
    return HttpReply(int(result.get("statusCode", 200)), headers, data)


def function_error_reply(payload: str) -> HttpReply:
    """What API Gateway answers when the function itself fails: 502, with our error shape."""
    try:
        error_type = json.loads(payload).get("errorType", "Error")
    except (ValueError, AttributeError):
        error_type = "Error"
    body = {
        "error": {"code": "internal_error", "message": f"the API function failed ({error_type})"}
    }
    return HttpReply(502, [("Content-Type", "application/json")], json.dumps(body).encode("utf-8"))
