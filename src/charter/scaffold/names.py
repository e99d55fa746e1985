"""Artifact names become file names and YAML ids, so keep them tame."""

from __future__ import annotations

import re

from charter.scaffold.errors import ScaffoldError

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def check_name(kind: str, name: str) -> str:
    """Return `name` when it is a snake_case identifier, else raise a message saying why."""
    if NAME_PATTERN.fullmatch(name):
        return name
    raise ScaffoldError(
        f"invalid {kind} name {name!r}: use lowercase letters, digits and underscores, "
        "starting with a letter (at most 64 characters), for example 'patients'"
    )
