"""How template.yaml maps onto the embedded AWS: what is created, wired, skipped and why."""

import json

import pytest

from snaplist_local.cfn_yaml import load_template
from snaplist_local.stack import EmbeddedStack, StackOptions
from tests.integration.conftest import REPO_ROOT

pytestmark = pytest.mark.integration


def test_given_the_template_when_the_stack_starts_then_every_resource_is_created_or_listed(
    stack: EmbeddedStack,
) -> None:
    declared = set(load_template(REPO_ROOT / "template.yaml")["Resources"])

    created = {logical_id for logical_id, _ in stack.created}
    # Function events that are not emulated are listed as "Function.Events.Name".
    skipped = {logical_id for logical_id, _, _ in stack.skipped if "." not in logical_id}

    assert created | skipped == declared
    assert not created & skipped
    assert {"UploadsBucket", "ListingsTable", "MakersTable", "ClassifyFailureQueue"} <= created
    assert {"ClassifyFunction", "ExtractFunction", "ListingStateMachine"} <= created
    assert all(reason for _, _, reason in stack.skipped)


def test_given_the_classify_s3_event_when_wired_then_uploads_prefix_triggers_classify_only(
    stack: EmbeddedStack,
) -> None:
    s3, bucket = stack.client("s3"), stack.physical_id("UploadsBucket")

    [configuration] = s3.get_bucket_notification_configuration(Bucket=bucket)[
        "LambdaFunctionConfigurations"
    ]
    s3.put_object(Bucket=bucket, Key="elsewhere/x/1-photo.jpg", Body=b"not under uploads/")
    assert stack.wait_idle()

    assert configuration["LambdaFunctionArn"] == stack.attribute("ClassifyFunction", "Arn")
    assert configuration["Filter"]["Key"]["FilterRules"] == [
        {"Name": "prefix", "Value": "uploads/"}
    ]
    assert stack.invocations("ClassifyFunction") == 0


def test_given_parameter_overrides_when_the_stack_starts_then_resources_follow_them() -> None:
    options = StackOptions(
        parameter_overrides={
            "ApiKeyParameterName": "",
            "RawPhotoRetentionDays": "3",
            "ModelConcurrency": "4",
        }
    )
    with EmbeddedStack(options) as stack:
        s3, lambda_client = stack.client("s3"), stack.client("lambda")
        [rule] = s3.get_bucket_lifecycle_configuration(Bucket=stack.physical_id("UploadsBucket"))[
            "Rules"
        ]
        concurrency = lambda_client.get_function_concurrency(
            FunctionName=stack.physical_id("ExtractFunction")
        )
        invoke_config = lambda_client.get_function_event_invoke_config(
            FunctionName=stack.physical_id("ClassifyFunction")
        )

    assert rule["Expiration"]["Days"] == 3
    assert concurrency["ReservedConcurrentExecutions"] == 4
    assert invoke_config["MaximumRetryAttempts"] == 2
    assert invoke_config["DestinationConfig"]["OnFailure"]["Destination"] == stack.attribute(
        "ClassifyFailureQueue", "Arn"
    )


def test_given_the_state_machine_when_created_then_substitutions_are_the_function_arns(
    stack: EmbeddedStack,
) -> None:
    described = stack.client("stepfunctions").describe_state_machine(
        stateMachineArn=stack.physical_id("ListingStateMachine")
    )
    definition = json.loads(described["definition"])

    assert "${" not in described["definition"]
    assert definition["States"]["Extract"]["Resource"] == stack.attribute("ExtractFunction", "Arn")
    assert definition["States"]["RecordFailure"]["Resource"] == stack.attribute(
        "RecordFailureFunction", "Arn"
    )


def test_given_an_api_key_when_the_stack_starts_then_it_is_a_secure_string_under_the_name() -> None:
    options = StackOptions(api_key="sk-local-test-key")

    with EmbeddedStack(options) as stack:
        name = stack.template.parameters["ApiKeyParameterName"]
        parameter = stack.client("ssm").get_parameter(Name=name, WithDecryption=True)["Parameter"]
        handler_parameter = stack.environment["SNAPLIST_API_KEY_PARAMETER"]

    assert parameter["Type"] == "SecureString"
    assert parameter["Value"] == "sk-local-test-key"
    assert handler_parameter == name
    assert "SNAPLIST_API_KEY" not in stack.environment


def test_given_a_handler_that_raises_when_invoked_then_lambda_reports_its_class_and_message(
    stack: EmbeddedStack,
) -> None:
    response = stack.client("lambda").invoke(
        FunctionName=stack.physical_id("ValidateFunction"),
        Payload=json.dumps({"listing_id": "lst-x", "extraction": {"not": "an extraction"}}),
    )
    payload = json.loads(response["Payload"].read())

    assert response["FunctionError"]
    assert payload["errorType"] == "ValidationError"
    assert "extraction" in payload["errorMessage"]


def test_given_the_classify_function_when_read_from_the_template_then_the_seam_follows_it(
    stack: EmbeddedStack,
) -> None:
    runner = stack.runner
    assert runner is not None
    spec = runner.specs[stack.physical_id("ClassifyFunction")]

    assert spec.handler == "classify.handler"
    assert spec.code_dir == REPO_ROOT / "functions"
    assert spec.timeout_seconds == 120
    assert spec.reserved_concurrency == 2
    assert spec.on_failure_queue_url == stack.physical_id("ClassifyFailureQueue")
