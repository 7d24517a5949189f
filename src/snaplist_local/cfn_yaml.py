"""Read CloudFormation / SAM YAML, turning the short-form tags into their long form.

`!Ref X` becomes `{"Ref": "X"}`, `!GetAtt A.B` becomes `{"Fn::GetAtt": ["A", "B"]}`, every other
`!Name` becomes `{"Fn::Name": ...}`, so code that walks the template sees one shape only.
"""

from pathlib import Path
from typing import Any

import yaml

_FUNCTION_TAGS = (
    "And",
    "Base64",
    "Cidr",
    "Equals",
    "FindInMap",
    "GetAZs",
    "If",
    "ImportValue",
    "Join",
    "Not",
    "Or",
    "Select",
    "Split",
    "Sub",
    "Transform",
)


class CfnLoader(yaml.SafeLoader):
    """A SafeLoader that knows the CloudFormation short-form tags."""


def _construct_any(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    raise yaml.constructor.ConstructorError(None, None, f"unexpected node {node!r}")


def _function_constructor(name: str) -> Any:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
        return {f"Fn::{name}": _construct_any(loader, node)}

    return construct


def _construct_ref(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
    return {"Ref": _construct_any(loader, node)}


def _construct_condition(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
    return {"Condition": _construct_any(loader, node)}


def _construct_get_att(loader: yaml.SafeLoader, node: yaml.Node) -> dict[str, Any]:
    value = _construct_any(loader, node)
    if isinstance(value, str):
        resource, _, attribute = value.partition(".")
        value = [resource, attribute]
    return {"Fn::GetAtt": value}


CfnLoader.add_constructor("!Ref", _construct_ref)
CfnLoader.add_constructor("!Condition", _construct_condition)
CfnLoader.add_constructor("!GetAtt", _construct_get_att)
for _name in _FUNCTION_TAGS:
    CfnLoader.add_constructor(f"!{_name}", _function_constructor(_name))


def loads(text: str) -> dict[str, Any]:
    document = yaml.load(text, Loader=CfnLoader)  # CfnLoader is a SafeLoader
    if not isinstance(document, dict):
        raise ValueError("a template must be a YAML mapping")
    return document


def load_template(path: Path) -> dict[str, Any]:
    return loads(path.read_text(encoding="utf-8"))
