"""Assertions shared by the template tests: what every rendered project must satisfy."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import yaml

# `${{ ... }}` is GitHub Actions syntax, not Jinja; anything else like Jinja is a leftover.
LEFTOVER_JINJA = re.compile(r"(?<!\$)\{\{|\{%|%\}|\{#|#\}")
PORTABLE_NAME = re.compile(r'^[^"|:<>?*\\\x00-\x1f]+$')
WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10))}


BINARY_SUFFIXES = {".png", ".parquet"}


def project_files(root: Path, *, binary: bool = False) -> list[Path]:
    """The project's files outside .git; text files only unless `binary`."""
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and ".git" not in p.relative_to(root).parts
        and (binary or p.suffix not in BINARY_SUFFIXES)
    )


def assert_no_leftover_jinja(root: Path) -> None:
    for path in project_files(root):
        if path.name == "uv.lock":
            continue
        text = path.read_text(encoding="utf-8")
        match = LEFTOVER_JINJA.search(text)
        assert match is None, f"{path.relative_to(root)}: leftover Jinja {match.group()!r}"
        assert ".jinja" not in path.name, f"{path.relative_to(root)}: .jinja suffix left"


def assert_files_parse(root: Path) -> None:
    """Every TOML, YAML and JSON file parses; every Python file compiles."""
    for path in project_files(root):
        rel = path.relative_to(root)
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".toml" or path.name == "uv.lock":
            tomllib.loads(text)
        elif path.suffix in {".yml", ".yaml"}:
            list(yaml.safe_load_all(text))
        elif path.suffix == ".json":
            json.loads(text)
        elif path.suffix == ".py":
            compile(text, str(rel), "exec")
        elif path.suffix == ".md" and text.startswith("---\n"):
            front_matter = text.split("---\n", 2)[1]
            assert isinstance(yaml.safe_load(front_matter), dict), f"{rel}: front matter"


def assert_portable_names(root: Path) -> None:
    for path in project_files(root, binary=True):
        for part in path.relative_to(root).parts:
            assert PORTABLE_NAME.match(part), f"{part!r} is not a portable file name"
            assert part.split(".")[0].lower() not in WINDOWS_RESERVED, part
            assert not part.endswith((" ", ".")), f"{part!r} ends with a space or dot"


def assert_text_hygiene(root: Path) -> None:
    """Files end with one newline and carry no trailing whitespace (hooks would fix them)."""
    for path in project_files(root):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(root)
        if not text:
            continue
        assert text.endswith("\n"), f"{rel}: no newline at end of file"
        assert not text.endswith("\n\n"), f"{rel}: blank lines at end of file"
        for number, line in enumerate(text.splitlines(), 1):
            stripped = line.rstrip(" \t")
            if path.suffix == ".md" and line.endswith("  ") and line.strip():
                continue  # a Markdown hard line break
            assert stripped == line, f"{rel}:{number}: trailing whitespace"
