"""The seam on its own: a handler module run the way Lambda runs it, and AWS-style S3 keys."""

import json
import uuid
from pathlib import Path

import boto3
import pytest

from snaplist_local.stack.seam import (
    AsyncInvoker,
    FunctionSpec,
    HandlerRunner,
    RealAwsRefused,
    aws_style_key,
)

pytestmark = pytest.mark.integration

PROBE = """
import time


class ListingNotFound(Exception):
    pass


def fails(event, context):
    raise ListingNotFound(f"no listing {event['listing_id']}")


def sleeps(event, context):
    time.sleep(event["seconds"])
    return {"slept": event["seconds"]}


def returns_a_set(event, context):
    return {"tags": {"a", "b"}}


def reports_context(event, context):
    return {
        "function_name": context.function_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "request_id": context.aws_request_id,
    }
"""


@pytest.fixture
def runner(tmp_path: Path) -> HandlerRunner:
    module = f"seam_probe_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{module}.py").write_text(PROBE, encoding="utf-8")
    specs = {
        name: FunctionSpec(
            logical_id=name,
            function_name=name,
            function_arn=f"arn:aws:lambda:us-east-1:123456789012:function:{name}",
            code_dir=tmp_path,
            handler=f"{module}.{name}",
            timeout_seconds=1,
            memory_mb=128,
        )
        for name in ("fails", "sleeps", "returns_a_set", "reports_context")
    }
    return HandlerRunner(specs)


def test_given_a_handler_that_raises_when_invoked_then_error_type_is_the_class_name(
    runner: HandlerRunner,
) -> None:
    result = runner.invoke("fails", {"listing_id": "lst-1"})

    payload = json.loads(result.payload)
    assert result.errored
    assert payload["errorType"] == "ListingNotFound"
    assert payload["errorMessage"] == "no listing lst-1"
    assert payload["stackTrace"]


def test_given_a_handler_past_its_timeout_when_invoked_then_sandbox_timed_out(
    runner: HandlerRunner,
) -> None:
    result = runner.invoke("sleeps", {"seconds": 1.5})

    assert result.errored
    assert json.loads(result.payload)["errorType"] == "Sandbox.Timedout"


def test_given_a_handler_within_its_timeout_when_invoked_then_its_result_is_returned(
    runner: HandlerRunner,
) -> None:
    result = runner.invoke("sleeps", {"seconds": 0.1})

    assert not result.errored
    assert json.loads(result.payload) == {"slept": 0.1}


def test_given_a_result_that_is_not_json_when_invoked_then_runtime_marshal_error(
    runner: HandlerRunner,
) -> None:
    result = runner.invoke("returns_a_set", {})

    assert result.errored
    assert json.loads(result.payload)["errorType"] == "Runtime.MarshalError"


def test_given_a_handler_when_invoked_then_the_context_follows_the_function(
    runner: HandlerRunner,
) -> None:
    first = json.loads(runner.invoke("reports_context", {}).payload)
    second = json.loads(runner.invoke("reports_context", {}).payload)

    assert first["function_name"] == "reports_context"
    assert 900 < first["remaining_ms"] <= 1000
    assert first["request_id"] != second["request_id"]


def test_given_a_function_outside_the_template_when_invoked_then_it_is_refused(
    runner: HandlerRunner,
) -> None:
    result = runner.invoke("not-in-template", {})

    assert result.errored
    assert json.loads(result.payload)["errorType"] == "LookupError"


@pytest.mark.parametrize(
    ("moto_key", "aws_key"),
    [
        ("uploads%2Flst-1%2F1-my+photo.jpg", "uploads/lst-1/1-my+photo.jpg"),
        ("uploads%2Flst-1%2F1-a%2Bb.jpg", "uploads/lst-1/1-a%2Bb.jpg"),
        ("uploads%2Flst-1%2F1-%C3%A9t%C3%A9.jpg", "uploads/lst-1/1-%C3%A9t%C3%A9.jpg"),
    ],
)
def test_given_a_key_encoded_by_moto_when_delivered_then_it_is_encoded_as_aws_does(
    moto_key: str, aws_key: str
) -> None:
    assert aws_style_key(moto_key) == aws_key


def test_given_no_running_stack_when_code_calls_aws_then_the_request_never_leaves_the_machine():
    # A handler thread that outlives its stack (a timed-out run, Ctrl-C) makes exactly this call.
    client = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    ).client("sqs")

    with pytest.raises(RealAwsRefused, match=r"sqs\.us-east-1\.amazonaws\.com"):
        client.list_queues()


def test_given_a_stopped_invoker_when_a_delivery_was_queued_then_it_is_dropped_not_run():
    runner = HandlerRunner({})
    sent: list[str] = []
    invoker = AsyncInvoker(runner, lambda url, body: sent.append(body), (0.0,))

    invoker.shutdown()
    invoker._deliver("ClassifyFunction", {"Records": []})

    assert runner.invocations == {}
    assert sent == []
