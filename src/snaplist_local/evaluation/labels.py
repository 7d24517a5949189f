"""Label sets for `snaplist eval`: a CSV naming photos, their product type and expected fields.

Columns (docs/evaluation.md): `file` (relative to the CSV), `product_type`, optional
`field.<name>` columns (lists as `a|b`) and, as in the shared samples' MANIFEST.csv, an optional
`visible_text` column that is evidence for `title` and `maker` by containment, and whose
printed ISBN-13 / EAN (978 or 979, hyphens and spaces allowed) is the expected `isbn`.
"""

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from snaplist.domain.models import ProductType

FIELD_PREFIX = "field."
# The shared samples name photos that are not a listable item `bad` or `other`.
GENERIC_ALIASES = frozenset({"bad", "other"})
# Visible text holds more words than one field should: the value must appear inside it.
VISIBLE_TEXT_FIELDS = ("title", "maker")
ISBN_IN_TEXT = re.compile(r"\b97[89](?:[- ]?\d){10}\b")


class LabelError(Exception):
    """The label file cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Expectation:
    value: str
    containment: bool = False


@dataclass(frozen=True)
class LabelledPhoto:
    path: Path
    product_type: ProductType
    source_type: str
    fields: dict[str, Expectation] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path.name


def expected_type(raw: str) -> ProductType:
    value = raw.strip().lower()
    if value in GENERIC_ALIASES:
        return ProductType.GENERIC
    return ProductType(value)


def load_labels(csv_path: Path) -> list[LabelledPhoto]:
    if not csv_path.is_file():
        raise LabelError(f"{csv_path}: no such label file")
    with csv_path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = set(reader.fieldnames or ())
        missing = {"file", "product_type"} - columns
        if missing:
            raise LabelError(f"{csv_path}: missing column(s) {', '.join(sorted(missing))}")
        return [_row(csv_path, number, row) for number, row in enumerate(reader, start=2)]


def _row(csv_path: Path, number: int, row: dict[str, str]) -> LabelledPhoto:
    where = f"{csv_path}:{number}"
    relative = (row.get("file") or "").strip()
    if not relative:
        raise LabelError(f"{where}: empty `file`")
    try:
        product_type = expected_type(row.get("product_type") or "")
    except ValueError as error:
        raise LabelError(f"{where}: unknown product_type {row.get('product_type')!r}") from error

    fields: dict[str, Expectation] = {}
    visible = (row.get("visible_text") or "").strip()
    if visible:
        fields.update(
            {name: Expectation(visible, containment=True) for name in VISIBLE_TEXT_FIELDS}
        )
        isbn = ISBN_IN_TEXT.search(visible)
        if isbn:
            fields["isbn"] = Expectation(re.sub(r"\D", "", isbn.group()))
    for column, value in row.items():
        if column and column.startswith(FIELD_PREFIX) and value and value.strip():
            fields[column.removeprefix(FIELD_PREFIX)] = Expectation(value.strip())

    return LabelledPhoto(
        path=(csv_path.parent / relative).resolve(),
        product_type=product_type,
        source_type=(row.get("product_type") or "").strip(),
        fields=fields,
    )
