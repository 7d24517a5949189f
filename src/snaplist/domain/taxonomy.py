"""The marketplace taxonomy: allowed values per field and product type, read from YAML files.

The file format is documented in docs/taxonomy.md. `load_taxonomy` either returns a complete,
consistent taxonomy or raises ConfigurationError listing every problem it found.
"""

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from snaplist.domain.errors import ConfigurationError
from snaplist.domain.fields import fields_for, vocabularies_needed
from snaplist.domain.models import ProductType

CATEGORIES_FILE = "categories.yaml"
TAGS_FILE = "tags.yaml"
MAKERS_FILE = "makers.yaml"
SPECIAL_FILES = {CATEGORIES_FILE, TAGS_FILE, MAKERS_FILE}
SLUG_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_]*$"
ISO_639_1 = re.compile(r"^[a-z]{2}$")


def normalise_term(text: str) -> str:
    """Case and spacing folded: "Very Good ", "very-good" and "very_good" compare equal."""
    return re.sub(r"[\s_\-]+", " ", text).strip().casefold()


class Term(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str = Field(pattern=SLUG_PATTERN)
    label: str = Field(min_length=1)
    description: str | None = None
    types: tuple[ProductType, ...] | None = None

    def applies_to(self, product_type: ProductType) -> bool:
        return self.types is None or product_type in self.types


class ShippingDefault(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    length_cm: float = Field(gt=0)
    width_cm: float = Field(gt=0)
    height_cm: float = Field(gt=0)
    weight_kg: float = Field(gt=0)


class CategoryTerm(Term):
    shipping: ShippingDefault | None = None


class TagTerm(Term):
    id: str = Field(min_length=1)


class TypeCategories(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default_shipping: ShippingDefault
    categories: tuple[CategoryTerm, ...] = Field(min_length=1)


class Taxonomy(BaseModel):
    model_config = ConfigDict(frozen=True)

    categories: dict[ProductType, TypeCategories]
    vocabularies: dict[str, tuple[Term, ...]]
    tags: tuple[TagTerm, ...]
    makers: dict[ProductType, tuple[str, ...]] = Field(default_factory=dict)

    def terms(self, vocabulary: str, product_type: ProductType) -> tuple[Term, ...]:
        """The values of one vocabulary offered for one product type ("categories", "tags" too)."""
        if vocabulary == "categories":
            return self.categories[product_type].categories
        source: tuple[Term, ...]
        source = self.tags if vocabulary == "tags" else self.vocabularies[vocabulary]
        return tuple(term for term in source if term.applies_to(product_type))

    def has_vocabulary(self, vocabulary: str) -> bool:
        return vocabulary in {"categories", "tags"} or vocabulary in self.vocabularies

    def match(self, vocabulary: str, product_type: ProductType, raw: str) -> str | None:
        """The allowed slug `raw` names exactly, up to case and spacing; None when none does."""
        wanted = normalise_term(raw)
        for term in self.terms(vocabulary, product_type):
            if wanted in (normalise_term(term.slug), normalise_term(term.label)):
                return term.slug
        return None

    def shipping_default(self, product_type: ProductType, category: str | None) -> ShippingDefault:
        entry = self.categories[product_type]
        for term in entry.categories:
            if term.slug == category and term.shipping is not None:
                return term.shipping
        return entry.default_shipping

    def tag_id(self, slug: str) -> str | None:
        return next((tag.id for tag in self.tags if tag.slug == slug), None)


def load_taxonomy(directory: Path) -> Taxonomy:
    taxonomy, problems = read_taxonomy(directory)
    if taxonomy is None or problems:
        raise ConfigurationError(f"taxonomy {directory} is invalid: " + "; ".join(problems))
    return taxonomy


def read_taxonomy(directory: Path) -> tuple[Taxonomy | None, list[str]]:
    """Read and check a taxonomy directory; returns what it could build and every problem."""
    problems: list[str] = []
    if not directory.is_dir():
        return None, [f"{directory}: not a directory"]

    categories = _read_categories(directory / CATEGORIES_FILE, problems)
    tags = _read_terms(directory / TAGS_FILE, TagTerm, problems)
    vocabularies = {
        path.stem: _read_terms(path, Term, problems)
        for path in sorted(directory.glob("*.yaml"))
        if path.name not in SPECIAL_FILES
    }
    makers = _read_makers(directory / MAKERS_FILE, problems)

    for name in sorted(vocabularies_needed() - {"categories", "tags"} - set(vocabularies)):
        problems.append(f"{name}.yaml: missing, but a field takes its values from it")
    for term in vocabularies.get("languages", ()):
        if not ISO_639_1.match(term.slug):
            problems.append(f"languages.yaml: {term.slug!r} is not an ISO 639-1 code")
    _check_tag_ids(tags, problems)
    if problems:
        return None, problems

    taxonomy = Taxonomy(categories=categories, vocabularies=vocabularies, tags=tags, makers=makers)
    _check_every_type_has_values(taxonomy, problems)
    return taxonomy, problems


def _load_yaml(path: Path, problems: list[str]) -> Any:
    if not path.is_file():
        problems.append(f"{path.name}: missing")
        return None
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        problems.append(f"{path.name}: not valid YAML ({error})")
        return None


def _read_terms(path: Path, model: type[Term], problems: list[str]) -> tuple[Any, ...]:
    document = _load_yaml(path, problems)
    if document is None:
        return ()
    if not isinstance(document, dict) or not isinstance(document.get("values"), list):
        problems.append(f"{path.name}: expected a mapping with a `values` list")
        return ()
    terms = []
    for index, entry in enumerate(document["values"]):
        try:
            terms.append(model.model_validate(entry))
        except ValidationError as error:
            problems.append(f"{path.name}: entry {index + 1}: {_first_error(error)}")
    _check_unique(path.name, terms, problems)
    return tuple(terms)


def _read_categories(path: Path, problems: list[str]) -> dict[ProductType, TypeCategories]:
    document = _load_yaml(path, problems)
    if not isinstance(document, dict):
        if document is not None:
            problems.append(f"{path.name}: expected a mapping of product type to categories")
        return {}
    result: dict[ProductType, TypeCategories] = {}
    for key, entry in document.items():
        if key not in set(ProductType):
            problems.append(f"{path.name}: {key!r} is not a product type")
            continue
        try:
            result[ProductType(key)] = TypeCategories.model_validate(entry)
        except ValidationError as error:
            problems.append(f"{path.name}: {key}: {_first_error(error)}")
            continue
        _check_unique(f"{path.name} ({key})", list(result[ProductType(key)].categories), problems)
    for product_type in ProductType:
        if product_type not in result and product_type.value not in document:
            problems.append(f"{path.name}: no categories for product type {product_type.value!r}")
    return result


def _read_makers(path: Path, problems: list[str]) -> dict[ProductType, tuple[str, ...]]:
    if not path.is_file():
        return {}
    document = _load_yaml(path, problems)
    if not isinstance(document, dict):
        problems.append(f"{path.name}: expected a mapping of product type to a list of names")
        return {}
    result: dict[ProductType, tuple[str, ...]] = {}
    for key, names in document.items():
        if key not in set(ProductType):
            problems.append(f"{path.name}: {key!r} is not a product type")
        elif not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            problems.append(f"{path.name}: {key}: expected a list of names")
        else:
            result[ProductType(key)] = tuple(names)
    return result


def _check_unique(source: str, terms: list[Any], problems: list[str]) -> None:
    """Two terms must never normalise to the same key, or matching would be ambiguous."""
    owners: dict[str, str] = {}
    slugs: set[str] = set()
    for term in terms:
        if term.slug in slugs:
            problems.append(f"{source}: {term.slug!r} appears more than once")
        slugs.add(term.slug)
        for key in {normalise_term(term.slug), normalise_term(term.label)}:
            owner = owners.setdefault(key, term.slug)
            if owner != term.slug:
                problems.append(f"{source}: {term.slug!r} and {owner!r} both match {key!r}")


def _check_tag_ids(tags: tuple[TagTerm, ...], problems: list[str]) -> None:
    seen: dict[str, str] = {}
    for tag in tags:
        if seen.setdefault(tag.id, tag.slug) != tag.slug:
            problems.append(f"{TAGS_FILE}: id {tag.id!r} used by {seen[tag.id]!r} and {tag.slug!r}")


def _check_every_type_has_values(taxonomy: Taxonomy, problems: list[str]) -> None:
    for product_type in ProductType:
        for spec in fields_for(product_type):
            if spec.vocabulary and not taxonomy.terms(spec.vocabulary, product_type):
                problems.append(
                    f"{spec.vocabulary}: no values for product type {product_type.value!r}"
                    f" (field {spec.name!r})"
                )


def _first_error(error: ValidationError) -> str:
    detail = error.errors()[0]
    location = ".".join(str(part) for part in detail["loc"])
    return f"{location}: {detail['msg']}" if location else detail["msg"]
