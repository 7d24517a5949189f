"""`snaplist serve`'s service in this process: the stack, the API function, the upload proxy.

The model is the scripted loopback provider of the integration tests, so drafts are known;
requests go over real HTTP to 127.0.0.1, as a browser's would.
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from snaplist_local.serve import DEV_USER_HEADER, LocalServer
from snaplist_local.serve.runtime import local_service
from snaplist_local.stack import EmbeddedStack, StackOptions
from tests.integration.conftest import (
    PipelineProvider,
    book_extraction_reply,
    classification_reply,
    jpeg_photo,
    provider_environment,
)

# Small enough that a test sends "too large" without moving megabytes.
PHOTO_CAP_BYTES = 60_000


@dataclass
class Served:
    url: str
    stack: EmbeddedStack
    provider: PipelineProvider

    def api(self, method: str, path: str, user: str | None = None, **kwargs: Any) -> Any:
        headers = dict(kwargs.pop("headers", {}))
        if user:
            headers[DEV_USER_HEADER] = user
        return requests.request(
            method, f"{self.url}/api{path}", headers=headers, timeout=30, **kwargs
        )

    def create(self, *photos: tuple[str, int], user: str | None = None) -> dict[str, Any]:
        body = {"photos": [{"content_type": kind, "size_bytes": size} for kind, size in photos]}
        response = self.api("POST", "/listings", user, json=body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def wait(self, listing_id: str, statuses: tuple[str, ...] = ("READY", "FAILED")) -> Any:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            listing = self.api("GET", f"/listings/{listing_id}").json()
            if listing["status"] in statuses:
                return listing
            time.sleep(0.1)
        raise AssertionError(f"{listing_id} never reached {statuses}")


def upload(form: dict[str, Any], data: bytes, content_type: str | None = None) -> Any:
    """A browser's multipart POST of one photo to the presigned form it was given."""
    fields = dict(form["fields"])
    if content_type is not None:
        fields["Content-Type"] = content_type
    files = {"file": ("photo.jpg", data, content_type or form["content_type"])}
    return requests.post(form["url"], data=fields, files=files, timeout=30)


@pytest.fixture
def photo() -> bytes:
    return jpeg_photo().data


@pytest.fixture
def served() -> Iterator[Served]:
    with PipelineProvider() as provider:
        provider.script_classify(classification_reply())
        provider.script_extract(book_extraction_reply())
        environment = provider_environment(provider, MAX_PHOTO_BYTES=str(PHOTO_CAP_BYTES))
        options = StackOptions(
            parameter_overrides={"ApiKeyParameterName": ""}, environment=environment
        )
        server = LocalServer(0)
        with local_service(options, server) as stack:
            yield Served(server.url, stack, provider)
