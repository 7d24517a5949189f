"""template.yaml and the state machine definition, read as data."""

import json
import re
from pathlib import Path
from typing import Any

import pytest

from snaplist_local.cfn_yaml import load_template

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = load_template(REPO / "template.yaml")
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
ASL: dict[str, Any] = json.loads((REPO / "statemachine" / "listing.asl.json").read_text())
LAMBDA_ERRORS = {
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
}
MODEL_FUNCTIONS = ("ClassifyFunction", "ExtractFunction")


def _properties(logical_id: str) -> dict[str, Any]:
    return dict(RESOURCES[logical_id]["Properties"])


def _retrier(state: str, error: str) -> dict[str, Any]:
    """The first retrier that matches `error`, as Step Functions picks it."""
    for retrier in ASL["States"][state].get("Retry", []):
        if error in retrier["ErrorEquals"] or "States.ALL" in retrier["ErrorEquals"]:
            return dict(retrier)
    raise AssertionError(f"{state} does not retry {error}")


def test_extract_retries_transient_provider_errors_after_1_2_and_4_seconds() -> None:
    for error in (
        "ProviderTransientError",
        *sorted(LAMBDA_ERRORS - {"Lambda.TooManyRequestsException"}),
    ):
        retrier = _retrier("Extract", error)
        assert (retrier["IntervalSeconds"], retrier["BackoffRate"], retrier["MaxAttempts"]) == (
            1,
            2,
            3,
        )


def test_extract_waits_longer_on_lambda_throttles_so_a_burst_drains() -> None:
    retrier = _retrier("Extract", "Lambda.TooManyRequestsException")

    total_wait = sum(
        min(retrier["IntervalSeconds"] * retrier["BackoffRate"] ** n, retrier["MaxDelaySeconds"])
        for n in range(retrier["MaxAttempts"])
    )
    assert retrier["MaxAttempts"] >= 3 and total_wait >= 120


def test_extract_gives_model_output_invalid_a_bounded_retry_of_its_own() -> None:
    retrier = _retrier("Extract", "ModelOutputInvalid")

    assert retrier["ErrorEquals"] == ["ModelOutputInvalid"]
    assert 1 <= retrier["MaxAttempts"] <= 2


@pytest.mark.parametrize(
    "error",
    ["ProviderClientError", "UnsupportedImage", "ModelOutputTruncated", "ConfigurationError"],
)
def test_extract_never_retries_client_errors(error: str) -> None:
    matching = [r for r in ASL["States"]["Extract"]["Retry"] if error in r["ErrorEquals"]]
    catch_all = [r for r in ASL["States"]["Extract"]["Retry"] if "States.ALL" in r["ErrorEquals"]]

    assert matching == [] and catch_all == []


def test_every_task_but_the_recorder_catches_everything_into_record_failure() -> None:
    tasks = {name: state for name, state in ASL["States"].items() if state["Type"] == "Task"}

    assert set(tasks) == {"Extract", "Validate", "StoreDraft", "RecordFailure"}
    for name, state in tasks.items():
        if name == "RecordFailure":
            assert "Catch" not in state and state["Next"] == "ListingFailed"
            continue
        assert state["Catch"] == [
            {"ErrorEquals": ["States.ALL"], "ResultPath": "$.failure", "Next": "RecordFailure"}
        ]


def test_task_resources_are_definition_substitutions_of_the_template() -> None:
    substitutions = _properties("ListingStateMachine")["DefinitionSubstitutions"]
    used = set(re.findall(r"\$\{(\w+)\}", json.dumps(ASL)))

    assert used == set(substitutions)
    assert _properties("ListingStateMachine")["DefinitionUri"] == "statemachine/listing.asl.json"


def test_uploads_bucket_blocks_public_access_encrypts_and_expires_raw_photos() -> None:
    bucket = _properties("UploadsBucket")

    assert set(bucket["PublicAccessBlockConfiguration"].values()) == {True}
    assert bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    [rule] = bucket["LifecycleConfiguration"]["Rules"]
    assert rule["Prefix"] == "uploads/" and rule["Status"] == "Enabled"
    assert rule["ExpirationInDays"] == {"Ref": "RawPhotoRetentionDays"}


@pytest.mark.parametrize("table", ["ListingsTable", "MakersTable"])
def test_tables_are_on_demand_with_point_in_time_recovery(table: str) -> None:
    properties = _properties(table)

    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True


@pytest.mark.parametrize("function", MODEL_FUNCTIONS)
def test_model_functions_have_concurrency_from_a_parameter_and_room_for_the_timeout(
    function: str,
) -> None:
    properties = _properties(function)
    timeout_parameter = TEMPLATE["Parameters"]["ModelTimeoutSeconds"]

    assert properties["ReservedConcurrentExecutions"] == {"Ref": "ModelConcurrency"}
    # A model call at its longest still leaves the function time to record the outcome.
    assert properties["Timeout"] >= 2 * timeout_parameter["MaxValue"]


def test_functions_run_python_3_13_on_arm64_with_the_shared_layer_and_tracing() -> None:
    function_globals = TEMPLATE["Globals"]["Function"]

    assert function_globals["Runtime"] == "python3.13"
    assert function_globals["Architectures"] == ["arm64"]
    assert function_globals["Layers"] == [{"Ref": "SharedLayer"}]
    assert function_globals["Tracing"] == "Active"
    assert _properties("SharedLayer")["ContentUri"] == "layers/shared"


def test_every_function_has_a_log_group_with_retention() -> None:
    functions = [k for k, v in RESOURCES.items() if v["Type"] == "AWS::Serverless::Function"]

    for function in functions:
        log_group = _properties(function)["LoggingConfig"]["LogGroup"]["Ref"]
        assert RESOURCES[log_group]["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_no_secret_travels_as_a_plain_template_value() -> None:
    text = (REPO / "template.yaml").read_text()
    variables = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]

    assert "SNAPLIST_API_KEY" not in variables
    assert variables["SNAPLIST_API_KEY_PARAMETER"] == {"Ref": "ApiKeyParameterName"}
    for name in TEMPLATE["Parameters"]:
        assert not re.search(r"(Key|Secret|Password|Token)$", name), name
    assert not re.search(r"sk-[A-Za-z0-9]{8,}", text)


def test_handlers_named_in_the_template_exist() -> None:
    functions = [k for k, v in RESOURCES.items() if v["Type"] == "AWS::Serverless::Function"]

    for function in functions:
        module = _properties(function)["Handler"].split(".")[0]
        assert (REPO / "functions" / f"{module}.py").is_file(), function
