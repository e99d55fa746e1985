"""The command that installs one of charter's extras, in the project's own tool.

A uv project (a uv.lock or a [tool.uv] table beside its pyproject.toml) adds a
dependency with `uv add`; `pip install` there would change the environment
without the lock file, and the next `uv sync` would undo it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from charter.constants import LOCK_FILE
from charter.project import find_root


def install_command(extra: str, start: Path | None = None) -> str:
    """`uv add 'charter[EXTRA]'` in a uv project found from `start` (default: cwd), else pip's."""
    requirement = f"'charter[{extra}]'"
    if is_uv_project(find_root(start or Path.cwd())):
        return f"uv add {requirement}"
    return f"pip install {requirement}"


def is_uv_project(root: Path) -> bool:
    """True when `root` has a uv.lock, or a pyproject.toml with a [tool.uv] table."""
    if (root / LOCK_FILE).is_file():
        return True
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    tool = data.get("tool")
    return isinstance(tool, dict) and "uv" in tool
