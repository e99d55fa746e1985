"""Run manifests (`runs/<run-id>/manifest.json`): parse, schema-check, keep positions.

A manifest is the record that makes a run checkable: what code, environment,
data, features, parameters and seeds went in, and what came out. The format is
our own (`apiVersion: charter/v1`) with a JSON Schema shipped beside this
module and published in the docs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from charter.formats.schema import SchemaProblem, schema_text, validate
from charter.formats.source import Document, FormatError, Kind, parse_yaml, read_text

SCHEMA_FILE = "run-manifest.schema.json"


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
    """Parse manifest text; raise FormatError (kind INVALID_MANIFEST) at the first problem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(
            f"not valid JSON: {error.msg}", error.lineno, error.colno, kind=Kind.INVALID_MANIFEST
        ) from None
    document = _positions(text, path)
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


def load(path: Path) -> Manifest:
    """Read and parse the manifest at `path` (FormatError when it cannot be used)."""
    return parse(read_text(path), path)


def dumps(data: dict[str, Any]) -> str:
    """The canonical text of a manifest: indented JSON with a final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _positions(text: str, path: Path) -> Document:
    """Positions of every key and value: JSON is YAML, and the YAML reader keeps marks.

    The values themselves come from `json.loads` (YAML 1.1 reads `1e-05` as a string).
    """
    try:
        return parse_yaml(text, path)
    except FormatError:
        return Document(path=path, data=None)
