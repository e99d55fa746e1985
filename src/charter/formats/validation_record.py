"""The note a validate stage leaves (`data/interim/<table>.validated.json`): what passed.

`charter.runtime.check_input(..., record=PATH)` writes it only when the data met
its contract (a failure stops the pipeline first), so its presence, with the
input's fingerprint, is the validation report of a recorded run: which file,
how many rows, which contract version, on which engine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ValidationRecord:
    path: Path
    input: str
    engine: str
    fingerprint: str | None
    rows: int
    contract_id: str | None
    contract_version: str | None


def load(path: Path) -> ValidationRecord | None:
    """The record at `path`, or None when the file is missing or is not such a record."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("input"), str):
        return None
    contract = data.get("contract") if isinstance(data.get("contract"), dict) else {}
    rows = data.get("rows")
    fingerprint = data.get("fingerprint")
    return ValidationRecord(
        path=path,
        input=data["input"],
        engine=str(data.get("engine") or "polars"),
        fingerprint=fingerprint if isinstance(fingerprint, str) else None,
        rows=rows if isinstance(rows, int) and not isinstance(rows, bool) else 0,
        contract_id=_text(contract.get("id")),
        contract_version=_text(contract.get("version")),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)
