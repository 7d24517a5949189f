"""The API key loader (SSM through Powertools, cached) and redriving a classify failure."""

import json

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from functions import classify, classify_failure
from tests.unit.pipeline.conftest import (
    EVENTS,
    REGION,
    FakeContext,
    Stack,
    classification_reply,
)

from snaplist.domain.errors import ConfigurationError
from snaplist.pipeline.secrets import load_api_key
from snaplist.pipeline.settings import PipelineSettings

BASE = {"LISTINGS_TABLE": "l", "MAKERS_TABLE": "m"}


@pytest.fixture(autouse=True)
def _fresh_parameter_cache() -> None:
    parameters.clear_caches()


def test_given_an_ssm_parameter_name_when_loading_then_the_secure_string_is_decrypted(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    ssm = boto3.client("ssm", region_name=REGION)
    ssm.put_parameter(Name="/snaplist/test/key", Value="sk-from-ssm", Type="SecureString")
    monkeypatch.setenv("SNAPLIST_API_KEY", "sk-from-env")
    settings = PipelineSettings.from_environ(
        {**BASE, "SNAPLIST_API_KEY_PARAMETER": "/snaplist/test/key"}
    )

    assert load_api_key(settings) == "sk-from-ssm"


def test_given_a_cached_key_when_the_parameter_changes_then_the_cache_answers_until_max_age(
    aws: None,
) -> None:
    ssm = boto3.client("ssm", region_name=REGION)
    ssm.put_parameter(Name="/snaplist/test/key", Value="first", Type="SecureString")
    settings = PipelineSettings.from_environ(
        {**BASE, "SNAPLIST_API_KEY_PARAMETER": "/snaplist/test/key"}
    )
    assert load_api_key(settings) == "first"

    ssm.put_parameter(
        Name="/snaplist/test/key", Value="second", Type="SecureString", Overwrite=True
    )

    assert load_api_key(settings) == "first"
    parameters.clear_caches()  # what max_age expiry does
    assert load_api_key(settings) == "second"


def test_given_no_parameter_name_when_loading_then_the_env_key_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SNAPLIST_API_KEY", "sk-local")

    assert load_api_key(PipelineSettings.from_environ(BASE)) == "sk-local"


def test_given_a_missing_parameter_when_loading_then_a_configuration_error_names_it(
    aws: None,
) -> None:
    settings = PipelineSettings.from_environ({**BASE, "SNAPLIST_API_KEY_PARAMETER": "/nope/key"})

    with pytest.raises(ConfigurationError, match="/nope/key"):
        load_api_key(settings)


def test_given_a_spent_classify_when_its_message_is_redriven_then_the_listing_proceeds(
    stack: Stack, lambda_context: FakeContext
) -> None:
    message = json.loads((EVENTS / "classify_failure.json").read_text())
    failed = classify_failure.handler(message, lambda_context)
    assert failed == {"batchItemFailures": []}
    assert stack.listing("demo-listing")["status"] == "FAILED"  # type: ignore[index]

    original = json.loads(message["Records"][0]["body"])["requestPayload"]
    stack.provider.script(classification_reply())
    stack.put_photo("uploads/demo-listing/1-my photoé.jpg")
    classify.handler(original, lambda_context)

    listing = stack.listing("demo-listing")
    assert listing is not None and listing["status"] == "PROCESSING"
    assert listing["error"] is None
    assert [execution["name"] for execution in stack.executions()] == ["listing-demo-listing"]


def test_given_a_broken_message_when_consumed_then_only_it_is_reported_failed(
    stack: Stack, lambda_context: FakeContext
) -> None:
    message = json.loads((EVENTS / "classify_failure.json").read_text())
    broken = {**message["Records"][0], "messageId": "broken", "body": "not json"}
    message["Records"].append(broken)

    result = classify_failure.handler(message, lambda_context)

    assert result == {"batchItemFailures": [{"itemIdentifier": "broken"}]}
