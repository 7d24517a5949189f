"""The provider table and the settings read from the environment.

Prices are dollars per million tokens. Capabilities decide what a request carries: a provider
without JSON schema support gets `json_object` or nothing, and the prompt states the shape anyway.
"""

import os
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from snaplist.domain.errors import ConfigurationError
from snaplist.domain.models import PixelBudget

ResponseFormat = Literal["json_schema", "json_object", "none"]
Detail = Literal["low", "high", "auto"]

DEFAULT_OFFLINE_PORT = 8765
DEFAULT_TIMEOUT_SECONDS = 25.0
API_KEY_VARIABLE = "SNAPLIST_API_KEY"


class ProviderCapabilities(BaseModel):
    model_config = ConfigDict(frozen=True)

    response_format: ResponseFormat = "none"
    max_pixels: int = Field(default=1_003_520, gt=0)
    max_request_bytes: int = Field(default=8_000_000, gt=0)
    supports_detail: bool = False
    side_multiple: int = Field(default=1, ge=1)


class ProviderSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    base_url: str
    model: str
    input_usd_per_million: float = Field(ge=0)
    output_usd_per_million: float = Field(ge=0)
    capabilities: ProviderCapabilities = Field(default_factory=ProviderCapabilities)
    requires_key: bool = True
    timeout_seconds: float = Field(default=DEFAULT_TIMEOUT_SECONDS, gt=0)

    def cost_usd(self, input_tokens: int, output_tokens: int) -> float:
        cost = (
            input_tokens * self.input_usd_per_million + output_tokens * self.output_usd_per_million
        )
        return round(cost / 1_000_000, 8)


class VisionSettings(BaseModel):
    """How the service spends tokens: classification sees smaller images than extraction."""

    model_config = ConfigDict(frozen=True)

    confidence_threshold: float = Field(default=0.7, ge=0, le=1)
    classify_budget: PixelBudget = PixelBudget(max_pixels=448 * 448, jpeg_quality=80)
    extract_budget: PixelBudget = PixelBudget(max_pixels=1024 * 1024, jpeg_quality=85)
    classify_detail: Detail = "low"
    extract_detail: Detail = "high"
    classify_max_tokens: int = Field(default=300, gt=0)
    extract_max_tokens: int = Field(default=1200, gt=0)
    max_photos: int = Field(default=6, gt=0)


QWEN3_VL = ProviderCapabilities(
    response_format="json_object", max_pixels=1_048_576, supports_detail=True, side_multiple=32
)
QWEN25_VL = ProviderCapabilities(
    response_format="json_object", max_pixels=1_003_520, supports_detail=True, side_multiple=28
)

PROVIDERS: dict[str, ProviderSettings] = {
    "siliconflow": ProviderSettings(
        name="siliconflow",
        base_url="https://api.siliconflow.com/v1",
        model="Qwen/Qwen3-VL-8B-Instruct",
        input_usd_per_million=0.14,
        output_usd_per_million=0.14,
        capabilities=QWEN3_VL,
    ),
    "nebulablock": ProviderSettings(
        name="nebulablock",
        base_url="https://inference.nebulablock.com/v1",
        model="Qwen/Qwen2.5-VL-7B-Instruct",
        input_usd_per_million=0.10,
        output_usd_per_million=0.10,
        capabilities=QWEN25_VL.model_copy(update={"response_format": "none"}),
    ),
    "together": ProviderSettings(
        name="together",
        base_url="https://api.together.xyz/v1",
        model="Qwen/Qwen2.5-VL-72B-Instruct",
        input_usd_per_million=1.95,
        output_usd_per_million=8.00,
        capabilities=QWEN25_VL.model_copy(update={"response_format": "json_schema"}),
    ),
    "openai": ProviderSettings(
        name="openai",
        base_url="https://api.openai.com/v1",
        model="gpt-4o-mini",
        input_usd_per_million=0.15,
        output_usd_per_million=0.60,
        capabilities=ProviderCapabilities(
            response_format="json_schema",
            max_pixels=2048 * 768,
            max_request_bytes=20_000_000,
            supports_detail=True,
        ),
    ),
}


def offline_settings(port: int) -> ProviderSettings:
    """The embedded offline model server; it reads the json_schema to know what to answer."""
    return ProviderSettings(
        name="offline",
        base_url=f"http://127.0.0.1:{port}/v1",
        model="snaplist-offline",
        input_usd_per_million=0.0,
        output_usd_per_million=0.0,
        capabilities=ProviderCapabilities(response_format="json_schema", supports_detail=True),
        requires_key=False,
    )


def resolve_provider_settings(env: Mapping[str, str] | None = None) -> ProviderSettings:
    """SNAPLIST_PROVIDER if set; else `custom` if SNAPLIST_BASE_URL is set; else `offline`."""
    env = os.environ if env is None else env
    name = (env.get("SNAPLIST_PROVIDER") or "").strip().lower()
    if not name:
        name = "custom" if env.get("SNAPLIST_BASE_URL") else "offline"

    if name in PROVIDERS:
        settings = PROVIDERS[name]
        if env.get("SNAPLIST_MODEL"):
            settings = settings.model_copy(update={"model": env["SNAPLIST_MODEL"]})
    elif name == "offline":
        settings = offline_settings(_int(env, "SNAPLIST_OFFLINE_PORT", DEFAULT_OFFLINE_PORT))
    elif name == "custom":
        settings = _custom_settings(env)
    else:
        known = ", ".join([*PROVIDERS, "offline", "custom"])
        raise ConfigurationError(f"unknown SNAPLIST_PROVIDER {name!r}; choose one of {known}")

    timeout = _float(env, "SNAPLIST_MODEL_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS)
    return settings.model_copy(update={"timeout_seconds": timeout})


def api_key_from_env(env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    return env.get(API_KEY_VARIABLE) or None


def _custom_settings(env: Mapping[str, str]) -> ProviderSettings:
    """Any OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp): the user names URL and model."""
    base_url, model = env.get("SNAPLIST_BASE_URL"), env.get("SNAPLIST_MODEL")
    if not base_url or not model:
        raise ConfigurationError(
            "the custom provider needs SNAPLIST_BASE_URL and SNAPLIST_MODEL to be set"
        )
    try:
        capabilities = ProviderCapabilities(
            response_format=env.get("SNAPLIST_RESPONSE_FORMAT", "none"),  # type: ignore[arg-type]
            supports_detail=env.get("SNAPLIST_SUPPORTS_DETAIL", "").lower() in {"1", "true"},
        )
        return ProviderSettings(
            name="custom",
            base_url=base_url.rstrip("/"),
            model=model,
            input_usd_per_million=_float(env, "SNAPLIST_INPUT_USD_PER_MILLION", 0.0),
            output_usd_per_million=_float(env, "SNAPLIST_OUTPUT_USD_PER_MILLION", 0.0),
            capabilities=capabilities,
            requires_key=False,
        )
    except ValidationError as error:
        raise ConfigurationError(f"custom provider settings are invalid: {error}") from error


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    return int(_float(env, name, default))


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as error:
        raise ConfigurationError(f"{name} must be a number, got {raw!r}") from error
    if value <= 0 and default > 0:
        raise ConfigurationError(f"{name} must be greater than zero, got {raw!r}")
    return value
