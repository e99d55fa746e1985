"""The feature catalog (`governance/features/catalog.yaml`) as typed objects.

A small format of our own with Feast/ODCS words; its JSON Schema is
`feature-catalog.schema.json`. Each `Feature` keeps the JSON pointer of its
entry so findings land on the right line. Beside what each feature is, the
catalog says why: a `rationale` per feature, and the candidates left out
(`excluded:`) with their reason and, optionally, the decision record that
decided it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charter.formats.source import Document, FormatError, load_yaml, parse_yaml, pointer_join


@dataclass(frozen=True)
class Source:
    """A contract property a feature reads."""

    contract: str
    property: str
    schema: str | None
    pointer: str


@dataclass
class Feature:
    name: str
    version: int | None
    pointer: str
    entity: str | None
    join_keys: list[str]
    dtype: str | None
    owner: str | None
    status: str | None
    description: str | None
    sources: list[Source]
    transform_ref: str | None
    anonymization: str | None
    rationale: str | None = None
    """Why the feature is in the model (DEC004 asks for one on every active feature)."""

    @property
    def key(self) -> str:
        """`name@version`, the way cards and run manifests name a feature."""
        return f"{self.name}@{self.version}"


@dataclass(frozen=True)
class Excluded:
    """A candidate feature considered and left out, and why."""

    name: str
    reason: str | None
    decision: str | None
    """The decision record that decided it (a file name under governance/decisions/)."""
    pointer: str


@dataclass
class Catalog:
    path: Path
    document: Document
    features: list[Feature] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    _index: dict[tuple[str, int | None], Feature] | None = field(default=None, repr=False)

    def find(self, name: str, version: int | None = None) -> Feature | None:
        """The feature `name` at `version` (None: the first entry of that name)."""
        if self._index is None:
            self._index = {}
            for feature in self.features:
                self._index.setdefault((feature.name, feature.version), feature)
                self._index.setdefault((feature.name, None), feature)
        return self._index.get((name, version))


def load(path: Path) -> Catalog:
    return from_document(load_yaml(path))


def parse(text: str, path: Path) -> Catalog:
    """The catalog a text would be at `path` (for example as committed at HEAD)."""
    return from_document(parse_yaml(text, path))


def from_document(document: Document) -> Catalog:
    data = document.data
    if not isinstance(data, dict):
        raise FormatError("the feature catalog must be a YAML mapping")
    items = data.get("features")
    features = []
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                features.append(_feature(item, pointer_join("/features", index)))
    return Catalog(
        path=document.path,
        document=document,
        features=features,
        excluded=_excluded(data.get("excluded")),
    )


def _excluded(items: Any) -> list[Excluded]:
    if not isinstance(items, list):
        return []
    return [
        Excluded(
            item["name"],
            _text(item.get("reason")),
            _text(item.get("decision")),
            pointer_join("/excluded", index),
        )
        for index, item in enumerate(items)
        if isinstance(item, dict) and isinstance(item.get("name"), str)
    ]


def _feature(item: dict[str, Any], pointer: str) -> Feature:
    transform = item.get("transform")
    version = item.get("version")
    join_keys = item.get("joinKeys")
    return Feature(
        name=item["name"],
        version=version if isinstance(version, int) and not isinstance(version, bool) else None,
        pointer=pointer,
        entity=_text(item.get("entity")),
        join_keys=[k for k in join_keys if isinstance(k, str)]
        if isinstance(join_keys, list)
        else [],
        dtype=_text(item.get("dtype")),
        owner=_text(item.get("owner")),
        status=_text(item.get("status")),
        description=_text(item.get("description")),
        sources=_sources(item.get("sources"), pointer_join(pointer, "sources")),
        transform_ref=_text(transform.get("ref")) if isinstance(transform, dict) else None,
        anonymization=_text(item.get("anonymization")),
        rationale=_text(item.get("rationale")),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _sources(items: Any, pointer: str) -> list[Source]:
    if not isinstance(items, list):
        return []
    return [
        Source(
            item["contract"], item["property"], _text(item.get("schema")), pointer_join(pointer, i)
        )
        for i, item in enumerate(items)
        if isinstance(item, dict)
        and isinstance(item.get("contract"), str)
        and isinstance(item.get("property"), str)
    ]
