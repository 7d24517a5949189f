"""Browser uploads through presigned POST forms, checked the way S3 checks them, then stored.

# Limitation: moto 5.2.5 stores any POST upload without reading the form's policy (no signature,
# expiry, Content-Type or content-length-range check), so `snaplist serve` evaluates the policy
# here before handing the upload to the embedded S3. The rules mirror S3's documented ones
# (SigV4 signature, expiration, every field covered by a condition, eq / starts-with,
# content-length-range) and its error codes; S3's exact error wording is not reproduced.
"""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from typing import Any
from xml.sax.saxutils import escape

# Form fields S3 leaves out of the "every field needs a condition" rule.
_EXEMPT_FIELDS = {"policy", "x-amz-signature", "file"}


class UploadRefused(Exception):
    """S3 would refuse this upload: carries its HTTP status and S3 error code."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def xml(self) -> bytes:
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Error>'
            f"<Code>{escape(self.code)}</Code><Message>{escape(self.message)}</Message></Error>"
        ).encode()


@dataclass(frozen=True)
class FormUpload:
    fields: dict[str, str]  # as sent, in order, names kept as written
    filename: str
    data: bytes

    def get(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.fields.items() if k.lower() == lowered), None)


def _disposition(header: str) -> tuple[str | None, str | None]:
    message = Message()
    message["content-disposition"] = header
    name = message.get_param("name", header="content-disposition")
    filename = message.get_param("filename", header="content-disposition")
    return (
        str(name) if isinstance(name, str) else None,
        str(filename) if isinstance(filename, str) else None,
    )


def parse_form(content_type: str, body: bytes) -> FormUpload:
    """A multipart/form-data body as fields plus the `file` part (S3 ignores fields after it)."""
    message = Message()
    message["content-type"] = content_type
    boundary = message.get_param("boundary")
    if message.get_content_type() != "multipart/form-data" or not isinstance(boundary, str):
        raise UploadRefused(412, "PreconditionFailed", "the body must be multipart/form-data")
    delimiter = b"\r\n--" + boundary.encode("latin-1")
    segments = (b"\r\n" + body).split(delimiter)
    fields: dict[str, str] = {}
    for segment in segments[1:]:
        if segment.startswith(b"--"):
            break
        head, separator, content = segment.partition(b"\r\n\r\n")
        if not separator:
            raise UploadRefused(400, "MalformedPOSTRequest", "a form part has no headers")
        headers = head.decode("latin-1").strip().split("\r\n")
        disposition = next(
            (h.split(":", 1)[1] for h in headers if h.lower().startswith("content-disposition")),
            "",
        )
        name, filename = _disposition(disposition.strip())
        if name is None:
            raise UploadRefused(400, "MalformedPOSTRequest", "a form part has no name")
        if name.lower() == "file":
            return FormUpload(fields, filename or "", content)
        fields[name] = content.decode("utf-8")
    raise UploadRefused(400, "MalformedPOSTRequest", "the form has no file field")


def _signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = hmac.new(f"AWS4{secret}".encode(), date.encode(), hashlib.sha256).digest()
    for part in (region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def _check_signature(form: FormUpload, credentials: dict[str, str]) -> None:
    algorithm, credential = form.get("x-amz-algorithm"), form.get("x-amz-credential")
    signature, policy = form.get("x-amz-signature"), form.get("policy")
    if algorithm != "AWS4-HMAC-SHA256" or not credential or not signature or not policy:
        raise UploadRefused(403, "AccessDenied", "the form is not a SigV4 presigned POST")
    access_key, _, scope = credential.partition("/")
    date, region, service, terminal = [*scope.split("/"), "", "", ""][:4]
    if access_key != credentials["access_key"] or terminal != "aws4_request":
        raise UploadRefused(403, "InvalidAccessKeyId", "the form is signed with an unknown key")
    key = _signing_key(credentials["secret_key"], date, region, service)
    expected = hmac.new(key, policy.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise UploadRefused(403, "SignatureDoesNotMatch", "the form's signature does not match")


def _policy(form: FormUpload) -> dict[str, Any]:
    try:
        policy = json.loads(base64.b64decode(form.get("policy") or ""))
    except (ValueError, TypeError) as error:
        raise UploadRefused(400, "InvalidPolicyDocument", "the policy is not JSON") from error
    if not isinstance(policy, dict):
        raise UploadRefused(400, "InvalidPolicyDocument", "the policy is not an object")
    return policy


def _check_expiry(policy: dict[str, Any], now: datetime) -> None:
    text = str(policy.get("expiration", ""))
    try:
        expires = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise UploadRefused(400, "InvalidPolicyDocument", "the policy has no expiration") from error
    if now >= expires:
        raise UploadRefused(403, "AccessDenied", "Invalid according to Policy: Policy expired.")


def _failed(condition: Any) -> UploadRefused:
    return UploadRefused(
        403,
        "AccessDenied",
        f"Invalid according to Policy: Policy Condition failed: {json.dumps(condition)}",
    )


def check_policy(
    form: FormUpload, bucket: str, credentials: dict[str, str], now: datetime | None = None
) -> None:
    """Raise UploadRefused for anything S3 would refuse about this presigned POST."""
    _check_signature(form, credentials)
    policy = _policy(form)
    _check_expiry(policy, now or datetime.now(UTC))
    values = {name.lower(): value for name, value in form.fields.items()}
    values["bucket"] = bucket
    covered = {"bucket"}
    size_range: tuple[int, int] | None = None
    for condition in policy.get("conditions", []):
        if isinstance(condition, dict):
            for name, expected in condition.items():
                covered.add(name.lower())
                if values.get(name.lower()) != expected:
                    raise _failed(["eq", f"${name}", expected])
        elif isinstance(condition, list) and condition[:1] == ["content-length-range"]:
            size_range = (int(condition[1]), int(condition[2]))
        elif isinstance(condition, list) and len(condition) == 3:
            operator, name, expected = condition
            field = str(name).lstrip("$").lower()
            covered.add(field)
            actual = values.get(field, "")
            if operator == "eq" and actual != expected:
                raise _failed(condition)
            if operator == "starts-with" and not actual.startswith(str(expected)):
                raise _failed(condition)
        else:
            raise UploadRefused(400, "InvalidPolicyDocument", "a policy condition is malformed")
    extra = sorted(
        name
        for name in values
        if name not in covered and name not in _EXEMPT_FIELDS and not name.startswith("x-ignore-")
    )
    if extra:
        message = f"Invalid according to Policy: Extra input fields: {', '.join(extra)}"
        raise UploadRefused(403, "AccessDenied", message)
    if size_range is not None:
        size = len(form.data)
        if size < size_range[0]:
            raise UploadRefused(
                400,
                "EntityTooSmall",
                "Your proposed upload is smaller than the minimum allowed size",
            )
        if size > size_range[1]:
            raise UploadRefused(
                400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size"
            )
