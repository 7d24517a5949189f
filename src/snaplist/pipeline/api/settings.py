"""The API function's settings, read per request from the environment the template sets."""

import os
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_MAX_PHOTO_BYTES = 15 * 1024 * 1024


class ApiSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    listings_table: str = Field(alias="LISTINGS_TABLE")
    uploads_bucket: str = Field(alias="UPLOADS_BUCKET")
    max_photo_bytes: int = Field(default=DEFAULT_MAX_PHOTO_BYTES, gt=0, alias="MAX_PHOTO_BYTES")
    upload_expires_seconds: int = Field(
        default=300, ge=30, le=3600, alias="UPLOAD_URL_EXPIRES_SECONDS"
    )
    # Empty in AWS (the regional S3 endpoint); locally the serve process, which proxies uploads.
    uploads_endpoint_url: str = Field(default="", alias="UPLOADS_ENDPOINT_URL")

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> "ApiSettings":
        return cls.model_validate(dict(environ))


def get_api_settings() -> ApiSettings:
    return ApiSettings.from_environ(os.environ)


def frontend_origin() -> str:
    """The one origin CORS allows; read once, when the resolver is built."""
    return os.environ.get("FRONTEND_ORIGIN") or "http://127.0.0.1:8080"
