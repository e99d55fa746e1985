"""Which rule plugins a project installs next to its charter, pinned as its uv.lock pins them.

A project's `charter check` runs every installed package that declares a
`charter.rules` entry point; fleet cannot read entry points without building a
package (running its code), so a plugin is recognised from the project's files:
a requirement of its dependency lists or groups, other than charter, that is
named like one (`acme-charter-rules`: the name holds `charter`) or installs from
a direct source (a git URL or a path, in the requirement or in
`[tool.uv.sources]`), as organisations publish their plugins. Each is pinned to
what `uv.lock` resolved (the commit of a git source, the version of an index
package, from the index it was locked from), else to the requirement as
`pyproject.toml` writes it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from charter.constants import LOCK_FILE
from charter.fleet.allowlist import normalise, requirement_source


@dataclass(frozen=True)
class Plugin:
    name: str
    requirement: str
    """What uv installs: `name @ git+URL@commit#subdirectory=...`, `name==1.0`, `name @ file://...`."""
    index: str | None = None
    """The package index a `name==1.0` pin was locked from, when it is not uv's default."""


def requirements(pyproject: dict[str, Any]) -> list[str]:
    """The project's dependencies and every dependency group's requirements, in file order."""
    project = pyproject.get("project", {})
    found = [r for r in project.get("dependencies", []) if isinstance(r, str)]
    groups = pyproject.get("dependency-groups", {})
    for group in groups.values() if isinstance(groups, dict) else ():
        found += [r for r in group if isinstance(r, str)] if isinstance(group, list) else []
    return found


def project_plugins(root: Path, pyproject: dict[str, Any]) -> tuple[Plugin, ...]:
    """The project's plugins, by name, pinned from `uv.lock` when it has them."""
    sources = pyproject.get("tool", {}).get("uv", {}).get("sources", {})
    sources = sources if isinstance(sources, dict) else {}
    locked = _locked(root)
    found: dict[str, Plugin] = {}
    for text in requirements(pyproject):
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            continue  # PRJ005 of the project's own check says so
        name = canonicalize_name(requirement.name)
        source = sources.get(requirement.name) or sources.get(name)
        if name == "charter" or name in found:
            continue
        if "charter" not in name and not requirement.url and not isinstance(source, dict):
            continue
        declared = _declared(root, requirement, source)
        found[name] = locked.get(name) or Plugin(name, declared)
    return tuple(sorted(found.values(), key=lambda p: p.name))


def _declared(root: Path, requirement: Requirement, source: object) -> str:
    """The requirement as pyproject.toml writes it, its `[tool.uv.sources]` entry applied."""
    name = requirement.name
    if isinstance(source, dict) and isinstance(source.get("git"), str):
        ref = next(
            (source[k] for k in ("rev", "tag", "branch") if isinstance(source.get(k), str)), None
        )
        url = f"git+{source['git']}" + (f"@{ref}" if ref else "")
        if isinstance(source.get("subdirectory"), str):
            url += f"#subdirectory={source['subdirectory']}"
        return f"{name} @ {url}"
    if isinstance(source, dict) and isinstance(source.get("path"), str):
        return f"{name} @ {(root / source['path']).resolve().as_uri()}"
    if requirement.url:
        return f"{name} @ {requirement.url}"
    return f"{name}{requirement.specifier}" if requirement.specifier else name


def _locked(root: Path) -> dict[str, Plugin]:
    """Each locked package's exact requirement, by name (empty without a readable uv.lock)."""
    try:
        lock = tomllib.loads((root / LOCK_FILE).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    pinned = {}
    for package in lock.get("package", []):
        if not isinstance(package, dict) or not isinstance(package.get("name"), str):
            continue
        requirement = _from_lock(root, package)
        if requirement is None:
            continue
        name = canonicalize_name(package["name"])
        registry = package["source"].get("registry")
        index = registry if isinstance(registry, str) else None
        if index is not None and normalise(index) == requirement_source(requirement):
            index = None  # uv's default index: nothing to add
        pinned[name] = Plugin(name, requirement, index)
    return pinned


def _from_lock(root: Path, package: dict[str, Any]) -> str | None:
    name, source = package["name"], package.get("source")
    if not isinstance(source, dict):
        return None
    if isinstance(git := source.get("git"), str):
        # uv writes `URL?subdirectory=...&rev=...#<commit>`: the commit is what was resolved
        url, _, commit = git.partition("#")
        parsed = urlparse(url)
        query = parse_qs(parsed.query)
        base = parsed._replace(query="").geturl()
        requirement = f"{name} @ git+{base}" + (f"@{commit}" if commit else "")
        if subdirectory := query.get("subdirectory"):
            requirement += f"#subdirectory={subdirectory[0]}"
        return requirement
    for kind in ("directory", "editable", "path"):
        if isinstance(folder := source.get(kind), str):
            return f"{name} @ {(root / folder).resolve().as_uri()}"
    if "registry" in source and isinstance(package.get("version"), str):
        return f"{name}=={package['version']}"
    if isinstance(url := source.get("url"), str):
        return f"{name} @ {url}"
    return None
