"""template.yaml as the embedded stack sees it: parameters, conditions, Globals and intrinsics.

Nothing here talks to AWS. Physical names and ARNs are derived up front from the logical ids, so
every `Ref` / `Fn::GetAtt` / `Fn::Sub` resolves before a single resource is created, the same
way on every start.
"""

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from snaplist_local.cfn_yaml import load_template

ACCOUNT_ID = "123456789012"

_NO_VALUE = object()
_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


class TemplateError(Exception):
    """The template uses something the embedded stack cannot resolve."""


@dataclass(frozen=True)
class Identity:
    """What `Ref` and `Fn::GetAtt` return for one resource."""

    ref: str
    attributes: dict[str, str] = field(default_factory=dict)


def _lower_name(stack_name: str, logical_id: str, limit: int = 63) -> str:
    return f"{stack_name}-{logical_id}".lower()[:limit]


def _identity(
    resource_type: str, logical_id: str, properties: dict[str, Any], stack: "StackContext"
) -> Identity:
    """Deterministic physical ids, honouring explicit names given in the template."""
    region, account, name = stack.region, ACCOUNT_ID, f"{stack.stack_name}-{logical_id}"

    def named(key: str, default: str) -> str:
        value = properties.get(key)
        return str(stack.resolve(value)) if value is not None else default

    if resource_type == "AWS::S3::Bucket":
        bucket = named("BucketName", _lower_name(stack.stack_name, logical_id))
        return Identity(
            bucket,
            {
                "Arn": f"arn:aws:s3:::{bucket}",
                "DomainName": f"{bucket}.s3.amazonaws.com",
                "RegionalDomainName": f"{bucket}.s3.{region}.amazonaws.com",
            },
        )
    if resource_type in ("AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable"):
        table = named("TableName", name)
        arn = f"arn:aws:dynamodb:{region}:{account}:table/{table}"
        return Identity(table, {"Arn": arn, "StreamArn": f"{arn}/stream/local"})
    if resource_type == "AWS::SQS::Queue":
        queue = named("QueueName", name)
        url = f"https://sqs.{region}.amazonaws.com/{account}/{queue}"
        arn = f"arn:aws:sqs:{region}:{account}:{queue}"
        return Identity(url, {"Arn": arn, "QueueName": queue, "QueueUrl": url})
    if resource_type in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
        function = named("FunctionName", name)[:64]
        arn = f"arn:aws:lambda:{region}:{account}:function:{function}"
        return Identity(function, {"Arn": arn})
    if resource_type in ("AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine"):
        machine = named("Name", named("StateMachineName", name))[:80]
        arn = f"arn:aws:states:{region}:{account}:stateMachine:{machine}"
        return Identity(arn, {"Arn": arn, "Name": machine})
    if resource_type in ("AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion"):
        layer = named("LayerName", name)
        return Identity(f"arn:aws:lambda:{region}:{account}:layer:{layer}:1", {})
    if resource_type == "AWS::SSM::Parameter":
        parameter = named("Name", f"/{stack.stack_name}/{logical_id}")
        return Identity(parameter, {"Type": str(properties.get("Type", "String"))})
    if resource_type == "AWS::Logs::LogGroup":
        group = named("LogGroupName", f"/aws/{stack.stack_name}/{logical_id}")
        return Identity(group, {"Arn": f"arn:aws:logs:{region}:{account}:log-group:{group}:*"})
    return Identity(name, {"Arn": f"arn:aws:local:{region}:{account}:{logical_id}"})


