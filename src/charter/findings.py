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
    """The file the finding is in."""
    line: int
    col: int
    code: str
    """The rule's code: a rule leaves it empty, the engine stamps it."""
    message: str
    """What is wrong, in one sentence that names no code."""
    severity: str = ERROR
    """`error` or `warning`, stamped by the engine from the rule's `severity`."""
