"""ODCS v3 data contracts (`*.odcs.yaml`) as typed objects that remember positions.

`load(path)` parses a contract leniently: whatever the file holds is kept in
`document` for schema validation, and everything Charter reasons about (team,
schema objects, properties at every depth, quality rules, relationships) is
exposed as `Contract`, `SchemaObject`, `Property`, `Quality` and `Relationship`.
A property nests: an `object` has `properties`, an `array` has `items`, a `map`
has a `key` and a `value`, each a `Property` itself. This module is the only
reader of contract files; validation and the views read these types.
Malformed YAML raises `FormatError`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from charter.formats.source import Document, FormatError, load_yaml, pointer_join

# ODCS quality-rule operators (`mustBe...`), in the order the standard lists them.
OPERATORS = (
    "mustBe",
    "mustNotBe",
    "mustBeGreaterThan",
    "mustBeGreaterOrEqualTo",
    "mustBeLessThan",
    "mustBeLessOrEqualTo",
    "mustBeBetween",
    "mustNotBeBetween",
)
# customProperties keys accepted for an allowed-value list before ODCS v3.2's `enum`.
ENUM_CUSTOM_PROPERTIES = ("enum", "allowedValues", "validValues")


@dataclass(frozen=True)
class Problem:
    """A part of the contract that is not the shape ODCS gives it; `kind` names which."""

    pointer: str
    kind: str
    """`not-a-list` (schema, properties, quality) or `no-name` (a property)."""
    what: str
    """The part, in words: `contract 'schema'`, `schema 'orders' properties`."""


@dataclass
class Quality:
    """One entry of a `quality` list, as written (validation decides what it can run)."""

    pointer: str
    raw: Mapping[str, Any]
    """The entry itself: thresholds (`mustBe...`), `arguments`, `query` and the rest."""

    @property
    def type(self) -> str:
        return str(self.raw.get("type", "library"))

    @property
    def metric(self) -> Any:
        return self.raw.get("metric", self.raw.get("rule"))

    @property
    def label(self) -> str:
        return str(self.raw.get("name") or self.raw.get("description") or "")

    @property
    def arguments(self) -> Mapping[str, Any]:
        arguments = self.raw.get("arguments")
        return arguments if isinstance(arguments, Mapping) else {}

    @property
    def thresholds(self) -> tuple[tuple[str, Any], ...]:
        """The `mustBe...` operators written, with their bounds, in the standard's order."""
        return tuple((name, self.raw[name]) for name in OPERATORS if name in self.raw)

    @property
    def unit(self) -> Any:
        return self.raw.get("unit", "rows")

    @property
    def query(self) -> Any:
        return self.raw.get("query")

    @property
    def description(self) -> str | None:
        return _str(self.raw.get("description"))


@dataclass
class Relationship:
    """A foreign key: `source` columns reference `target` ones, each `table.column`.

    A property's own relationship names only `to`: its source is the property. A
    target may also be a fully qualified id reference (`[file.yaml#]/schema/ID/properties/ID`).
    """

    pointer: str
    source: list[str]
    target: list[str]
    type: str


@dataclass
class Property:
    """One column of a schema object, or a field, item, key or value nested in one."""

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
    options_malformed: bool = False
    """`logicalTypeOptions` is there but not a mapping."""
    path: str = ""
    """Where it sits from the column down: `address.city`, `tags[]`, `prefs{value}`."""
    raw: Mapping[str, Any] = field(default_factory=dict)
    """The property as written, for the keys no typed field covers (examples, tags...)."""
    primary_key_position: Any = None
    enum: tuple[Any, ...] | None = None
    """Allowed values: ODCS v3.2 `enum`, or a customProperties list before v3.2."""
    enum_pointer: str | None = None
    properties: list[Property] = field(default_factory=list)
    """Fields of an `object`."""
    items: Property | None = None
    """The element of an `array`."""
    key: Property | None = None
    value: Property | None = None
    """Key and value of a `map`."""
    quality: list[Quality] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    element: bool = False
    """True for array items and map keys and values: part of a column, never one itself."""
    id: str | None = None
    """ODCS v3.2 stable identifier, for fully qualified references."""

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

    def children(self) -> list[Property]:
        """What nests directly inside: fields, the item, or the key and value."""
        found = list(self.properties)
        found += [p for p in (self.items, self.key, self.value) if p is not None]
        return found

    def walk(self) -> Iterator[Property]:
        """This property and everything nested in it, depth first."""
        yield self
        if self.properties or self.items or self.key or self.value:
            for child in self.children():
                yield from child.walk()


