"""A drafted contract stays within the bounds the reader enforces, or is refused in one sentence.

The reader (`charter.formats.source`) refuses a YAML artifact of more than
`MAX_VALUES` values or `MAX_BYTES` bytes, so a draft past either would be
written only to be refused by every later `charter` command. A table too wide is
told so before it is profiled, from the least a drafted column costs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from charter.formats.source import MAX_BYTES, MAX_VALUES
from charter.scaffold.errors import ScaffoldError

DOCUMENT_VALUES = 64
"""Values of a draft besides its columns (description, team, row count rule), generously."""


def yaml_values(data: Any) -> int:
    """How many values the reader counts in `data` as YAML: keys, scalars, lists and mappings."""
    if isinstance(data, dict):
        return 1 + sum(1 + yaml_values(value) for value in data.values())
    if isinstance(data, list | tuple):
        return 1 + sum(yaml_values(item) for item in data)
    return 1


def most_columns(least_per_column: int) -> int:
    """The widest table whose draft can stay within `MAX_VALUES`."""
    return (MAX_VALUES - DOCUMENT_VALUES) // least_per_column


def too_wide(data: Path, columns: int, what: str) -> ScaffoldError:
    return ScaffoldError(
        f"{data}: too wide for one contract: its {columns:,} columns would make a draft of "
        f"{what}, over what a contract may hold ({MAX_VALUES:,} YAML values, "
        f"{MAX_BYTES // (1 << 20)} MiB); split the table into narrower ones and draft each"
    )


def check_draft(data: Path, columns: int, document: dict[str, Any]) -> None:
    """Refuse a drafted document the reader would refuse for its number of values."""
    values = yaml_values(document)
    if values > MAX_VALUES:
        raise too_wide(data, columns, f"{values:,} YAML values")


def check_text(data: Path, columns: int, text: str) -> None:
    """Refuse a drafted text the reader would refuse for its size."""
    size = len(text.encode())
    if size > MAX_BYTES:
        raise too_wide(data, columns, f"{size / (1 << 20):.1f} MiB")
