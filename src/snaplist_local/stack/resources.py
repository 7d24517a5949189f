"""Create the template's resources in the embedded AWS, one creator per resource type.

Each creator turns CloudFormation properties into the API calls CloudFormation would make. A type
without a creator is recorded as skipped, with the reason, never dropped silently.
"""

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3

from snaplist_local.stack.seam import FunctionSpec
from snaplist_local.stack.template import ACCOUNT_ID, Resource, StackContext, TemplateError

FUNCTION_TYPES = ("AWS::Serverless::Function",)
STATE_MACHINE_TYPES = ("AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine")
LOCAL_ROLE_NAME = "snaplist-local-execution"

# Types the embedded stack knows about and deliberately does not create.
SKIPPED_TYPES = {
    "AWS::Serverless::Api": "no API Gateway emulation in the embedded stack",
    "AWS::Serverless::HttpApi": "no API Gateway emulation in the embedded stack",
    "AWS::IAM::Role": "IAM is not enforced locally; every function runs with one local role",
    "AWS::IAM::Policy": "IAM is not enforced locally",
    "AWS::CloudWatch::Alarm": "no alarms locally",
    "AWS::SNS::Topic": "not used by the local pipeline",
    # Limitation: moto evaluates bucket policies without their Condition blocks, so a TLS-only
    # Deny would refuse every local request; the policy is checked by cfn-lint, not here.
    "AWS::S3::BucketPolicy": "moto ignores policy conditions; a conditional Deny would deny all",
}


@dataclass
class CreationReport:
    created: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str, str]] = field(default_factory=list)


