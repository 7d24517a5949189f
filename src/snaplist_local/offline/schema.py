"""Read what a request allows from its `response_format` JSON schema.

The schema lists the fields (extraction) or the product types (classification); enum fields carry
their allowed values on `value` (`enum`, or `items.enum` for arrays). Local `$ref`s and `anyOf`
(how pydantic writes optional values) are followed.
"""

from dataclasses import dataclass
from typing import Any

JsonSchema = dict[str, Any]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str  # "string" | "number" | "integer" | "boolean" | "object" | "array" | "enum"
    allowed: tuple[Any, ...] = ()

    @property
    def is_array(self) -> bool:
        return self.kind == "array"


def resolve(node: Any, root: JsonSchema) -> JsonSchema:
    """Follow `#/...` references until a plain schema object is reached."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        path = str(node["$ref"]).removeprefix("#/").split("/")
        target: Any = root
        for part in path:
            target = target.get(part, {}) if isinstance(target, dict) else {}
        node, seen = target, seen + 1
    return node if isinstance(node, dict) else {}


def _variants(node: JsonSchema, root: JsonSchema) -> list[JsonSchema]:
    node = resolve(node, root)
    options = node.get("anyOf") or node.get("oneOf")
    if not options:
        return [node]
    return [resolve(option, root) for option in options]


def _enum_of(node: JsonSchema, root: JsonSchema) -> tuple[Any, ...]:
    for variant in _variants(node, root):
        if "enum" in variant:
            return tuple(value for value in variant["enum"] if value is not None)
        if "const" in variant and variant["const"] is not None:
            return (variant["const"],)
    return ()


def _type_of(node: JsonSchema, root: JsonSchema) -> str:
    for variant in _variants(node, root):
        declared = variant.get("type")
        names = declared if isinstance(declared, list) else [declared]
        for name in names:
            if name and name != "null":
                return str(name)
    return "string"


def field_spec(name: str, field_schema: JsonSchema, root: JsonSchema) -> FieldSpec:
    value_schema = resolve(field_schema, root).get("properties", {}).get("value", {})
    kind = _type_of(value_schema, root)
    if kind == "array":
        items: JsonSchema = next(
            (v["items"] for v in _variants(value_schema, root) if "items" in v), {}
        )
        return FieldSpec(name, "array", _enum_of(items, root))
    allowed = _enum_of(value_schema, root)
    return FieldSpec(name, "enum" if allowed else kind, allowed)


def extraction_fields(schema: JsonSchema) -> list[FieldSpec]:
    properties = resolve(schema, schema).get("properties", {})
    return [field_spec(name, node, schema) for name, node in properties.items()]


def allowed_product_types(schema: JsonSchema) -> tuple[str, ...]:
    properties = resolve(schema, schema).get("properties", {})
    return tuple(str(value) for value in _enum_of(properties.get("product_type", {}), schema))
