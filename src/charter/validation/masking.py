"""Failing values of personal columns never reach a report or a log unmasked.

A column whose classification is `restricted`, or whose `piiCategory` is
`direct-identifier` (at any depth of a nested property), shows the count of its
failing rows and one masked example (`j***@h***.example`), so a CI log or a
pasted report does not leak a patient's e-mail. Someone allowed to see the data
asks for the values (`charter validate --show-personal-values`, or
`show_personal_values = true` in a private `[tool.charter]`).
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

from charter.formats.contract import Property, SchemaObject
from charter.validation.report import Described, Failure

MASK = "***"


def is_sensitive(prop: Property) -> bool:
    """Restricted, or a direct identifier, here or in anything nested in it."""
    return any(
        p.classification == "restricted" or p.pii_category == "direct-identifier"
        for p in prop.walk()
    )


def sensitive_columns(obj: SchemaObject | None) -> frozenset[str]:
    """The columns of `obj` whose failing values are masked."""
    if obj is None:
        return frozenset()
    return frozenset(prop.name for prop in obj.properties if is_sensitive(prop))


def mask(value: str) -> str:
    """`jane.doe@hospital.example` -> `j***@h***.example`; `123-45-6789` -> `1***`."""
    text = str(value)
    local, at, domain = text.rpartition("@")
    if at and local and domain and "@" not in local and not any(c.isspace() for c in text):
        host, dot, tld = domain.rpartition(".")
        masked_domain = f"{_first(host)}{dot}{tld}" if dot and host else _first(domain)
        return f"{_first(local)}@{masked_domain}"
    return _first(text)


def _first(text: str) -> str:
    """The first character and a mask; short values are masked whole."""
    return f"{text[0]}{MASK}" if len(text) >= 4 else MASK


def mask_failures(
    failures: list[Failure], sensitive: frozenset[str], *, show: bool = False
) -> list[Failure]:
    """Failures with the examples of sensitive columns masked, unless `show`.

    A table-level failure (a composite key, a relationship) can carry a
    sensitive column's values inside its examples: when the table has any
    sensitive column, those are masked too.
    """
    if show or not sensitive:
        return failures
    return [
        _masked(failure) if failure.column in sensitive or failure.column is None else failure
        for failure in failures
    ]


def _masked(failure: Failure) -> Failure:
    values = [example for example in failure.examples if not isinstance(example, Described)]
    if not values:
        return failure
    # a table-level example mixes columns (`{'ssn': ..., 'age': 40}`): masked whole
    shown = MASK if failure.column is None else mask(values[0])
    return replace(failure, examples=(shown,), masked=True)


def shown_by_setting(root: Path) -> bool:
    """`show_personal_values` of the project's `[tool.charter]` (false when unreadable)."""
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    table = data.get("tool", {}).get("charter", {})
    return isinstance(table, dict) and table.get("show_personal_values") is True
