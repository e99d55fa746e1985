"""A finding: one thing wrong, where it is, and which rule says so."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Finding:
    """`path:line:col: CODE message`; warnings never fail `charter check`."""

    path: Path
    line: int
    col: int
    code: str
    message: str
    severity: str = ERROR
