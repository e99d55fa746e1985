"""Print findings as text (`path:line:col: CODE message`), JSON or GitHub annotations."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TextIO

from charter.findings import ERROR, Finding

FORMATS = ("text", "json", "github")


def display_path(path: Path) -> str:
    """Relative to the working directory when inside it, so editors and CI can follow it."""
    try:
        return (
            Path(os.path.relpath(path)).as_posix() if path.is_relative_to(Path.cwd()) else str(path)
        )
    except ValueError:  # another drive on Windows
        return str(path)


def write(
    findings: list[Finding], fmt: str, out: TextIO, header: dict[str, object] | None = None
) -> None:
    """Print `findings`; in JSON, `header` (project and versions) comes before them."""
    if fmt == "json":
        rows = [
            {
                "path": display_path(f.path),
                "line": f.line,
                "col": f.col,
                "code": f.code,
                "severity": f.severity,
                "message": f.message,
            }
            for f in findings
        ]
        document = {**(header or {}), "findings": rows}
        out.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return
    for f in findings:
        if fmt == "github":
            level = "error" if f.severity == ERROR else "warning"
            out.write(
                f"::{level} file={_escape_property(display_path(f.path))},line={f.line},"
                f"col={f.col},title={f.code}::{_escape_data(f.message)}\n"
            )
        else:
            suffix = "" if f.severity == ERROR else " [warning]"
            out.write(f"{display_path(f.path)}:{f.line}:{f.col}: {f.code} {f.message}{suffix}\n")


def summary(findings: list[Finding]) -> str:
    errors = sum(f.severity == ERROR for f in findings)
    warnings = len(findings) - errors
    if not findings:
        return "All checks passed."
    return f"Found {_plural(errors, 'error')} and {_plural(warnings, 'warning')}."


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _escape_data(text: str) -> str:
    """GitHub workflow-command escaping (as in @actions/core)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
