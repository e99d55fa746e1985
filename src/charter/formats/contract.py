"""ODCS v3 data contracts (`*.odcs.yaml`) as typed objects that remember positions.

`load(path)` parses a contract leniently: whatever the file holds is kept in
`document` for schema validation, and the parts Charter reasons about
(team, schema objects, properties and their `customProperties`) are exposed as
`Contract`, `SchemaObject` and `Property`. Malformed YAML raises `FormatError`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charter.formats.source import Document, FormatError, load_yaml, pointer_join


@dataclass
class Property:
    """One column of a schema object."""

    name: str
    pointer: str
    logical_type: str | None
    required: bool
    unique: bool
    primary_key: bool
    classification: str | None
    description: str | None
    custom: dict[str, Any]
    custom_pointers: dict[str, str]
    options: dict[str, Any]
    """`logicalTypeOptions` (minimum, maximum, pattern, ...), empty when absent."""

    @property
    def pii_category(self) -> str | None:
        value = self.custom.get("piiCategory")
        return value if isinstance(value, str) else None

    @property
    def is_personal(self) -> bool:
        return self.pii_category not in (None, "none")

    @property
    def anonymization(self) -> str | None:
        value = self.custom.get("anonymization")
        return value if isinstance(value, str) else None


@dataclass
class SchemaObject:
    """One table (ODCS `schema` entry) and its properties."""

    name: str
    pointer: str
    properties: list[Property]

    def property(self, name: str) -> Property | None:
        return next((p for p in self.properties if p.name == name), None)


@dataclass
class TeamMember:
    username: str
    role: str | None
    pointer: str


@dataclass
class Contract:
    """A data contract: the data dictionary of one dataset."""

    path: Path
    document: Document
    id: str | None
    version: str | None
    api_version: str | None
    team: list[TeamMember] = field(default_factory=list)
    schemas: list[SchemaObject] = field(default_factory=list)

    def schema(self, name: str | None = None) -> SchemaObject | None:
        """The schema object `name`, or the only one when `name` is None."""
        if name is None:
            return self.schemas[0] if len(self.schemas) == 1 else None
        return next((s for s in self.schemas if s.name == name), None)

    @property
    def primary_keys(self) -> set[str]:
        return {p.name for s in self.schemas for p in s.properties if p.primary_key}


def load(path: Path) -> Contract:
    """Parse the contract at `path` (raises `FormatError` when it is not YAML)."""
    return from_document(load_yaml(path))


def from_document(document: Document) -> Contract:
    data = document.data
    if not isinstance(data, dict):
        raise FormatError("a data contract must be a YAML mapping")
    return Contract(
        path=document.path,
        document=document,
        id=_str(data.get("id")),
        version=_str(data.get("version")),
        api_version=_str(data.get("apiVersion")),
        team=_team(data.get("team")),
        schemas=_schemas(data.get("schema")),
    )


def _str(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int | float) and value != "" else None


def _team(team: Any) -> list[TeamMember]:
    pointer = "/team"
    if isinstance(team, dict):  # v3.1.0 team object
        team, pointer = team.get("members"), "/team/members"
    if not isinstance(team, list):
        return []
    return [
        TeamMember(str(m.get("username", "")), _str(m.get("role")), pointer_join(pointer, i))
        for i, m in enumerate(team)
        if isinstance(m, dict)
    ]


def _schemas(schemas: Any) -> list[SchemaObject]:
    if not isinstance(schemas, list):
        return []
    result = []
    for index, item in enumerate(schemas):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        pointer = pointer_join("/schema", index)
        result.append(SchemaObject(item["name"], pointer, _properties(item, pointer)))
    return result


def _properties(schema_object: dict[str, Any], pointer: str) -> list[Property]:
    items = schema_object.get("properties")
    if not isinstance(items, list):
        return []
    result = []
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        item_pointer = pointer_join(pointer_join(pointer, "properties"), index)
        custom, custom_pointers = _custom(item.get("customProperties"), item_pointer)
        result.append(
            Property(
                name=item["name"],
                pointer=item_pointer,
                logical_type=_str(item.get("logicalType")),
                required=item.get("required") is True,
                unique=item.get("unique") is True,
                primary_key=item.get("primaryKey") is True,
                classification=_str(item.get("classification")),
                description=_str(item.get("description")),
                custom=custom,
                custom_pointers=custom_pointers,
                options=options
                if isinstance(options := item.get("logicalTypeOptions"), dict)
                else {},
            )
        )
    return result


def _custom(items: Any, pointer: str) -> tuple[dict[str, Any], dict[str, str]]:
    """ODCS custom properties are a list of {property, value}; index them by name."""
    values: dict[str, Any] = {}
    pointers: dict[str, str] = {}
    if not isinstance(items, list):
        return values, pointers
    base = pointer_join(pointer, "customProperties")
    for index, item in enumerate(items):
        if isinstance(item, dict) and isinstance(item.get("property"), str):
            values[item["property"]] = item.get("value")
            pointers[item["property"]] = pointer_join(pointer_join(base, index), "value")
    return values, pointers
