"""Run manifests (`runs/<run-id>/manifest.json`): parse, schema-check, keep positions.

A manifest is the record that makes a run checkable: what code, environment,
data, features, parameters and seeds went in, and what came out. The format is
our own (`apiVersion: charter/v1`) with a JSON Schema shipped beside this
module and published in the docs.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from charter import cache
from charter.formats.schema import SchemaProblem, schema_text, validate
from charter.formats.source import (
    Document,
    FormatError,
    Kind,
    parse_yaml,
    pointer_join,
    read_text,
)

SCHEMA_FILE = "run-manifest.schema.json"

MAX_DEPTH = 32
"""A manifest is a few levels deep (parameters nest a little); deeper is not a manifest."""

_DRIVE = re.compile(r"^[A-Za-z]:")
_PARENT = re.compile(r"(^|[/\\])\.\.([/\\]|$)")


@dataclass(frozen=True)
class Contract:
    id: str
    version: str


@dataclass(frozen=True)
class Input:
    name: str
    uri: str
    fingerprint: str
    bytes: int
    rows: int
    contract: Contract | None
    md5: str | None = None


@dataclass(frozen=True)
class Output:
    name: str
    uri: str
    sha256: str
    md5: str | None = None


@dataclass(frozen=True)
class Manifest:
    """One run, as recorded; `position(pointer)` says where a value is written in the file."""

    path: Path
    data: dict[str, Any]
    document: Document

    def position(self, pointer: str) -> tuple[int, int]:
        """(line, column) of the value at a JSON pointer, or of its nearest ancestor."""
        return self.document.position(pointer)

    @property
    def run_id(self) -> str:
        return self.data["run_id"]

    @property
    def commit(self) -> str:
        return self.data["code"]["commit"]

    @property
    def dirty(self) -> bool:
        return self.data["code"]["dirty"]

    @property
    def entry_point(self) -> str:
        return self.data["code"]["entry_point"]

    @property
    def lock_sha256(self) -> str:
        return self.data["environment"]["lock_sha256"]

    @property
    def inputs(self) -> list[Input]:
        return [
            Input(
                name=item["name"],
                uri=item["uri"],
                fingerprint=item["fingerprint"],
                bytes=item["bytes"],
                rows=item["rows"],
                contract=Contract(**item["contract"]) if "contract" in item else None,
                md5=item.get("md5"),
            )
            for item in self.data["inputs"]
        ]

    @property
    def outputs(self) -> list[Output]:
        return [Output(**item) for item in self.data["outputs"]]

    @property
    def features(self) -> list[str]:
        return list(self.data["features"])

    @property
    def models(self) -> list[str] | None:
        """Models the run trained (card folder names); None for a manifest older than the field."""
        models = self.data.get("models")
        return list(models) if models is not None else None

    @property
    def params(self) -> dict[str, Any]:
        return self.data["params"]

    @property
    def params_hash(self) -> str:
        return self.data["params_hash"]

    @property
    def seeds(self) -> dict[str, int]:
        return self.data["seeds"]

    @property
    def metrics(self) -> dict[str, float]:
        return self.data["metrics"]


def schema() -> dict[str, Any]:
    """The run-manifest JSON Schema shipped in the package."""
    return json.loads(schema_text(SCHEMA_FILE))


def schema_problems(data: object, document: Document) -> list[SchemaProblem]:
    """Every schema violation of `data`, located through `document`'s positions."""
    return validate(document, SCHEMA_FILE, data=data)


