"""Validate parsed artifacts against the JSON Schemas shipped in `charter/formats/schemas`.

Errors come back as `SchemaProblem`s that already carry a source position: an
unknown key points at the key itself, any other error at the offending value.
Validators are built once per schema and no format checker is used, which keeps
`charter check` fast to start. jsonschema-rs, when installed, answers first
whether a document is valid at all (about 50 times faster on the official ODCS
schema); only documents it rejects are walked by jsonschema for the messages.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache as cache_function
from importlib import resources
from typing import Any

from charter import cache
from charter.formats.source import Document, pointer_join

ODCS_SCHEMAS = {"v3.1.0": "odcs-3.1.0.schema.json", "v3.2.0": "odcs-3.2.0.schema.json"}
"""Contract `apiVersion` -> the official ODCS JSON Schema vendored for it."""

CATALOG_SCHEMA = "feature-catalog.schema.json"
CARD_GOVERNANCE_SCHEMA = "card-governance.schema.json"
CHECKLIST_SCHEMA = "checklist.schema.json"

_UNEXPECTED = re.compile(r"'((?:[^'\\]|\\.)*)' (?:was|were) unexpected|\('((?:[^'\\]|\\.)*)'")
_UNKNOWN_KEY_VALIDATORS = {"additionalProperties", "unevaluatedProperties"}


@dataclass(frozen=True)
class SchemaProblem:
    """One schema violation, located in the source file."""

    pointer: str
    line: int
    col: int
    message: str


def schema_text(name: str) -> str:
    """The text of a shipped schema file (also used to publish them in docs)."""
    return resources.files("charter.formats.schemas").joinpath(name).read_text("utf-8")


@cache_function
def _fast_validator(name: str) -> Any:
    """jsonschema-rs for the common case, a valid file; None when it is unavailable.

    Only its yes/no answer is used: every error is found and worded by jsonschema.
    """
    try:
        import jsonschema_rs  # noqa: PLC0415

        return jsonschema_rs.validator_for(json.loads(schema_text(name)))
    except Exception:  # not installed, or a schema it cannot compile: use jsonschema alone
        return None


@cache_function
def _validator(name: str) -> Any:
    from jsonschema.validators import validator_for  # noqa: PLC0415 - keep startup light

    schema = json.loads(schema_text(name))
    return validator_for(schema)(schema)


def validate(
    document: Document, name: str, *, data: Any = None, base: str = ""
) -> list[SchemaProblem]:
    """Problems of `data` (default: the whole document) against schema `name`.

    `base` is the JSON pointer of `data` inside the document, so positions of a
    sub-block (a model card's `governance:` block) still land on the right line.
    Answers are cached by the digests of the source text and the schema.
    """
    if not document.digest:
        return _validate(document, name, data, base)
    key = cache.digest("schema", name, _schema_digest(name), document.digest, base)
    if key not in _ANSWERS:  # two rules may ask about one file (CON001, CON015)
        _ANSWERS[key] = cache.remember(
            key,
            lambda: [
                [p.pointer, p.line, p.col, p.message] for p in _validate(document, name, data, base)
            ],
        )
    return [SchemaProblem(*row) for row in _ANSWERS[key]]


_ANSWERS: dict[str, list] = {}
"""This process's answers, by the same key as the cache (which may be off)."""


@cache_function
def _schema_digest(name: str) -> str:
    return cache.digest(schema_text(name))


def _validate(document: Document, name: str, data: Any, base: str) -> list[SchemaProblem]:
    instance = document.data if data is None else data
    fast = _fast_validator(name)
    if fast is not None and fast.is_valid(instance):
        return []  # jsonschema (tens of milliseconds to import) only words the errors
    from jsonschema.exceptions import relevance  # noqa: PLC0415

    problems: dict[tuple[str, str], SchemaProblem] = {}
    for error in sorted(_validator(name).iter_errors(instance), key=relevance):
        problem = _locate(document, _deepest(error), base)
        problems.setdefault((problem.pointer, problem.message), problem)
    return sorted(problems.values(), key=lambda p: (p.line, p.col, p.message))


def _deepest(error: Any) -> Any:
    """For anyOf/oneOf failures, the most relevant branch error says more."""
    from jsonschema.exceptions import best_match  # noqa: PLC0415

    while error.context:
        best = best_match(error.context)
        if best is None:
            break
        error = best
    return error


def _locate(document: Document, error: Any, base: str) -> SchemaProblem:
    pointer = base
    for part in error.absolute_path:
        pointer = pointer_join(pointer, part)
    label = pointer or "/"
    if error.validator in _UNKNOWN_KEY_VALIDATORS and isinstance(error.instance, dict):
        for key in _unexpected_keys(error.message):
            if key in error.instance:
                child = pointer_join(pointer, key)
                line, col = document.key_position(child)
                return SchemaProblem(child, line, col, f"unknown key {key!r} at {label}")
    line, col = document.position(pointer)
    return SchemaProblem(pointer, line, col, f"{label}: {_short(error.message)}")


def _unexpected_keys(message: str) -> list[str]:
    return [a or b for a, b in _UNEXPECTED.findall(message)]


def _short(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 3] + "..."
