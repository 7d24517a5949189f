"""Prompt templates from disk, filled with the exact allowed values from the taxonomy.

Templates name placeholders such as {CATEGORIES} or {BOOK_FORMATS}. Every template is rendered
once, when the builder is created, so a placeholder the taxonomy cannot fill (or a field whose
allowed values the model would never see) is a ConfigurationError at load time, never a blank.
"""

import re
from pathlib import Path
from typing import Any

from snaplist.domain.errors import ConfigurationError
from snaplist.domain.fields import FieldKind, FieldSpec, fields_for
from snaplist.domain.models import ProductType
from snaplist.domain.taxonomy import Taxonomy, Term, normalise_term

PLACEHOLDER = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
CLASSIFY_TEMPLATE = "classify.txt"
CLASSIFIABLE_TYPES = tuple(ProductType)
FIELD_KIND_HINTS = {
    FieldKind.TEXT: "text",
    FieldKind.NUMBER: "number",
    FieldKind.BOOLEAN: "true or false",
    FieldKind.DIMENSIONS: '{"length": number, "width": number, "height": number}',
}


class TaxonomyResolver:
    """Turns a placeholder name into the text of the allowed values for one product type."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy

    def resolve(self, name: str, product_type: ProductType) -> str:
        if name == "PRODUCT_TYPES":
            return ", ".join(product_type.value for product_type in CLASSIFIABLE_TYPES)
        if name == "KNOWN_MAKERS":
            makers = self.taxonomy.makers.get(product_type, ())
            if not makers:
                raise ConfigurationError(f"no known makers for {product_type.value}")
            return ", ".join(makers)
        vocabulary = name.lower()
        if not self.taxonomy.has_vocabulary(vocabulary):
            raise ConfigurationError(f"no taxonomy file {vocabulary}.yaml to fill {{{name}}}")
        terms = self.taxonomy.terms(vocabulary, product_type)
        if not terms:
            raise ConfigurationError(f"{vocabulary}.yaml has no values for {product_type.value}")
        return render_terms(terms)


def render_terms(terms: tuple[Term, ...]) -> str:
    """One line per term when the terms explain themselves, else a compact comma list."""
    if any(term.description for term in terms):
        return "\n".join(f"- {term.slug}: {term.description or term.label}" for term in terms)
    return ", ".join(
        term.slug
        if normalise_term(term.slug) == normalise_term(term.label)
        else f"{term.slug} ({term.label})"
        for term in terms
    )


class VisionPromptBuilder:
    def __init__(self, prompts_dir: Path, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        rendered, problems = render_templates(prompts_dir, taxonomy)
        if problems:
            raise ConfigurationError("; ".join(problems))
        self._classification = rendered[None]
        self._extraction = {t: rendered[t] for t in ProductType}

    def classification_prompt(self) -> str:
        return self._classification

    def extraction_prompt(self, product_type: ProductType) -> str:
        return self._extraction[product_type]

    def classification_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "product_type": {
                    "type": "string",
                    "description": "what kind of item the photos show",
                    "enum": [product_type.value for product_type in CLASSIFIABLE_TYPES],
                },
                "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            },
            "required": ["product_type", "confidence"],
            "additionalProperties": False,
        }

    def extraction_schema(self, product_type: ProductType) -> dict[str, Any]:
        specs = fields_for(product_type)
        return {
            "type": "object",
            "properties": {spec.name: self._field_schema(spec, product_type) for spec in specs},
            "required": [spec.name for spec in specs],
            "additionalProperties": False,
        }

    def _field_schema(self, spec: FieldSpec, product_type: ProductType) -> dict[str, Any]:
        return {
            "type": "object",
            "description": spec.description,
            "properties": {
                "value": self._value_schema(spec, product_type),
                "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                "suggestion": {"type": ["string", "null"]},
            },
            "required": ["value", "confidence", "suggestion"],
            "additionalProperties": False,
        }

    def _value_schema(self, spec: FieldSpec, product_type: ProductType) -> dict[str, Any]:
        allowed = self._allowed(spec, product_type)
        if spec.kind is FieldKind.ENUM:
            return {"type": ["string", "null"], "enum": [*allowed, None]}
        if spec.kind is FieldKind.ENUM_LIST:
            return {"type": "array", "items": {"type": "string", "enum": allowed}}
        if spec.kind is FieldKind.NUMBER:
            return {"type": ["number", "null"], "minimum": 0}
        if spec.kind is FieldKind.BOOLEAN:
            return {"type": ["boolean", "null"]}
        if spec.kind is FieldKind.DIMENSIONS:
            side = {"type": ["number", "null"], "minimum": 0}
            names = ["length", "width", "height"]
            return {
                "type": ["object", "null"],
                "properties": dict.fromkeys(names, side),
                "required": names,
                "additionalProperties": False,
            }
        return {"type": ["string", "null"]}

    def _allowed(self, spec: FieldSpec, product_type: ProductType) -> list[str]:
        if spec.vocabulary is None:
            return []
        return [term.slug for term in self.taxonomy.terms(spec.vocabulary, product_type)]


def template_names() -> dict[ProductType | None, str]:
    """Template file per product type; the key None is the classification template."""
    names: dict[ProductType | None, str] = {None: CLASSIFY_TEMPLATE}
    names.update({product_type: f"{product_type.value}.txt" for product_type in ProductType})
    return names


def render_templates(
    prompts_dir: Path, taxonomy: Taxonomy
) -> tuple[dict[ProductType | None, str], list[str]]:
    """Every template rendered, and every problem met on the way (not just the first)."""
    resolver = TaxonomyResolver(taxonomy)
    rendered: dict[ProductType | None, str] = {}
    problems: list[str] = []
    for product_type, name in template_names().items():
        try:
            rendered[product_type] = render_template(prompts_dir / name, product_type, resolver)
        except ConfigurationError as error:
            problems.append(str(error))
    return rendered, problems


def render_template(
    path: Path, product_type: ProductType | None, resolver: TaxonomyResolver
) -> str:
    if not path.is_file():
        raise ConfigurationError(f"prompt template {path.name} is missing from {path.parent}")
    template = path.read_text(encoding="utf-8")
    names = set(PLACEHOLDER.findall(template))
    if product_type is not None:
        _require_vocabulary_placeholders(path.name, names, product_type)
    values = {name: _fill(path.name, name, product_type, resolver) for name in sorted(names)}
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template).strip() + "\n"


def _fill(
    template: str, name: str, product_type: ProductType | None, resolver: TaxonomyResolver
) -> str:
    if name == "FIELDS":
        if product_type is None:
            raise ConfigurationError(f"{template}: {{FIELDS}} only works in extraction prompts")
        return describe_fields(product_type)
    try:
        return resolver.resolve(name, product_type or ProductType.GENERIC)
    except ConfigurationError as error:
        raise ConfigurationError(f"{template}: cannot fill {{{name}}}: {error}") from error


def describe_fields(product_type: ProductType) -> str:
    lines = []
    for spec in fields_for(product_type):
        if spec.kind is FieldKind.ENUM:
            shape = f"one value from {spec.vocabulary_heading}"
        elif spec.kind is FieldKind.ENUM_LIST:
            shape = f"a list of values from {spec.vocabulary_heading}"
        else:
            shape = FIELD_KIND_HINTS[spec.kind]
        lines.append(f"- {spec.name} ({shape}): {spec.description}")
    return "\n".join(lines)


def _require_vocabulary_placeholders(
    template: str, names: set[str], product_type: ProductType
) -> None:
    for spec in fields_for(product_type):
        if spec.vocabulary and spec.vocabulary.upper() not in names:
            raise ConfigurationError(
                f"{template}: field {spec.name!r} needs {{{spec.vocabulary.upper()}}} so the "
                "model sees its allowed values"
            )