def params_hash(params: dict[str, Any]) -> str:
    """sha256 of the parameters as canonical JSON, so equal params give equal hashes."""
    canonical = json.dumps(params, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse(text: str, path: Path) -> Manifest:
    """Parse manifest text; raise FormatError (kind INVALID_MANIFEST) at the first problem.

    Beyond the schema, a manifest must be plain JSON (no duplicate keys, no
    NaN or Infinity, a few levels deep), name files inside the project, and
    end after it starts: what it claims must be something that could be true.
    """
    non_finite: list[str] = []  # NaN, Infinity or 1e999, as the decoder meets them

    def number(literal: str) -> float:
        value = float(literal)
        if not math.isfinite(value):
            non_finite.append(literal)
        return value

    try:
        data = json.loads(
            text, object_pairs_hook=_unique_keys, parse_constant=number, parse_float=number
        )
    except json.JSONDecodeError as error:
        raise FormatError(
            f"not valid JSON: {error.msg}", error.lineno, error.colno, kind=Kind.INVALID_MANIFEST
        ) from None
    except _DuplicateKeyError as error:
        line, col = _duplicate_position(text, path)
        raise FormatError(
            f"duplicate key {error.key!r}: JSON readers disagree on which value counts",
            line,
            col,
            kind=Kind.INVALID_MANIFEST,
        ) from None
    except RecursionError:
        raise FormatError(
            f"nested more than {MAX_DEPTH} levels deep: not a run manifest",
            kind=Kind.INVALID_MANIFEST,
        ) from None
    if _too_deep(data, text):
        raise FormatError(
            f"nested more than {MAX_DEPTH} levels deep: not a run manifest",
            kind=Kind.INVALID_MANIFEST,
        )
    document = _positions(text, path, data)
    for pointer, message in _impossible_claims(data, non_finite=bool(non_finite)):
        line, col = document.position(pointer)
        raise FormatError(f"{pointer}: {message}", line, col, kind=Kind.INVALID_MANIFEST)
    problems = schema_problems(data, document)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise FormatError(
            f"not a valid run manifest: {first.message}{more}",
            first.line,
            first.col,
            kind=Kind.INVALID_MANIFEST,
        )
    return Manifest(path=path, data=data, document=document)


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """`json.loads` keeps the last of two equal keys silently; a manifest may not have them."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def _duplicate_position(text: str, path: Path) -> tuple[int, int]:
    """Where the second of two equal keys is (the YAML reader finds it), else 1:1."""
    try:
        parse_yaml(text, path)
    except FormatError as error:
        if error.kind is Kind.DUPLICATE_KEY:
            return error.line, error.col
    return 1, 1


def _too_deep(data: Any, text: str) -> bool:
    """Whether `data` nests deeper than MAX_DEPTH (walked without recursion).

    No deeper than the text has brackets: a usual manifest has fewer than
    MAX_DEPTH in all and needs no walk.
    """
    if text.count("{") + text.count("[") <= MAX_DEPTH:
        return False
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)
    return False


def _impossible_claims(data: Any, *, non_finite: bool = True) -> Iterator[tuple[str, str]]:
    """(pointer, message) for each claim no run can make; tolerant of wrong types.

    The schema cannot say these (JSON Schema accepts NaN as a number), and
    they come first so that the message says what is wrong in plain words.
    """
    if non_finite:  # the decoder met NaN or an infinity: say where
        yield from _non_finite(data, "")
    if not isinstance(data, dict):
        return
    for kind in ("inputs", "outputs"):
        items = data.get(kind)
        for index, item in enumerate(items if isinstance(items, list) else []):
            uri = item.get("uri") if isinstance(item, dict) else None
            problem = uri_problem(uri) if isinstance(uri, str) else None
            if problem:
                yield f"/{kind}/{index}/uri", problem
    if data.get("outputs") == []:
        yield "/outputs", "no outputs recorded: a run that wrote nothing cannot be compared"
    start, end = _time(data.get("start_time")), _time(data.get("end_time"))
    if start is not None and end is not None and end < start:
        ended, started = data["end_time"], data["start_time"]
        yield "/end_time", f"the run ends ({ended}) before it starts ({started})"


def uri_problem(uri: str) -> str | None:
    """Why `uri` does not name a file inside the project, or None when it may."""
    if uri.startswith(("/", "\\")) or _DRIVE.match(uri):
        return f"{uri!r} is an absolute path: inputs and outputs are named relative to the project"
    if uri.lower().startswith("file:"):
        return f"{uri!r} is a file: URI: inputs and outputs are named relative to the project"
    if _PARENT.search(uri):
        return f"{uri!r} leaves the project with '..': name files inside the project"
    return None


def _non_finite(value: Any, pointer: str) -> Iterator[tuple[str, str]]:
    stack = [(value, pointer)]
    while stack:
        value, pointer = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            shown = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
            yield pointer, f"{shown} is not a number JSON allows: manifest numbers are finite"
        elif isinstance(value, dict):
            stack.extend((child, pointer_join(pointer, key)) for key, child in value.items())
        elif isinstance(value, list):
            stack.extend((child, f"{pointer}/{index}") for index, child in enumerate(value))


def _time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None  # the schema words a malformed time


def load(path: Path) -> Manifest:
    """Read and parse the manifest at `path` (FormatError when it cannot be used)."""
    return parse(read_text(path), path)


def dumps(data: dict[str, Any]) -> str:
    """The canonical text of a manifest: indented JSON with a final newline (never NaN)."""
    return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _positions(text: str, path: Path, data: Any) -> Document:
    """Positions of every key and value, found when a finding first asks for one.

    JSON is YAML, and the YAML reader keeps marks; the values themselves come
    from `json.loads` (YAML 1.1 reads `1e-05` as a string). Locating waits for
    a finding: listing a thousand runs (`charter runs list`) never needs it.
    """
    return Document(path=path, data=data, digest=cache.digest(text, "0"), source=(text, 0))
