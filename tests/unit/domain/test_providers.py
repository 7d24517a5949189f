"""The provider table and which provider the environment selects."""

import pytest

from snaplist.domain import (
    PROVIDERS,
    ConfigurationError,
    build_provider,
    offline_settings,
    resolve_provider_settings,
)


def test_given_the_table_then_it_holds_the_four_providers_with_their_prices() -> None:
    prices = {
        name: (s.model, s.input_usd_per_million, s.output_usd_per_million)
        for name, s in PROVIDERS.items()
    }

    assert prices == {
        "siliconflow": ("Qwen/Qwen3-VL-8B-Instruct", 0.14, 0.14),
        "nebulablock": ("Qwen/Qwen2.5-VL-7B-Instruct", 0.10, 0.10),
        "together": ("Qwen/Qwen2.5-VL-72B-Instruct", 1.95, 8.00),
        "openai": ("gpt-4o-mini", 0.15, 0.60),
    }
    assert all(s.base_url.startswith("https://") and s.requires_key for s in PROVIDERS.values())


def test_given_nothing_configured_then_the_offline_model_on_loopback_is_used() -> None:
    settings = resolve_provider_settings({})

    assert settings.name == "offline"
    assert settings.base_url == "http://127.0.0.1:8765/v1"
    assert settings.capabilities.response_format == "json_schema"
    assert (settings.input_usd_per_million, settings.output_usd_per_million) == (0, 0)
    assert build_provider(settings, api_key=None).settings.requires_key is False


def test_given_offline_port_then_the_offline_url_uses_it() -> None:
    settings = resolve_provider_settings({"SNAPLIST_OFFLINE_PORT": "9123"})

    assert settings.base_url == "http://127.0.0.1:9123/v1"


def test_given_base_url_then_the_custom_provider_is_used() -> None:
    env = {"SNAPLIST_BASE_URL": "http://127.0.0.1:11434/v1/", "SNAPLIST_MODEL": "qwen2.5vl:7b"}

    settings = resolve_provider_settings(env)

    assert (settings.name, settings.base_url) == ("custom", "http://127.0.0.1:11434/v1")
    assert settings.model == "qwen2.5vl:7b"
    assert settings.capabilities.response_format == "none"
    assert settings.requires_key is False


def test_given_custom_provider_with_json_schema_then_the_capability_is_honoured() -> None:
    env = {
        "SNAPLIST_BASE_URL": "http://127.0.0.1:8000/v1",
        "SNAPLIST_MODEL": "Qwen/Qwen3-VL-8B-Instruct",
        "SNAPLIST_RESPONSE_FORMAT": "json_schema",
    }

    assert resolve_provider_settings(env).capabilities.response_format == "json_schema"


def test_given_provider_set_then_it_wins_over_base_url() -> None:
    env = {"SNAPLIST_PROVIDER": "SiliconFlow", "SNAPLIST_BASE_URL": "http://127.0.0.1:1/v1"}

    assert resolve_provider_settings(env) == PROVIDERS["siliconflow"]


def test_given_model_override_then_the_table_entry_uses_that_model() -> None:
    env = {"SNAPLIST_PROVIDER": "together", "SNAPLIST_MODEL": "Qwen/Qwen2.5-VL-7B-Instruct"}

    assert resolve_provider_settings(env).model == "Qwen/Qwen2.5-VL-7B-Instruct"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SNAPLIST_PROVIDER": "acme"}, "unknown SNAPLIST_PROVIDER 'acme'"),
        ({"SNAPLIST_PROVIDER": "custom"}, "SNAPLIST_BASE_URL and SNAPLIST_MODEL"),
        ({"SNAPLIST_BASE_URL": "http://127.0.0.1:1/v1"}, "SNAPLIST_BASE_URL and SNAPLIST_MODEL"),
        ({"SNAPLIST_MODEL_TIMEOUT_SECONDS": "soon"}, "SNAPLIST_MODEL_TIMEOUT_SECONDS"),
        ({"SNAPLIST_MODEL_TIMEOUT_SECONDS": "0"}, "greater than zero"),
    ],
)
def test_given_bad_settings_then_configuration_error_says_what_to_fix(
    env: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        resolve_provider_settings(env)


def test_given_timeout_setting_then_the_provider_uses_it_else_25_seconds() -> None:
    assert resolve_provider_settings({}).timeout_seconds == 25.0
    env = {"SNAPLIST_MODEL_TIMEOUT_SECONDS": "12.5"}
    assert resolve_provider_settings(env).timeout_seconds == 12.5


def test_given_cost_then_it_is_priced_per_million_tokens() -> None:
    assert PROVIDERS["siliconflow"].cost_usd(2_000, 500) == pytest.approx(0.00035)
    assert offline_settings(8765).cost_usd(2_000, 500) == 0.0
