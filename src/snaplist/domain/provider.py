"""One chat-completions call to any OpenAI-compatible endpoint, errors classified once.

The provider never retries: the state machine owns backoff, so a retry here would multiply it.
"""

import json
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from pydantic import BaseModel, ConfigDict

from snaplist.domain.errors import (
    ConfigurationError,
    ModelOutputInvalid,
    ProviderClientError,
    ProviderTransientError,
)
from snaplist.domain.models import PreparedImage, TokenUsage
from snaplist.domain.observability import logger
from snaplist.domain.providers import API_KEY_VARIABLE, Detail, ProviderSettings

TEMPERATURE = 0


class ChatRequest(BaseModel):
    model_config = ConfigDict(frozen=True)

    system_prompt: str
    images: tuple[PreparedImage, ...]
    detail: Detail
    schema_name: str
    json_schema: dict[str, Any]
    max_tokens: int


class ChatResult(BaseModel):
    content: str
    finish_reason: str | None
    usage: TokenUsage
    model: str
    refusal: str | None = None


class OpenAICompatibleProvider:
    def __init__(
        self,
        settings: ProviderSettings,
        api_key: str | None,
        session: requests.Session | None = None,
    ) -> None:
        self.settings = settings
        self._api_key = api_key
        self._session = session or requests.Session()

    def complete(self, request: ChatRequest) -> ChatResult:
        body = self.request_body(request)
        started = time.monotonic()
        response = self._post(body)
        result = self._read(response)
        logger.info(
            "model call finished",
            provider=self.settings.name,
            model=result.model,
            schema=request.schema_name,
            images=len(request.images),
            tokens_in=result.usage.input_tokens,
            tokens_out=result.usage.output_tokens,
            cost_usd=result.usage.cost_usd,
            finish_reason=result.finish_reason,
            duration_ms=round((time.monotonic() - started) * 1000),
        )
        return result

    def request_body(self, request: ChatRequest) -> dict[str, Any]:
        """The exact JSON sent (docs/contracts.md, "Wire format to the model")."""
        capabilities = self.settings.capabilities
        content: list[dict[str, Any]] = []
        count = len(request.images)
        for index, image in enumerate(request.images, start=1):
            image_url: dict[str, Any] = {"url": image.data_url}
            if capabilities.supports_detail:
                image_url["detail"] = request.detail
            content.append({"type": "text", "text": f"Photo {index} of {count} of one item."})
            content.append({"type": "image_url", "image_url": image_url})
        body: dict[str, Any] = {
            "model": self.settings.model,
            "temperature": TEMPERATURE,
            "max_tokens": request.max_tokens,
            "messages": [
                {"role": "system", "content": request.system_prompt},
                {"role": "user", "content": content},
            ],
        }
        if capabilities.response_format == "json_schema":
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {
                    "name": request.schema_name,
                    "strict": True,
                    "schema": request.json_schema,
                },
            }
        elif capabilities.response_format == "json_object":
            body["response_format"] = {"type": "json_object"}
        return body

    def _post(self, body: dict[str, Any]) -> requests.Response:
        headers = {"Content-Type": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        url = f"{self.settings.base_url.rstrip('/')}/chat/completions"
        try:
            response = self._session.post(
                url, data=json.dumps(body), headers=headers, timeout=self.settings.timeout_seconds
            )
        except requests.Timeout as error:
            raise ProviderTransientError(
                f"no reply within {self.settings.timeout_seconds:g} s"
            ) from error
        except requests.ConnectionError as error:
            raise ProviderTransientError(f"cannot connect to {self.settings.name}") from error

        if response.status_code in (408, 429) or response.status_code >= 500:
            logger.warning(
                "model call failed", provider=self.settings.name, status=response.status_code
            )
            raise ProviderTransientError(
                _error_message(response),
                status=response.status_code,
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
            )
        if response.status_code >= 400:
            logger.warning(
                "model call rejected", provider=self.settings.name, status=response.status_code
            )
            raise ProviderClientError(response.status_code, _error_message(response))
        return response

    def _read(self, response: requests.Response) -> ChatResult:
        try:
            payload = response.json()
            choice = payload["choices"][0]
            message = choice.get("message") or {}
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
            raise ModelOutputInvalid("the provider's reply is not a chat completion") from error

        usage = payload.get("usage") or {}
        input_tokens = int(usage.get("prompt_tokens") or 0)
        output_tokens = int(usage.get("completion_tokens") or 0)
        if not usage:
            # Limitation: a provider that omits `usage` is counted as 0 tokens and $0.
            logger.warning("token usage missing", provider=self.settings.name)
        return ChatResult(
            content=_text_of(message.get("content")),
            finish_reason=choice.get("finish_reason"),
            usage=TokenUsage(
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                cost_usd=self.settings.cost_usd(input_tokens, output_tokens),
            ),
            model=str(payload.get("model") or self.settings.model),
            refusal=message.get("refusal") or None,
        )


def build_provider(settings: ProviderSettings, api_key: str | None) -> OpenAICompatibleProvider:
    if settings.requires_key and not api_key:
        raise ConfigurationError(
            f"provider {settings.name!r} needs an API key: set {API_KEY_VARIABLE}"
        )
    return OpenAICompatibleProvider(settings, api_key)


def parse_retry_after(header: str | None) -> float | None:
    """Retry-After is either seconds or an HTTP date; anything else is ignored."""
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _text_of(content: Any) -> str:
    """`content` is a string, or a list of parts on some servers; join the text parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def _error_message(response: requests.Response) -> str:
    try:
        error = response.json().get("error")
        message = error.get("message") if isinstance(error, dict) else error
    except (ValueError, AttributeError):
        message = None
    return str(message or response.reason or f"HTTP {response.status_code}")[:300]