@dataclass
class SchemaObject:
    """One table (ODCS `schema` entry) and its properties."""

    name: str
    pointer: str
    properties: list[Property]
    description: str | None = None
    quality: list[Quality] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    physical_name: str | None = None
    id: str | None = None
    _flat: list[Property] | None = field(default=None, repr=False, compare=False)

    def property(self, name: str) -> Property | None:
        return next((p for p in self.properties if p.name == name), None)

    def walk(self) -> list[Property]:
        """Every property at every depth, depth first (worked out once: rules ask often)."""
        if self._flat is None:
            self._flat = [nested for prop in self.properties for nested in prop.walk()]
        return self._flat

    def find(self, path: str) -> Property | None:
        """The property at a dotted path (`address.city`), fields of objects included."""
        return next((p for p in self.walk() if p.path == path), None)

    def all_relationships(self) -> list[Relationship]:
        """Schema-level relationships and those of every property."""
        found = list(self.relationships)
        for prop in self.walk():
            found += prop.relationships
        return found


@dataclass
class TeamMember:
    """One entry of the contract's `team` (its `members`, in ODCS v3.1)."""

    username: str
    """As written: a @handle, an @org/team or an email address (empty when absent)."""
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
    """`apiVersion`: the ODCS version the contract is written in (`v3.1.0`)."""
    team: list[TeamMember] = field(default_factory=list)
    """Who answers for the data (drafted with the data owner and the privacy reviewer)."""
    schemas: list[SchemaObject] = field(default_factory=list)
    """The tables (`schema` entries)."""
    status: str | None = None
    team_name: str | None = None
    """`team.name` of a v3.1 team object."""
    description: dict[str, Any] = field(default_factory=dict)
    """The contract's `description` object (purpose, usage, limitations)."""
    problems: list[Problem] = field(default_factory=list)
    """Parts skipped because of their shape (CON001 reports them against the schema)."""

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


UNNAMED = Path("<contract>")
"""The path of a contract given as data, not read from a file."""


def from_mapping(data: Mapping[str, Any], path: Path | None = None) -> Contract:
    """A contract given as parsed data (positions unknown)."""
    return from_document(Document(path or UNNAMED, data))


def from_document(document: Document) -> Contract:
    data = document.data
    if not isinstance(data, Mapping):
        raise FormatError("a data contract must be a YAML mapping")
    team = data.get("team")
    about = data.get("description")
    problems: list[Problem] = []
    return Contract(
        path=document.path,
        document=document,
        id=_str(data.get("id")),
        version=_str(data.get("version")),
        api_version=_str(data.get("apiVersion")),
        team=_team(team),
        schemas=_schemas(data.get("schema"), problems),
        status=_str(data.get("status")),
        team_name=_str(team.get("name")) if isinstance(team, Mapping) else None,
        description=dict(about) if isinstance(about, Mapping) else {},
        problems=problems,
    )


def _str(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int | float) and value != "" else None


def _team(team: Any) -> list[TeamMember]:
    pointer = "/team"
    if isinstance(team, Mapping):  # v3.1.0 team object
        team, pointer = team.get("members"), "/team/members"
    if not isinstance(team, list):
        return []
    return [
        TeamMember(str(m.get("username", "")), _str(m.get("role")), pointer_join(pointer, i))
        for i, m in enumerate(team)
        if isinstance(m, Mapping)
    ]


