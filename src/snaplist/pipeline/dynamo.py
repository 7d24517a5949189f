"""Conversions between pipeline values and DynamoDB items.

DynamoDB has one number type and boto3 hands it over as Decimal both ways. Floats go in as
Decimal built from their repr (no binary noise) and come back as int when whole, else float, so
what a caller reads back is plain JSON numbers.
"""

from decimal import Decimal
from enum import Enum
from typing import Any


def to_item(value: Any) -> Any:
    """A JSON-like value made storable: floats become Decimal, enums their value."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {str(key): to_item(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_item(item) for item in value]
    return value


def from_item(value: Any) -> Any:
    """A stored value made plain: Decimal becomes int or float, sets become sorted lists."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: from_item(item) for key, item in value.items()}
    if isinstance(value, list):
        return [from_item(item) for item in value]
    if isinstance(value, set):
        return sorted(from_item(item) for item in value)
    return value
