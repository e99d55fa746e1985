"""The Copier answers an existing repository already gives: its name, description, author."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path
from typing import Any

NO_DESCRIPTION = "TODO(product-owner): what this project predicts, and for whom."

FIXED = {"example_pipeline": False, "lock_at_copy": False}
"""Adopting never brings the worked example; the lock is made after the merge."""


def _git_config(root: Path, key: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", "config", "--get", key], cwd=root, capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return result.stdout.strip() or None


def read_pyproject(root: Path) -> dict[str, Any]:
    try:
        return tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    except FileNotFoundError:
        return {}


def known_answers(root: Path) -> dict[str, str]:
    """What the repository says about itself, so the template's example values stay out."""
    project = read_pyproject(root).get("project", {})
    found: dict[str, str] = {"project_name": str(project.get("name") or root.name)}
    if isinstance(project.get("description"), str) and project["description"].strip():
        found["description"] = project["description"].strip()
    else:  # never the template's example description
        found["description"] = NO_DESCRIPTION
    authors = [a for a in project.get("authors", []) if isinstance(a, dict)]
    name = next((a["name"] for a in authors if a.get("name")), None) or _git_config(
        root, "user.name"
    )
    email = next((a["email"] for a in authors if a.get("email")), None) or _git_config(
        root, "user.email"
    )
    if name:
        found["author_name"] = str(name)
    if email:
        found["author_email"] = str(email)
    return found
