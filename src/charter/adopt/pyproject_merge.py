"""Merge the template's pyproject.toml into a repository's own, adding and never replacing.

Tables the repository lacks (`[tool.charter]`, `[tool.mypy]`, `[tool.uv.sources]`,
...) are appended as the template writes them, comments included; the template's
dependencies the repository lacks are added with `uv add`, which edits TOML
without reformatting it. Nothing the repository set is changed.
"""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name


def _header(line: str) -> str | None:
    """The dotted name of a `[table]` or `[[array]]` header line (a comment may follow), or None.

    Plain string work: the pattern `^\\[\\[?\\s*([^\\]]+?)\\s*\\]` was cubic in spaces.
    """
    if not line.startswith("["):
        return None
    inner = line[2:] if line.startswith("[[") else line[1:]
    name, close, rest = inner.partition("]")
    rest = rest.removeprefix("]").strip()
    if not close or not name.strip() or (rest and not rest.startswith("#")):
        return None
    return name.strip()


class MergeError(Exception):
    """uv could not edit pyproject.toml; the message says why."""


def _sections(text: str) -> list[tuple[str, str]]:
    """(dotted table name, text with the comment lines just above it) for each table."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    pending: list[str] = []
    for line in text.splitlines(keepends=True):
        name = _header(line)
        if name:
            sections.append((name, [*pending, line]))
            pending = []
        elif line.startswith("#") or not line.strip():
            pending.append(line)
        else:
            sections[-1][1].extend([*pending, line])
            pending = []
    return [(name, "".join(lines)) for name, lines in sections if name]


def _has(table: dict, dotted: str) -> bool:
    node: object = table
    for part in dotted.split("."):
        if not isinstance(node, dict) or part.strip('"') not in node:
            return False
        node = node[part.strip('"')]
    return True


def missing_tool_tables(ours: str, theirs: str) -> tuple[str, list[str]]:
    """The template's `[build-system]` and `[tool.*]` tables the repository lacks, as text."""
    mine = tomllib.loads(ours)
    added, names = [], []
    for name, text in _sections(theirs):
        if name == "build-system":
            top = name
        elif not name.startswith("tool.") or name == "tool.uv":
            continue
        else:
            parts = name.split(".")
            top = ".".join(parts[:3] if name.startswith("tool.uv.") else parts[:2])
        if _has(mine, top):
            continue
        added.append(text.strip("\n") + "\n")
        if top not in names:
            names.append(top)
    return "".join(f"\n{t}" for t in added), names


def _names(requirements: list[str]) -> set[str]:
    found = set()
    for text in requirements:
        try:
            found.add(canonicalize_name(Requirement(text).name))
        except InvalidRequirement:
            continue
    return found


def missing_requirements(ours: dict, theirs: dict, group: str | None) -> list[str]:
    """The template's requirements (of dev `group`, or the project's) the repository lacks."""

    def listed(table: dict) -> list[str]:
        if group is None:
            return list(table.get("project", {}).get("dependencies", []))
        return [r for r in table.get("dependency-groups", {}).get(group, []) if isinstance(r, str)]

    have = _names(listed(ours))
    return [r for r in listed(theirs) if canonicalize_name(Requirement(r).name) not in have]


def uv_add(uv: str, root: Path, *args: str) -> None:
    result = subprocess.run(
        [uv, "add", "--frozen", "--quiet", *args],
        cwd=root,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["no reason given"])[-1]
        raise MergeError(f"uv add {' '.join(args)} failed: {reason}")
