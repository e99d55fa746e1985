"""The template's defaults, read from copier.yml: tests never repeat them.

A fork that changes a default (its CI provider, its licence) or drops a question
keeps the upstream tests passing and merging: they ask here instead of
hard-coding Charter's own choices.

    default("ci")            # "github" upstream, whatever a fork sets
    choices("ci")            # ["github", "gitlab", "none"]
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]


@functools.cache
def questions() -> dict[str, dict[str, Any]]:
    """Every question of copier.yml (settings starting with `_` left out)."""
    data = yaml.safe_load((REPO / "copier.yml").read_text("utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_") and isinstance(v, dict)}


def default(question: str) -> Any:
    """The question's default as copier.yml writes it (Jinja left unrendered)."""
    return questions()[question]["default"]


def choices(question: str) -> list[Any]:
    """The values a question accepts, in copier.yml's order."""
    found = questions()[question]["choices"]
    return list(found.values()) if isinstance(found, dict) else list(found)
