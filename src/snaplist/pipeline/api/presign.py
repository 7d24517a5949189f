"""Presigned POST forms for the uploads bucket: the server picks the key, type and size range.

Only this module signs upload forms. The policy pins the bucket, the exact key, the exact
Content-Type and a content-length-range of 1..max bytes, so S3 refuses anything else.
"""

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import boto3
from botocore.config import Config


def _s3_signer(endpoint_url: str) -> Any:
    # Keyed by the access key too: a new set of credentials (a new local stack) gets a new client.
    access_key = boto3.session.Session().get_credentials()
    return _cached_signer(endpoint_url, access_key.access_key if access_key else "")


@cache
def _cached_signer(endpoint_url: str, access_key: str) -> Any:
    config = Config(signature_version="s3v4", s3={"addressing_style": "path"})
    if endpoint_url:
        return boto3.client("s3", endpoint_url=endpoint_url, config=config)
    return boto3.client("s3", config=Config(signature_version="s3v4"))


def photo_key(listing_id: str, index: int) -> str:
    return f"uploads/{listing_id}/{index}"


def presigned_upload(
    bucket: str,
    key: str,
    content_type: str,
    max_bytes: int,
    expires_seconds: int,
    endpoint_url: str = "",
) -> tuple[str, dict[str, str], datetime]:
    """The form's URL, its fields (to send before the file) and when it expires."""
    expires_at = datetime.now(UTC) + timedelta(seconds=expires_seconds)
    form = _s3_signer(endpoint_url).generate_presigned_post(
        Bucket=bucket,
        Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
        ExpiresIn=expires_seconds,
    )
    return str(form["url"]), {k: str(v) for k, v in form["fields"].items()}, expires_at