def _merge_globals(properties: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """SAM's Globals rule: maps merge key by key, lists concatenate, the resource's scalars win."""
    merged = copy.deepcopy(defaults)
    for key, value in properties.items():
        current = merged.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            merged[key] = _merge_globals(value, current)
        elif isinstance(current, list) and isinstance(value, list):
            merged[key] = current + value
        else:
            merged[key] = copy.deepcopy(value)
    return merged


_GLOBALS_SECTION = {
    "AWS::Serverless::Function": "Function",
    "AWS::Serverless::StateMachine": "StateMachine",
    "AWS::Serverless::SimpleTable": "SimpleTable",
    "AWS::Serverless::LayerVersion": "LayerVersion",
    "AWS::Serverless::Api": "Api",
    "AWS::Serverless::HttpApi": "HttpApi",
}


@dataclass
class Resource:
    logical_id: str
    type: str
    properties: dict[str, Any]
    identity: Identity


class StackContext:
    """A parsed template with its parameters bound; `resolve` evaluates intrinsics."""

    def __init__(
        self,
        template_path: Path,
        parameter_overrides: dict[str, str] | None = None,
        stack_name: str = "snaplist-local",
        region: str = "us-east-1",
    ) -> None:
        self.template_path = template_path.resolve()
        self.root = self.template_path.parent
        self.stack_name = stack_name
        self.region = region
        self.document = load_template(self.template_path)
        self.parameters = self._bind_parameters(parameter_overrides or {})
        self.conditions: dict[str, bool] = {}
        for name, expression in (self.document.get("Conditions") or {}).items():
            self.conditions[name] = bool(self._evaluate(expression))
        self.identities: dict[str, Identity] = {}
        self.resources = self._bind_resources()

    def _bind_parameters(self, overrides: dict[str, str]) -> dict[str, Any]:
        declared = self.document.get("Parameters") or {}
        unknown = sorted(set(overrides) - set(declared))
        if unknown:
            raise TemplateError(f"unknown template parameters: {', '.join(unknown)}")
        bound: dict[str, Any] = {}
        for name, spec in declared.items():
            if name in overrides:
                value: Any = overrides[name]
            elif "Default" in spec:
                value = spec["Default"]
            else:
                raise TemplateError(f"template parameter {name} has no default and no value")
            allowed = spec.get("AllowedValues")
            if allowed and str(value) not in [str(item) for item in allowed]:
                raise TemplateError(f"parameter {name}={value!s} is not one of {allowed}")
            if spec.get("Type") == "CommaDelimitedList" and isinstance(value, str):
                value = [item.strip() for item in value.split(",")]
            bound[name] = value if isinstance(value, list) else str(value)
        return bound

    def _bind_resources(self) -> dict[str, Resource]:
        globals_ = self.document.get("Globals") or {}
        raw = self.document.get("Resources") or {}
        kept: dict[str, tuple[str, dict[str, Any]]] = {}
        for logical_id, body in raw.items():
            condition = body.get("Condition")
            if condition is not None and not self.conditions.get(condition, False):
                continue
            resource_type = body["Type"]
            properties = body.get("Properties") or {}
            section = _GLOBALS_SECTION.get(resource_type)
            if section and section in globals_:
                properties = _merge_globals(properties, globals_[section])
            kept[logical_id] = (resource_type, properties)
        for logical_id, (resource_type, properties) in kept.items():
            self.identities[logical_id] = _identity(resource_type, logical_id, properties, self)
        return {
            logical_id: Resource(logical_id, resource_type, properties, self.identities[logical_id])
            for logical_id, (resource_type, properties) in kept.items()
        }

    def pseudo(self, name: str) -> str:
        values = {
            "AWS::Region": self.region,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::StackName": self.stack_name,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackId": (
                f"arn:aws:cloudformation:{self.region}:{ACCOUNT_ID}:stack/{self.stack_name}/local"
            ),
        }
        if name not in values:
            raise TemplateError(f"unknown pseudo parameter {name}")
        return values[name]

    def ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return _NO_VALUE
        if name.startswith("AWS::"):
            return self.pseudo(name)
        if name in self.parameters:
            return self.parameters[name]
        if name in self.identities:
            return self.identities[name].ref
        raise TemplateError(f"Ref to unknown name {name}")

    def get_att(self, logical_id: str, attribute: str) -> str:
        identity = self.identities.get(logical_id)
        if identity is None or attribute not in identity.attributes:
            raise TemplateError(f"cannot resolve Fn::GetAtt {logical_id}.{attribute}")
        return identity.attributes[attribute]

    def resolve(self, value: Any) -> Any:
        """Evaluate every intrinsic in `value`; `AWS::NoValue` drops the key or item."""
        resolved = self._evaluate(value)
        return None if resolved is _NO_VALUE else resolved

    def _evaluate(self, value: Any) -> Any:
        if isinstance(value, list):
            items = [self._evaluate(item) for item in value]
            return [item for item in items if item is not _NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, argument), *_ = value.items()
            if key == "Ref":
                return self.ref(str(self._evaluate(argument)))
            if key == "Condition":
                return self.conditions[argument]
            if key.startswith("Fn::"):
                return self._function(key[4:], argument)
        evaluated = {key: self._evaluate(item) for key, item in value.items()}
        return {key: item for key, item in evaluated.items() if item is not _NO_VALUE}

    def _function(self, name: str, argument: Any) -> Any:
        if name == "GetAtt":
            logical_id, attribute = argument
            return self.get_att(logical_id, str(self._evaluate(attribute)))
        if name == "Sub":
            return self._sub(argument)
        if name == "If":
            condition, when_true, when_false = argument
            return self._evaluate(when_true if self.conditions[condition] else when_false)
        if name == "FindInMap":
            map_name, top, second = (self._evaluate(item) for item in argument)
            return self.document["Mappings"][map_name][top][second]
        arguments = self._evaluate(argument)
        if name == "Join":
            separator, items = arguments
            return separator.join(str(item) for item in items)
        if name == "Select":
            index, items = arguments
            return items[int(index)]
        if name == "Split":
            separator, text = arguments
            return text.split(separator)
        if name == "Equals":
            left, right = arguments
            return str(left) == str(right)
        if name == "Not":
            return not arguments[0]
        if name == "And":
            return all(arguments)
        if name == "Or":
            return any(arguments)
        if name == "Base64":
            return arguments
        raise TemplateError(f"Fn::{name} is not supported by the embedded stack")

    def _sub(self, argument: Any) -> str:
        if isinstance(argument, list):
            text, variables = argument[0], self._evaluate(argument[1])
        else:
            text, variables = argument, {}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                return self.get_att(logical_id, attribute)
            return str(self.ref(name))

        return _SUB_VARIABLE.sub(replace, text).replace("${!", "${")

    def of_type(self, *types: str) -> list[Resource]:
        return [resource for resource in self.resources.values() if resource.type in types]

    def path(self, relative: str) -> Path:
        return (self.root / relative).resolve()