def _mappings(value: Any, pointer: str, what: str, problems: list[Problem]) -> list[Any]:
    """The entries of a list of mappings; anything else is a problem, and nothing."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        problems.append(Problem(pointer, "not-a-list", what))
        return []
    return value


def _schemas(schemas: Any, problems: list[Problem]) -> list[SchemaObject]:
    result = []
    for index, item in enumerate(_mappings(schemas, "/schema", "contract 'schema'", problems)):
        if not isinstance(item.get("name"), str):
            continue
        pointer = pointer_join("/schema", index)
        where = f"schema '{item['name']}'"
        result.append(
            SchemaObject(
                item["name"],
                pointer,
                _properties(item, pointer, "", where, problems),
                description=_str(item.get("description")),
                quality=_quality(item.get("quality"), pointer, "schema", problems),
                relationships=_relationships(item.get("relationships"), pointer, None),
                physical_name=_str(item.get("physicalName")),
                id=_str(item.get("id")),
            )
        )
        for prop in result[-1].walk():  # a property's own relationships start from it
            for relationship in prop.relationships:
                relationship.source = [f"{item['name']}.{prop.path}"]
    return result


def _properties(
    parent: Mapping[str, Any], pointer: str, path: str, where: str, problems: list[Problem]
) -> list[Property]:
    base = pointer_join(pointer, "properties")
    items = _mappings(parent.get("properties"), base, f"{where} properties", problems)
    result = []
    for index, item in enumerate(items):
        item_pointer = pointer_join(base, index)
        if not isinstance(item.get("name"), str) or not item["name"]:
            problems.append(Problem(item_pointer, "no-name", where))
            continue
        item_path = f"{path}.{item['name']}" if path else item["name"]
        result.append(
            _property(item, item["name"], item_pointer, item_path, problems, element=False)
        )
    return result


def _property(
    item: Mapping[str, Any],
    name: str,
    pointer: str,
    path: str,
    problems: list[Problem],
    *,
    element: bool,
) -> Property:
    custom, custom_pointers = _custom(item.get("customProperties"), pointer)
    enum, enum_pointer = _enum(item, custom, custom_pointers, pointer)
    options = item.get("logicalTypeOptions")
    prop = Property(
        name=name,
        pointer=pointer,
        logical_type=_str(item.get("logicalType")),
        required=item.get("required") is True,
        unique=item.get("unique") is True,
        primary_key=item.get("primaryKey") is True,
        classification=_str(item.get("classification")),
        description=_str(item.get("description")),
        custom=custom,
        custom_pointers=custom_pointers,
        options=dict(options) if isinstance(options, Mapping) else {},
        options_malformed=options is not None and not isinstance(options, Mapping),
        path=path,
        raw=item,
        primary_key_position=item.get("primaryKeyPosition"),
        enum=enum,
        enum_pointer=enum_pointer,
        properties=_properties(item, pointer, path, f"property '{path}'", problems)
        if "properties" in item
        else [],
        quality=_quality(item["quality"], pointer, f"property '{path}'", problems)
        if "quality" in item
        else [],
        relationships=_relationships(item["relationships"], pointer, path)
        if "relationships" in item
        else [],
        element=element,
        id=_str(item.get("id")),
    )
    element_of = item.get("items")
    if isinstance(element_of, Mapping):
        prop.items = _nested(
            element_of, name, pointer_join(pointer, "items"), f"{path}[]", problems
        )
    entry = item.get("map")
    if isinstance(entry, Mapping):
        base = pointer_join(pointer, "map")
        for part in ("key", "value"):
            if isinstance(entry.get(part), Mapping):
                where = pointer_join(base, part)
                nested = _nested(entry[part], name, where, f"{path}{{{part}}}", problems)
                setattr(prop, part, nested)
    return prop


def _nested(
    item: Mapping[str, Any], parent: str, pointer: str, path: str, problems: list[Problem]
) -> Property:
    """An array's item or a map's key or value: named as written, else after its place."""
    name = item.get("name") if isinstance(item.get("name"), str) else None
    label = name or path.rsplit(".", 1)[-1] or parent
    return _property(item, label, pointer, path, problems, element=True)


def _enum(
    item: Mapping[str, Any], custom: dict[str, Any], pointers: dict[str, str], pointer: str
) -> tuple[tuple[Any, ...] | None, str | None]:
    values, where = item.get("enum"), pointer_join(pointer, "enum")
    if values is None:
        name = next((n for n in ENUM_CUSTOM_PROPERTIES if n in custom), None)
        if name is None:
            return None, None
        values, where = custom[name], pointers[name]
        if isinstance(values, str):  # a JSON list written as text, as datacontract-cli does
            values = _json_list(values)
    if not isinstance(values, list):
        return (), where  # not a list: validation refuses it, CON001 locates it
    return tuple(v["value"] if isinstance(v, Mapping) else v for v in values), where


def _json_list(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _quality(entries: Any, pointer: str, where: str, problems: list[Problem]) -> list[Quality]:
    base = pointer_join(pointer, "quality")
    return [
        Quality(pointer_join(base, index), entry)
        for index, entry in enumerate(_mappings(entries, base, f"{where} quality", problems))
    ]


def _relationships(entries: Any, pointer: str, path: str | None) -> list[Relationship]:
    """Property-level entries name only `to` (`from` is the property); schema-level both."""
    if not isinstance(entries, list):
        return []
    base = pointer_join(pointer, "relationships")
    found = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            continue
        source = _names(entry.get("from")) or ([path] if path else [])
        found.append(
            Relationship(
                pointer_join(base, index),
                source,
                _names(entry.get("to")),
                str(entry.get("type", "foreignKey")),
            )
        )
    return found


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str)]
    return []


def _custom(items: Any, pointer: str) -> tuple[dict[str, Any], dict[str, str]]:
    """ODCS custom properties are a list of {property, value}; index them by name."""
    values: dict[str, Any] = {}
    pointers: dict[str, str] = {}
    if not isinstance(items, list):
        return values, pointers
    base = pointer_join(pointer, "customProperties")
    for index, item in enumerate(items):
        if isinstance(item, Mapping) and isinstance(item.get("property"), str):
            values[item["property"]] = item.get("value")
            pointers[item["property"]] = pointer_join(pointer_join(base, index), "value")
    return values, pointers
