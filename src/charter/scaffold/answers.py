"""The project's Copier answers: who owns what, and how sensitive its data is.

New artifacts take their owners from the same answers that filled CODEOWNERS
and the first contract, so a scaffolded file is wired to the right people.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from charter.constants import ANSWERS_FILE


def read_answers(root: Path) -> dict[str, Any]:
    """The answers as a mapping; empty when the project was not made from the template."""
    try:
        data = yaml.safe_load((root / ANSWERS_FILE).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def answer(answers: dict[str, Any], key: str) -> str | None:
    """A non-empty string answer, or None."""
    value = answers.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else None
