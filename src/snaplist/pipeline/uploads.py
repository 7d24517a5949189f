"""The uploads bucket: S3 key decoding and reading photo bytes.

Keys in S3 event notifications are form-encoded: a space arrives as `+`, a real `+` as `%2B`,
non-ASCII letters as percent-encoded UTF-8. `unquote_plus` undoes exactly that.
"""

from functools import cache
from typing import Any
from urllib.parse import unquote_plus

import boto3

UPLOADS_PREFIX = "uploads/"


class InvalidUploadKey(ValueError):
    """The key is not uploads/{listing_id}/{photo}: it belongs to no listing."""

    def __init__(self, key: str) -> None:
        super().__init__(f"not an upload key: {key!r}")
        self.key = key


def decode_event_key(raw_key: str) -> str:
    """The real object key of an S3 event record."""
    return unquote_plus(raw_key, encoding="utf-8", errors="strict")


def listing_id_from_key(key: str) -> str:
    """The segment after uploads/ of uploads/{listing_id}/{n}-{filename}."""
    if not key.startswith(UPLOADS_PREFIX):
        raise InvalidUploadKey(key)
    listing_id, separator, photo = key[len(UPLOADS_PREFIX) :].partition("/")
    if not listing_id or not separator or not photo or photo.endswith("/"):
        raise InvalidUploadKey(key)
    return listing_id


class UploadsBucket:
    def __init__(self, bucket_name: str, client: Any = None) -> None:
        self.name = bucket_name
        self._client = client or boto3.client("s3")

    def read_photo(self, key: str) -> bytes:
        response = self._client.get_object(Bucket=self.name, Key=key)
        return bytes(response["Body"].read())

    def read_photos(self, keys: list[str]) -> list[bytes]:
        return [self.read_photo(key) for key in keys]


@cache
def uploads_bucket(bucket_name: str) -> UploadsBucket:
    return UploadsBucket(bucket_name)
