"""Helpers for `charter check` tests: copy a fixture project, edit it, run the real CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from charter_cli import charter

__all__ = ["charter", "codes", "copy_good", "copy_views", "edit", "findings"]

FIXTURES = Path(__file__).parent / "fixtures" / "check"
GOOD = FIXTURES / "good"
VIEWS = Path(__file__).parent / "fixtures" / "views"


def copy_good(tmp_path: Path) -> Path:
    """A writable copy of the clean fixture project."""
    return Path(shutil.copytree(GOOD, tmp_path / "project"))


def copy_views(tmp_path: Path) -> Path:
    """A writable copy of the fixture project for `charter docs` and `charter new`."""
    return Path(shutil.copytree(VIEWS, tmp_path / "clinic"))


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace `old` by `new` in a file, failing loudly when `old` is not there."""
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), "utf-8")


def findings(project: Path, *args: str) -> tuple[int, list[dict]]:
    """Exit code and JSON findings of `charter check --format json ARGS` in `project`."""
    result = charter("check", "--format", "json", *args, cwd=project)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)["findings"]


def codes(project: Path, *args: str) -> set[str]:
    return {f["code"] for f in findings(project, *args)[1]}
