"""The rule registry: every rule has a code, a one-line summary, a severity and a stage.

A rule is a function `(project) -> Iterable[Finding]` decorated with `@rule(...)`.
Any module in `charter.rules` (not starting with `_`) is imported by
`all_rules()`, so adding a rule family is adding one module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from charter.findings import ERROR, Finding

if TYPE_CHECKING:
    from charter.formats.source import Document
    from charter.project import Project


Check = Callable[["Project"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    summary: str
    check: Check
    severity: str = ERROR
    stage: str = "review"
    """The first stage at which the rule is binding (`production` rules skip at review)."""


RULES: dict[str, Rule] = {}


def rule(
    code: str, summary: str, *, severity: str = ERROR, stage: str = "review"
) -> Callable[[Check], Check]:
    """Register the decorated function as the check for `code`."""

    def register(check: Check) -> Check:
        if code in RULES:
            raise ValueError(f"rule code {code} registered twice")
        RULES[code] = Rule(code, summary, check, severity, stage)
        return check

    return register


def at(document: Document, pointer: str, code: str, message: str, *, key: bool = False) -> Finding:
    """A finding located at the value (or, with `key`, the key) a JSON pointer names."""
    line, col = document.key_position(pointer) if key else document.position(pointer)
    return Finding(Path(document.path), line, col, code, message)


def at_line(path: Path, line: int, col: int, code: str, message: str) -> Finding:
    return Finding(Path(path), line, col, code, message)


def first_mention(document: Document, key: str) -> str:
    """Pointer of a top-level key if the document has it, else the root."""
    pointer = f"/{key}"
    return pointer if pointer in document.values else ""
