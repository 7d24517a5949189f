"""The provider: one chat-completions call over real HTTP, errors classified once, no retries."""

import socket

import pytest
from tests.support.scripted_provider import Reply, ScriptedProvider, chat_reply, json_reply
from tests.unit.domain.support import encode, two_tone

from snaplist.domain import (
    PROVIDERS,
    ChatRequest,
    ConfigurationError,
    ModelOutputInvalid,
    OpenAICompatibleProvider,
    PixelBudget,
    ProviderClientError,
    ProviderSettings,
    ProviderTransientError,
    build_provider,
    prepare_image,
)
from snaplist.domain.provider import parse_retry_after

PHOTO = prepare_image(encode(two_tone(200, 150), "PNG"), PixelBudget(max_pixels=200 * 150))
SCHEMA = {"type": "object", "properties": {"product_type": {"type": "string"}}}


def request(images: int = 2) -> ChatRequest:
    return ChatRequest(
        system_prompt="Sort the photos.",
        images=(PHOTO,) * images,
        detail="low",
        schema_name="snaplist_classification",
        json_schema=SCHEMA,
        max_tokens=300,
    )


def remote(name: str, scripted: ScriptedProvider, **capabilities: object) -> ProviderSettings:
    """A remote table entry, aimed at the loopback server so no test leaves the machine."""
    settings = PROVIDERS[name]
    return settings.model_copy(
        update={
            "base_url": scripted.base_url,
            "capabilities": settings.capabilities.model_copy(update=capabilities),
        }
    )


def test_given_a_request_when_sent_then_the_wire_format_matches_the_contract(
    scripted: ScriptedProvider,
) -> None:
    scripted.script(json_reply({"product_type": "book", "confidence": 0.9}))
    provider = build_provider(remote("together", scripted), api_key="sk-test")

    provider.complete(request(images=2))

    sent = scripted.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["headers"]["Authorization"] == "Bearer sk-test"
    body = sent["body"]
    assert body["model"] == "Qwen/Qwen2.5-VL-72B-Instruct"
    assert body["temperature"] == 0
    assert body["max_tokens"] == 300
    assert body["messages"][0] == {"role": "system", "content": "Sort the photos."}
    content = body["messages"][1]["content"]
    assert [part["type"] for part in content] == ["text", "image_url", "text", "image_url"]
    assert content[0]["text"] == "Photo 1 of 2 of one item."
    assert content[1]["image_url"]["url"].startswith("data:image/jpeg;base64,")
    assert content[1]["image_url"]["detail"] == "low"
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "snaplist_classification", "strict": True, "schema": SCHEMA},
    }


@pytest.mark.parametrize(
    ("response_format", "expected"),
    [("json_object", {"type": "json_object"}), ("none", None)],
)
def test_given_provider_without_json_schema_then_response_format_follows_its_capability(
    scripted: ScriptedProvider, response_format: str, expected: object
) -> None:
    scripted.script(json_reply({"product_type": "book", "confidence": 0.9}))
    settings = remote("nebulablock", scripted, response_format=response_format)

    OpenAICompatibleProvider(settings, "key").complete(request())

    assert scripted.requests[0]["body"].get("response_format") == expected


def test_given_provider_without_detail_support_then_detail_is_not_sent(
    scripted: ScriptedProvider,
) -> None:
    scripted.script(json_reply({"product_type": "book", "confidence": 0.9}))
    settings = remote("siliconflow", scripted, supports_detail=False)

    OpenAICompatibleProvider(settings, "key").complete(request(images=1))

    image_url = scripted.requests[0]["body"]["messages"][1]["content"][1]["image_url"]
    assert "detail" not in image_url


def test_given_no_key_then_no_authorization_header_is_sent(
    scripted: ScriptedProvider, provider: OpenAICompatibleProvider
) -> None:
    scripted.script(json_reply({"product_type": "book", "confidence": 0.9}))

    provider.complete(request())

    assert "Authorization" not in scripted.requests[0]["headers"]


def test_given_a_reply_then_token_usage_and_cost_come_from_the_provider_table(
    scripted: ScriptedProvider,
) -> None:
    scripted.script(chat_reply("{}", tokens=(1_000_000, 500_000)))
    provider = OpenAICompatibleProvider(remote("openai", scripted), "key")

    result = provider.complete(request())

    assert (result.usage.input_tokens, result.usage.output_tokens) == (1_000_000, 500_000)
    assert result.usage.cost_usd == pytest.approx(0.15 + 0.30)
    assert result.model == "scripted"


def test_given_429_with_retry_after_then_transient_error_carries_the_wait(
    scripted: ScriptedProvider, provider: OpenAICompatibleProvider
) -> None:
    scripted.script(
        Reply(status=429, body={"error": {"message": "slow down"}}, headers={"Retry-After": "7"})
    )

    with pytest.raises(ProviderTransientError) as raised:
        provider.complete(request())

    assert (raised.value.status, raised.value.retry_after) == (429, 7.0)
    assert "slow down" in str(raised.value)


def test_given_500_then_transient_error_and_the_provider_does_not_retry(
    scripted: ScriptedProvider, provider: OpenAICompatibleProvider
) -> None:
    scripted.script(Reply(status=500, body={"error": {"message": "overloaded"}}))

    with pytest.raises(ProviderTransientError) as raised:
        provider.complete(request())

    assert raised.value.status == 500 and raised.value.retry_after is None
    assert len(scripted.requests) == 1


def test_given_400_then_client_error_with_the_status_and_message(
    scripted: ScriptedProvider, provider: OpenAICompatibleProvider
) -> None:
    scripted.script(Reply(status=400, body={"error": {"message": "image too large"}}))

    with pytest.raises(ProviderClientError) as raised:
        provider.complete(request())

    assert raised.value.status == 400
    assert "image too large" in str(raised.value)
    assert len(scripted.requests) == 1


def test_given_a_slow_provider_when_the_timeout_passes_then_transient_error(
    scripted: ScriptedProvider, provider_settings: ProviderSettings
) -> None:
    scripted.script(Reply(body={}, delay_seconds=1.5))
    settings = provider_settings.model_copy(update={"timeout_seconds": 0.2})

    with pytest.raises(ProviderTransientError, match=r"no reply within 0.2 s"):
        OpenAICompatibleProvider(settings, None).complete(request())


def test_given_nothing_listening_then_connection_error_is_transient(
    provider_settings: ProviderSettings,
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = provider_settings.model_copy(update={"base_url": f"http://127.0.0.1:{port}/v1"})

    with pytest.raises(ProviderTransientError, match="cannot connect"):
        OpenAICompatibleProvider(settings, None).complete(request())


def test_given_200_that_is_not_a_chat_completion_then_model_output_invalid(
    scripted: ScriptedProvider, provider: OpenAICompatibleProvider
) -> None:
    scripted.script(Reply(body={"choices": []}))

    with pytest.raises(ModelOutputInvalid):
        provider.complete(request())


def test_given_remote_provider_without_key_then_configuration_error_names_the_variable() -> None:
    with pytest.raises(ConfigurationError, match="SNAPLIST_API_KEY"):
        build_provider(PROVIDERS["siliconflow"], api_key=None)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("12", 12.0),
        ("0.5", 0.5),
        (None, None),
        ("soon", None),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
    ],
)
def test_given_retry_after_header_then_seconds_are_read(
    header: str | None, expected: float | None
) -> None:
    assert parse_retry_after(header) == expected