def placeholder_zip() -> bytes:
    """moto needs a code package; the code really runs through the seam, from the repository."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.txt", "code runs in-process from the repository\n")
    return buffer.getvalue()


def _cfn_lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {"ID": rule.get("Id", "rule"), "Status": rule["Status"]}
    converted["Filter"] = {"Prefix": rule.get("Prefix", "")}
    if "ExpirationInDays" in rule:
        converted["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
    if "AbortIncompleteMultipartUpload" in rule:
        days = int(rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])
        converted["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": days}
    return converted


def _cfn_encryption_rule(rule: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {}
    if "ServerSideEncryptionByDefault" in rule:
        converted["ApplyServerSideEncryptionByDefault"] = rule["ServerSideEncryptionByDefault"]
    if "BucketKeyEnabled" in rule:
        converted["BucketKeyEnabled"] = _truthy(rule["BucketKeyEnabled"])
    return converted


def _truthy(value: Any) -> bool:
    return str(value).lower() == "true"


class ResourceCreator:
    """Walks the resolved template in dependency order and creates what moto can hold."""

    def __init__(self, stack: StackContext, session: boto3.session.Session) -> None:
        self.stack = stack
        self.session = session
        self.report = CreationReport()
        self.function_specs: dict[str, FunctionSpec] = {}
        self.role_arn = f"arn:aws:iam::{ACCOUNT_ID}:role/{LOCAL_ROLE_NAME}"
        self._creators: dict[str, Callable[[Resource, dict[str, Any]], None]] = {
            "AWS::S3::Bucket": self._bucket,
            "AWS::DynamoDB::Table": self._table,
            "AWS::SQS::Queue": self._queue,
            "AWS::SSM::Parameter": self._ssm_parameter,
            "AWS::Logs::LogGroup": self._log_group,
            "AWS::Serverless::LayerVersion": self._layer,
            "AWS::Serverless::Function": self._function,
            "AWS::Serverless::StateMachine": self._state_machine,
            "AWS::StepFunctions::StateMachine": self._state_machine,
        }

    def client(self, service: str) -> Any:
        return self.session.client(service)  # type: ignore[call-overload]

    def create_all(self) -> CreationReport:
        self.client("iam").create_role(
            RoleName=LOCAL_ROLE_NAME,
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
        )
        order = [
            "AWS::SSM::Parameter",
            "AWS::S3::Bucket",
            "AWS::DynamoDB::Table",
            "AWS::SQS::Queue",
            "AWS::Logs::LogGroup",
            "AWS::Serverless::LayerVersion",
            "AWS::Serverless::Function",
            *STATE_MACHINE_TYPES,
        ]
        resources = sorted(
            self.stack.resources.values(),
            key=lambda r: order.index(r.type) if r.type in order else len(order),
        )
        for resource in resources:
            creator = self._creators.get(resource.type)
            if creator is None:
                reason = SKIPPED_TYPES.get(resource.type, "no local equivalent is created")
                self.report.skipped.append((resource.logical_id, resource.type, reason))
                continue
            creator(resource, self.stack.resolve(resource.properties) or {})
            self.report.created.append((resource.logical_id, resource.type))
        self._wire_function_events()
        return self.report

    def _bucket(self, resource: Resource, properties: dict[str, Any]) -> None:
        s3, bucket = self.client("s3"), resource.identity.ref
        if self.stack.region == "us-east-1":
            s3.create_bucket(Bucket=bucket)
        else:
            s3.create_bucket(
                Bucket=bucket,
                CreateBucketConfiguration={"LocationConstraint": self.stack.region},
            )
        if "BucketEncryption" in properties:
            rules = [
                _cfn_encryption_rule(rule)
                for rule in properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
            ]
            s3.put_bucket_encryption(
                Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": rules}
            )
        if "PublicAccessBlockConfiguration" in properties:
            block = {k: _truthy(v) for k, v in properties["PublicAccessBlockConfiguration"].items()}
            s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=block)
        if "OwnershipControls" in properties:
            s3.put_bucket_ownership_controls(
                Bucket=bucket, OwnershipControls=properties["OwnershipControls"]
            )
        if "LifecycleConfiguration" in properties:
            rules = [_cfn_lifecycle_rule(r) for r in properties["LifecycleConfiguration"]["Rules"]]
            s3.put_bucket_lifecycle_configuration(
                Bucket=bucket, LifecycleConfiguration={"Rules": rules}
            )

    def _table(self, resource: Resource, properties: dict[str, Any]) -> None:
        dynamodb, table = self.client("dynamodb"), resource.identity.ref
        request: dict[str, Any] = {
            "TableName": table,
            "KeySchema": properties["KeySchema"],
            "AttributeDefinitions": properties["AttributeDefinitions"],
            "BillingMode": properties.get("BillingMode", "PROVISIONED"),
        }
        for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes", "ProvisionedThroughput"):
            if key in properties:
                request[key] = properties[key]
        if "SSESpecification" in properties:
            request["SSESpecification"] = {
                "Enabled": _truthy(properties["SSESpecification"].get("SSEEnabled", False))
            }
        dynamodb.create_table(**request)
        recovery = properties.get("PointInTimeRecoverySpecification", {})
        if _truthy(recovery.get("PointInTimeRecoveryEnabled", False)):
            dynamodb.update_continuous_backups(
                TableName=table,
                PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
            )
        ttl = properties.get("TimeToLiveSpecification")
        if ttl:
            dynamodb.update_time_to_live(
                TableName=table,
                TimeToLiveSpecification={
                    "Enabled": _truthy(ttl["Enabled"]),
                    "AttributeName": ttl["AttributeName"],
                },
            )

    def _queue(self, resource: Resource, properties: dict[str, Any]) -> None:
        attributes: dict[str, str] = {}
        for key, value in properties.items():
            if key in ("QueueName", "Tags"):
                continue
            if isinstance(value, dict):
                attributes[key] = json.dumps(value)
            elif isinstance(value, bool):
                attributes[key] = str(value).lower()
            else:
                attributes[key] = str(value)
        url = self.client("sqs").create_queue(
            QueueName=resource.identity.attributes["QueueName"], Attributes=attributes
        )["QueueUrl"]
        if url != resource.identity.ref:
            raise TemplateError(f"queue URL {url} differs from the predicted one")

    def _ssm_parameter(self, resource: Resource, properties: dict[str, Any]) -> None:
        self.client("ssm").put_parameter(
            Name=resource.identity.ref,
            Type=properties.get("Type", "String"),
            Value=str(properties["Value"]),
        )

    def _log_group(self, resource: Resource, properties: dict[str, Any]) -> None:
        logs, group = self.client("logs"), resource.identity.ref
        logs.create_log_group(logGroupName=group)
        if "RetentionInDays" in properties:
            logs.put_retention_policy(
                logGroupName=group, retentionInDays=int(properties["RetentionInDays"])
            )

    def _layer(self, resource: Resource, properties: dict[str, Any]) -> None:
        content_dir = self.stack.path(str(properties["ContentUri"]))
        if not content_dir.is_dir():
            raise TemplateError(f"{resource.logical_id} ContentUri {content_dir} is missing")
        # Limitation: the layer is registered with a placeholder package; locally its contents
        # come from the editable install (snaplist) and the repository (prompts/, taxonomy/).
        self.client("lambda").publish_layer_version(
            LayerName=resource.identity.ref.split(":layer:")[1].rsplit(":", 1)[0],
            Content={"ZipFile": placeholder_zip()},
            CompatibleRuntimes=properties.get("CompatibleRuntimes", []),
            CompatibleArchitectures=properties.get("CompatibleArchitectures", []),
        )

    def _function(self, resource: Resource, properties: dict[str, Any]) -> None:
        code_dir = self.stack.path(str(properties["CodeUri"]))
        if not code_dir.is_dir():
            raise TemplateError(f"{resource.logical_id} CodeUri {code_dir} is missing")
        name = resource.identity.ref
        environment = {
            key: str(value)
            for key, value in (properties.get("Environment", {}).get("Variables") or {}).items()
        }
        timeout = int(properties.get("Timeout", 3))
        memory = int(properties.get("MemorySize", 128))
        lambda_client = self.client("lambda")
        lambda_client.create_function(
            FunctionName=name,
            Runtime=properties["Runtime"],
            Role=self.role_arn,
            Handler=properties["Handler"],
            Code={"ZipFile": placeholder_zip()},
            Timeout=timeout,
            MemorySize=memory,
            Architectures=properties.get("Architectures", ["x86_64"]),
            Environment={"Variables": environment},
            Layers=properties.get("Layers", []),
        )
        reserved = properties.get("ReservedConcurrentExecutions")
        if reserved is not None:
            lambda_client.put_function_concurrency(
                FunctionName=name, ReservedConcurrentExecutions=int(reserved)
            )
        invoke_config = properties.get("EventInvokeConfig") or {}
        on_failure = (invoke_config.get("DestinationConfig") or {}).get("OnFailure") or {}
        if invoke_config:
            request: dict[str, Any] = {"FunctionName": name}
            for key in ("MaximumRetryAttempts", "MaximumEventAgeInSeconds"):
                if key in invoke_config:
                    request[key] = int(invoke_config[key])
            if on_failure:
                request["DestinationConfig"] = {
                    "OnFailure": {"Destination": on_failure["Destination"]}
                }
            lambda_client.put_function_event_invoke_config(**request)
        self.function_specs[name] = FunctionSpec(
            logical_id=resource.logical_id,
            function_name=name,
            function_arn=resource.identity.attributes["Arn"],
            code_dir=code_dir,
            handler=properties["Handler"],
            timeout_seconds=timeout,
            memory_mb=memory,
            environment=environment,
            reserved_concurrency=int(reserved) if reserved is not None else None,
            maximum_retry_attempts=int(invoke_config.get("MaximumRetryAttempts", 2)),
            on_failure_queue_url=self._queue_url(on_failure.get("Destination")),
        )

    def _queue_url(self, arn: str | None) -> str | None:
        if not arn:
            return None
        if not arn.startswith("arn:aws:sqs:"):
            raise TemplateError(f"only SQS on-failure destinations are emulated, not {arn}")
        _, _, _, region, account, queue = arn.split(":")
        return f"https://sqs.{region}.amazonaws.com/{account}/{queue}"

    def _state_machine(self, resource: Resource, properties: dict[str, Any]) -> None:
        if "DefinitionUri" in properties:
            text = self.stack.path(str(properties["DefinitionUri"])).read_text(encoding="utf-8")
        elif "DefinitionString" in properties:
            text = str(properties["DefinitionString"])
        else:
            text = json.dumps(properties["Definition"])
        for key, value in (properties.get("DefinitionSubstitutions") or {}).items():
            text = text.replace("${" + key + "}", str(value))
        if "${" in text:
            start = text.index("${")
            raise TemplateError(f"unresolved substitution {text[start : start + 40]!r}")
        json.loads(text)
        self.client("stepfunctions").create_state_machine(
            name=resource.identity.attributes["Name"],
            definition=text,
            roleArn=self.role_arn,
            type=properties.get("Type", "STANDARD"),
        )

    def _wire_function_events(self) -> None:
        """S3 notifications and SQS event source mappings declared under each function."""
        notifications: dict[str, list[dict[str, Any]]] = {}
        for resource in self.stack.of_type(*FUNCTION_TYPES):
            properties = self.stack.resolve(resource.properties) or {}
            arn = resource.identity.attributes["Arn"]
            for event_name, event in (properties.get("Events") or {}).items():
                event_type, spec = event["Type"], event.get("Properties") or {}
                if event_type == "S3":
                    events = spec["Events"]
                    configuration: dict[str, Any] = {
                        "Id": f"{resource.logical_id}{event_name}",
                        "LambdaFunctionArn": arn,
                        "Events": events if isinstance(events, list) else [events],
                    }
                    if "Filter" in spec:
                        rules = spec["Filter"]["S3Key"]["Rules"]
                        configuration["Filter"] = {"Key": {"FilterRules": rules}}
                    notifications.setdefault(spec["Bucket"], []).append(configuration)
                elif event_type == "SQS":
                    self.client("lambda").create_event_source_mapping(
                        EventSourceArn=spec["Queue"],
                        FunctionName=resource.identity.ref,
                        BatchSize=int(spec.get("BatchSize", 10)),
                        Enabled=_truthy(spec.get("Enabled", True)),
                    )
                else:
                    self.report.skipped.append(
                        (
                            f"{resource.logical_id}.Events.{event_name}",
                            event_type,
                            "event source not emulated",
                        )
                    )
        for bucket, configurations in notifications.items():
            self.client("s3").put_bucket_notification_configuration(
                Bucket=bucket,
                NotificationConfiguration={"LambdaFunctionConfigurations": configurations},
            )
