"""Fixtures for the pipeline's unit tests: moto for AWS, the scripted provider for the model.

Tables get their key schema from template.yaml, so a test never disagrees with the deployment.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from tests.support.scripted_provider import Reply, ScriptedProvider, json_reply

from snaplist.pipeline import executions, listings, makers, services, uploads
from snaplist_local.cfn_yaml import load_template

REPO = Path(__file__).resolve().parents[3]
EVENTS = REPO / "events"
SAMPLES = REPO / ".." / "shared" / "samples"
BOOK_PHOTO = SAMPLES / "book" / "book-cover-wizard-of-oz.jpg"
REGION = "eu-west-1"
ACCOUNT = "123456789012"  # moto's default account, also the one in events/
BUCKET = f"snaplist-dev-uploads-{ACCOUNT}-{REGION}"
LISTINGS = "snaplist-dev-listings"
MAKERS = "snaplist-dev-makers"


def classification_reply(product_type: str = "book", confidence: float = 0.93) -> Reply:
    return json_reply({"product_type": product_type, "confidence": confidence}, tokens=(400, 12))


def book_extraction_reply() -> Reply:
    """Every book field (docs/contracts.md), the unseen ones null with a low confidence."""
    unseen = {"value": None, "confidence": 0.1, "suggestion": "not visible on the photos"}
    fields: dict[str, Any] = {
        name: unseen
        for name in (
            "category",
            "condition",
            "materials",
            "currency",
            "dimensions_cm",
            "weight_kg",
            "tags",
            "language",
            "format",
            "isbn",
        )
    }
    fields |= {
        "title": {"value": "The Wonderful Wizard of Oz", "confidence": 0.95, "suggestion": None},
        "maker": {"value": "L. Frank Baum", "confidence": 0.9, "suggestion": None},
        "year": {"value": "1900", "confidence": 0.6, "suggestion": "check the copyright page"},
        "price": {"value": 12.5, "confidence": 0.6, "suggestion": None},
        "description": {"value": "Illustrated hardback.", "confidence": 0.8, "suggestion": None},
    }
    return json_reply(fields, tokens=(1600, 300))


@dataclass
class Stack:
    provider: ScriptedProvider
    s3: Any
    dynamodb: Any
    sfn: Any
    state_machine_arn: str

    def put_photo(self, key: str, body: bytes | None = None) -> None:
        data = BOOK_PHOTO.read_bytes() if body is None else body
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=data)

    def listing(self, listing_id: str) -> dict[str, Any] | None:
        record = listings.ListingsTable(LISTINGS).get(listing_id)
        return None if record is None else record.model_dump(mode="json")

    def raw_item(self, listing_id: str) -> dict[str, Any] | None:
        table = self.dynamodb.Table(LISTINGS)
        item: dict[str, Any] | None = table.get_item(Key={"listing_id": listing_id}).get("Item")
        return item

    def executions(self) -> list[dict[str, Any]]:
        found = self.sfn.list_executions(stateMachineArn=self.state_machine_arn)["executions"]
        return list(found)

    def execution_input(self, name: str) -> dict[str, Any]:
        arn = self.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{name}"
        return dict(json.loads(self.sfn.describe_execution(executionArn=arn)["input"]))


class FakeContext:
    function_name = "snaplist-dev-test"
    function_version = "$LATEST"
    invoked_function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:snaplist-dev-test"
    memory_limit_in_mb = 256
    aws_request_id = "00000000-0000-0000-0000-000000000000"
    log_group_name = "/aws/lambda/snaplist-dev-test"
    log_stream_name = "test"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


@pytest.fixture
def lambda_context() -> FakeContext:
    return FakeContext()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "POWERTOOLS_METRICS_NAMESPACE": "SnaplistTest",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    for cached in (
        listings.listings_table,
        makers.makers_table,
        uploads.uploads_bucket,
        executions.state_machine_starter,
    ):
        cached.cache_clear()
    with mock_aws():
        yield


@pytest.fixture
def provider() -> Iterator[ScriptedProvider]:
    with ScriptedProvider() as scripted:
        yield scripted


@pytest.fixture
def stack(aws: None, provider: ScriptedProvider, monkeypatch: pytest.MonkeyPatch) -> Stack:
    template = load_template(REPO / "template.yaml")["Resources"]
    dynamodb = boto3.resource("dynamodb", region_name=REGION)
    for logical_id, name in (("ListingsTable", LISTINGS), ("MakersTable", MAKERS)):
        properties = template[logical_id]["Properties"]
        dynamodb.create_table(
            TableName=name,
            KeySchema=properties["KeySchema"],
            AttributeDefinitions=properties["AttributeDefinitions"],
            BillingMode=properties["BillingMode"],
        )
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    sfn = boto3.client("stepfunctions", region_name=REGION)
    definition = (REPO / "statemachine" / "listing.asl.json").read_text()
    for placeholder in ("Extract", "Validate", "StoreDraft", "RecordFailure"):
        arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:snaplist-dev-{placeholder.lower()}"
        definition = definition.replace("${" + placeholder + "FunctionArn}", arn)
    state_machine_arn = sfn.create_state_machine(
        name="snaplist-dev-listing",
        definition=definition,
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/snaplist-dev-listing",
    )["stateMachineArn"]

    environment = {
        "LISTINGS_TABLE": LISTINGS,
        "MAKERS_TABLE": MAKERS,
        "UPLOADS_BUCKET": BUCKET,
        "STATE_MACHINE_ARN": state_machine_arn,
        "SNAPLIST_PROVIDER": "custom",
        "SNAPLIST_BASE_URL": provider.base_url,
        "SNAPLIST_MODEL": "scripted-vl",
        "SNAPLIST_API_KEY_PARAMETER": "",
        "SNAPLIST_MODEL_TIMEOUT_SECONDS": "2",
        "SNAPLIST_CONFIDENCE_THRESHOLD": "0.7",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    services.taxonomy.cache_clear()
    services.prompt_builder.cache_clear()
    return Stack(provider, s3, dynamodb, sfn, state_machine_arn)


def load_event(name: str) -> dict[str, Any]:
    return dict(json.loads((EVENTS / name).read_text(encoding="utf-8")))


def s3_event(key: str, raw_key: str | None = None) -> dict[str, Any]:
    """The sample S3 put event, pointed at `key` (form-encoded like S3 does unless raw given)."""
    from urllib.parse import quote_plus

    event = load_event("classify.json")
    event["Records"][0]["s3"]["object"]["key"] = raw_key or quote_plus(key, safe="/")
    return event
