"""The pipeline's settings, read once from the environment the template sets."""

import os
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field


class PipelineSettings(BaseModel):
    """Environment variables of the functions (template.yaml Globals and per function)."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    listings_table: str = Field(alias="LISTINGS_TABLE")
    makers_table: str = Field(alias="MAKERS_TABLE")
    uploads_bucket: str = Field(default="", alias="UPLOADS_BUCKET")
    state_machine_arn: str = Field(default="", alias="STATE_MACHINE_ARN")
    provider: str = Field(default="", alias="SNAPLIST_PROVIDER")
    api_key_parameter: str = Field(default="", alias="SNAPLIST_API_KEY_PARAMETER")
    model_timeout_seconds: float = Field(default=25.0, gt=0, alias="SNAPLIST_MODEL_TIMEOUT_SECONDS")
    confidence_threshold: float = Field(
        default=0.7, ge=0, le=1, alias="SNAPLIST_CONFIDENCE_THRESHOLD"
    )
    parameters_max_age_seconds: int = Field(
        default=300, ge=0, alias="POWERTOOLS_PARAMETERS_MAX_AGE"
    )

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> "PipelineSettings":
        return cls.model_validate(dict(environ))


def get_settings() -> PipelineSettings:
    """Read per invocation (microseconds), so a process whose environment changes never sees
    stale values: the embedded stack runs every handler in one process."""
    return PipelineSettings.from_environ(os.environ)
