"""Plain-text tables for people: columns padded, one row per line."""

from collections.abc import Sequence


def fraction(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def with_count(value: float | None, count: int) -> str:
    return "-" if value is None or not count else f"{value:.2f} ({count})"


def milliseconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def render(header: Sequence[str], rows: Sequence[Sequence[str]], groups: str = "") -> str:
    table = [list(header), *[list(row) for row in rows]]
    widths = [max(len(row[index]) for row in table) for index in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in table
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    if groups:
        lines.insert(0, groups)
    return "\n".join(lines)
