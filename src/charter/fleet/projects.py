"""What a fleet report reads from a project's files: its template, its charter pin, its runs.

Nothing here runs the project's code or its charter: these are the facts that
do not depend on the rules (which the project's own charter decides).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from charter.constants import ANSWERS_FILE, MANIFEST_NAME
from charter.fleet.plugins import Plugin, project_plugins, requirements


class FleetInputError(Exception):
    """A path given to `charter fleet` that is neither a project nor a list of them."""


@dataclass(frozen=True)
class Pin:
    """How a project installs charter: a requirement uv understands, or None (unpinned)."""

    requirement: str | None
    described: str
    """Short, for the table: `v1.2.0`, a commit prefix, `path`, `unpinned`."""


@dataclass(frozen=True)
class ProjectFacts:
    root: Path
    name: str
    template_source: str | None
    template_version: str | None
    pin: Pin
    newest_run: dict[str, str] | None
    plugins: tuple[Plugin, ...] = ()
    """The rule plugins it installs next to charter (`plugins.py`), run with it."""


def discover(paths: list[Path]) -> list[Path]:
    """Project folders from folders and list files (one path a line, `#` comments), in order.

    Paths in a list file are relative to the file. A path listed twice counts once.
    """
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            found[path.resolve()] = None
        elif path.is_file():
            for folder in _listed(path):
                found[folder] = None
        else:
            raise FleetInputError(f"{path}: no such folder or file")
    return list(found)


def _listed(list_file: Path) -> list[Path]:
    try:
        lines = list_file.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise FleetInputError(f"{list_file}: cannot read the list of projects: {error}") from None
    folders = []
    for number, line in enumerate(lines, 1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        folder = (list_file.parent / Path(entry).expanduser()).resolve()
        if not folder.is_dir():
            raise FleetInputError(f"{list_file}:{number}: {entry}: no such folder")
        folders.append(folder)
    if not folders:
        raise FleetInputError(f"{list_file}: lists no project folder")
    return folders


def read_facts(root: Path) -> ProjectFacts:
    pyproject = _pyproject(root)
    answers = _answers(root)
    name = pyproject.get("project", {}).get("name") or root.name
    commit = answers.get("_commit")
    source = answers.get("_src_path")
    return ProjectFacts(
        root=root,
        name=str(name),
        template_source=None if source is None else str(source),
        template_version=None if commit is None else str(commit),
        pin=charter_pin(root, pyproject),
        newest_run=newest_run(root, pyproject),
        plugins=project_plugins(root, pyproject),
    )


def _pyproject(root: Path) -> dict[str, Any]:
    try:
        return tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def _answers(root: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load((root / ANSWERS_FILE).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def charter_pin(root: Path, pyproject: dict[str, Any]) -> Pin:
    """The charter the project installs, from `[tool.uv.sources]` or its requirement lists."""
    source = pyproject.get("tool", {}).get("uv", {}).get("sources", {}).get("charter")
    if isinstance(source, dict) and isinstance(source.get("git"), str):
        ref = next(
            (source[k] for k in ("rev", "tag", "branch") if isinstance(source.get(k), str)), None
        )
        url = f"git+{source['git']}" + (f"@{ref}" if ref else "")
        return Pin(f"charter @ {url}", _short(ref) if ref else "default branch")
    if isinstance(source, dict) and isinstance(source.get("path"), str):
        folder = (root / source["path"]).resolve()
        return Pin(f"charter @ {folder.as_uri()}", f"path {folder.name}")
    for requirement in requirements(pyproject):
        name = requirement.split(";")[0].split("[")[0]
        for mark in "=<>!~ @":
            name = name.split(mark)[0]
        if name.strip().lower() == "charter" and requirement.strip().lower() != "charter":
            bare = requirement.split(";")[0]
            return Pin(
                bare.replace("[runtime]", "").strip(), bare.strip()[len("charter") :].strip()
            )
    return Pin(None, "unpinned")


def _short(ref: str) -> str:
    hexdigits = set("0123456789abcdef")
    return ref[:10] if len(ref) >= 12 and set(ref.lower()) <= hexdigits else ref


def newest_run(root: Path, pyproject: dict[str, Any]) -> dict[str, str] | None:
    """The run manifest with the latest `end_time` (run id and time), None without runs."""
    runs = pyproject.get("tool", {}).get("charter", {}).get("runs", "runs")
    newest: dict[str, str] | None = None
    for path in sorted((root / str(runs)).glob(f"*/{MANIFEST_NAME}")):
        try:
            data = json.loads(path.read_text("utf-8"))
            run = {"run_id": str(data["run_id"]), "end_time": str(data["end_time"])}
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
            continue  # an unreadable manifest is a finding of the project's own check (RUN001)
        if newest is None or run["end_time"] > newest["end_time"]:
            newest = run
    return newest
