"""Read an ODCS v3 contract into the engine-neutral `TableSpec`.

This is the only module that knows ODCS keys. It accepts the contract as a parsed
mapping or a path, so callers holding a `charter.formats` object pass its data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from charter.formats.source import FormatError, load_yaml
from charter.validation.errors import ContractError
from charter.validation.spec import (
    LOGICAL_TYPES,
    METRICS,
    OPERATORS,
    ColumnSpec,
    Constraint,
    QualityRule,
    TableSpec,
    Threshold,
)

# customProperties keys accepted for an allowed-value list before ODCS v3.2's `enum`.
ENUM_CUSTOM_PROPERTIES = ("enum", "allowedValues", "validValues")
# Rule types that are prose or engine-specific code: reported as skipped, never run.
UNRUN_QUALITY_TYPES = ("text", "sql", "custom")
_TEMPORAL = ("date", "timestamp", "time")

# A mapping, a `charter.formats.contract.Contract`, or a path to a YAML file.
ContractSource = Mapping[str, Any] | Any | str | Path


def load_contract(contract: ContractSource) -> Mapping[str, Any]:
    """The contract as a mapping: given as one, a parsed `charter.formats` contract, or a path."""
    if isinstance(contract, Mapping):
        return contract
    document = getattr(contract, "document", None)
    if document is not None:
        data, path = document.data, document.path
    else:
        path = Path(contract)
        if not path.is_file():
            raise ContractError(f"{path}: contract file not found")
        try:
            data = load_yaml(path).data
        except FormatError as error:
            raise ContractError(f"{path}:{error.line}:{error.col}: {error.message}") from None
    if not isinstance(data, Mapping):
        raise ContractError(f"{path}: contract must be a YAML mapping (ODCS v3)")
    return data


def contract_path(contract: ContractSource) -> Path | None:
    """The contract's file, when it came from one: messages name it."""
    document = getattr(contract, "document", None)
    if document is not None:
        return document.path
    return Path(contract) if isinstance(contract, str | Path) else None


def located(error: ContractError, contract: ContractSource) -> ContractError:
    """`error` with the contract's file in front, so the message says where to look."""
    path = contract_path(contract)
    if path is None or str(error).startswith(f"{path}:"):
        return error
    return ContractError(f"{path}: {error}")


def table_spec(contract: ContractSource, schema: str | None = None) -> TableSpec:
    """Compile one schema object of the contract (default: the first) into a TableSpec."""
    data = load_contract(contract)
    try:
        return _table_spec(data, schema)
    except ContractError as error:
        raise located(error, contract) from None


def _table_spec(data: Mapping[str, Any], schema: str | None) -> TableSpec:
    obj = _schema_object(data, schema)
    name = str(obj.get("name", ""))
    properties = _list(obj.get("properties"), f"schema '{name}' properties")
    columns = tuple(_column(prop, name) for prop in properties)
    rules: list[QualityRule] = []
    skipped: list[str] = []
    for prop in properties:
        _quality(prop.get("quality"), str(prop["name"]), rules, skipped)
    _quality(obj.get("quality"), None, rules, skipped)
    _known_columns(rules, {column.name for column in columns}, name)
    keys = sorted(
        (prop for prop in properties if prop.get("primaryKey") is True),
        key=_key_position,
    )
    composite = tuple(str(prop["name"]) for prop in keys) if len(keys) > 1 else ()
    return TableSpec(name, columns, tuple(rules), composite, tuple(skipped))


def _known_columns(rules: list[QualityRule], names: set[str], table: str) -> None:
    for rule in rules:
        for column in rule.columns:
            if column not in names:
                raise ContractError(
                    f"schema quality {rule.metric} names '{column}', "
                    f"which is not a property of schema '{table}'"
                )


def _key_position(prop: Mapping[str, Any]) -> int:
    position = prop.get("primaryKeyPosition", -1)
    if not _is_number(position) or isinstance(position, float):
        raise ContractError(
            f"property '{prop['name']}': primaryKeyPosition must be a whole number, "
            f"not {position!r}"
        )
    return position


def _schema_object(data: Mapping[str, Any], name: str | None) -> Mapping[str, Any]:
    objects = _list(data.get("schema"), "contract 'schema'")
    if not objects:
        raise ContractError("contract has no schema objects to validate against")
    if name is None:
        return objects[0]
    for obj in objects:
        if obj.get("name") == name:
            return obj
    known = ", ".join(str(obj.get("name")) for obj in objects)
    raise ContractError(f"contract has no schema object named '{name}' (it has: {known})")


def _column(prop: Mapping[str, Any], table: str) -> ColumnSpec:
    name = prop.get("name")
    if not isinstance(name, str) or not name:
        raise ContractError(f"schema '{table}': every property needs a 'name'")
    logical_type = prop.get("logicalType")
    if logical_type is not None and logical_type not in (*LOGICAL_TYPES, "object", "array"):
        raise ContractError(f"property '{name}': unknown logicalType '{logical_type}'")
    key = prop.get("primaryKey") is True
    return ColumnSpec(
        name=name,
        logical_type=logical_type if logical_type in LOGICAL_TYPES else None,
        nullable=not (prop.get("required") is True or key),
        unique=prop.get("unique") is True,
        constraints=_constraints(prop, name, logical_type),
    )


def _constraints(prop: Mapping[str, Any], name: str, logical_type: Any) -> tuple[Constraint, ...]:
    options = prop.get("logicalTypeOptions") or {}
    if not isinstance(options, Mapping):
        raise ContractError(f"property '{name}': logicalTypeOptions must be a mapping")
    found: list[Constraint] = []
    for kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        value = options.get(kind)
        if value is None:
            continue
        if isinstance(value, bool):  # ODCS 3.0 / JSON Schema draft 4: a flag on minimum/maximum
            continue
        found.append(Constraint(kind, _bound(value, logical_type, name, kind)))
    for flag, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if options.get(flag) is True and options.get(bound) is not None:
            found = [c if c.kind != bound else Constraint(flag, c.value) for c in found]
    if options.get("pattern") is not None:
        found.append(Constraint("pattern", str(options["pattern"])))
    for kind in ("minLength", "maxLength"):
        value = options.get(kind)
        if value is None:
            continue
        if not _is_number(value) or isinstance(value, float) or value < 0:
            raise ContractError(f"property '{name}': {kind} must be a whole number, not {value!r}")
        found.append(Constraint(kind, value))
    allowed = _enum(prop, name)
    if allowed is not None:
        found.append(Constraint("enum", allowed))
    for constraint in found:
        _fits(constraint.kind, logical_type, name)
    return tuple(found)


def _fits(kind: str, logical_type: Any, name: str) -> None:
    """A constraint on the wrong logicalType (maxLength on a number) can never be checked."""
    if logical_type is None or kind == "enum":
        return
    text = kind in ("pattern", "minLength", "maxLength")
    if text and logical_type != "string":
        raise ContractError(
            f"property '{name}': {kind} applies to logicalType string, not {logical_type}"
        )
    if not text and logical_type not in ("integer", "number", *_TEMPORAL):
        raise ContractError(
            f"property '{name}': {kind} applies to numbers, dates and times, "
            f"not to logicalType {logical_type}"
        )


def _bound(value: Any, logical_type: Any, name: str, kind: str) -> Any:
    if logical_type not in _TEMPORAL or not isinstance(value, str):
        if not isinstance(value, int | float | dt.date | dt.time):
            raise ContractError(f"property '{name}': {kind} must be a number, not {value!r}")
        return value
    parse = {
        "date": dt.date.fromisoformat,
        "timestamp": dt.datetime.fromisoformat,
        "time": dt.time.fromisoformat,
    }[logical_type]
    try:
        return parse(value)
    except ValueError:
        raise ContractError(f"property '{name}': {kind} '{value}' is not an ISO date") from None


def _enum(prop: Mapping[str, Any], name: str) -> tuple[Any, ...] | None:
    """ODCS v3.2 `enum` (objects with `value`), or a customProperties list before v3.2."""
    values = prop.get("enum")
    if values is None:
        for custom in prop.get("customProperties") or []:
            if isinstance(custom, Mapping) and custom.get("property") in ENUM_CUSTOM_PROPERTIES:
                values = custom.get("value")
                break
    if values is None:
        return None
    if not isinstance(values, list) or not values:
        raise ContractError(f"property '{name}': enum must be a non-empty list")
    return tuple(item["value"] if isinstance(item, Mapping) else item for item in values)


def _quality(
    entries: Any, column: str | None, rules: list[QualityRule], skipped: list[str]
) -> None:
    where = f"property '{column}'" if column else "schema"
    for entry in _list(entries, f"{where} quality"):
        kind = entry.get("type", "library")
        if kind in UNRUN_QUALITY_TYPES:
            label = entry.get("name") or entry.get("description") or ""
            skipped.append(f"{where}: {kind} quality rule not executed: {label}".rstrip(": "))
            continue
        metric = entry.get("metric", entry.get("rule"))
        if metric not in METRICS:
            raise ContractError(f"{where}: unsupported quality metric {metric!r}")
        if column is None and metric not in ("rowCount", "duplicateValues"):
            raise ContractError(f"{where}: {metric} applies to a property, not a schema")
        if column is not None and metric == "rowCount":
            raise ContractError(f"{where}: rowCount applies to a schema, not a property")
        rules.append(_rule(entry, metric, column, where))


def _rule(entry: Mapping[str, Any], metric: str, column: str | None, where: str) -> QualityRule:
    conditions = tuple((name, entry[name]) for name in OPERATORS if name in entry)
    for name, bound in conditions:
        _threshold(name, bound, f"{where}: {metric}")
    if not conditions:  # no threshold written: none of the counted rows are acceptable
        conditions = (("mustBeGreaterThan", 0),) if metric == "rowCount" else (("mustBe", 0),)
    arguments = entry.get("arguments") or {}
    unit = entry.get("unit", "rows")
    if unit not in ("rows", "percent"):
        raise ContractError(f"{where}: quality unit must be 'rows' or 'percent', not {unit!r}")
    valid = arguments.get("validValues")
    if metric == "invalidValues" and valid is None and arguments.get("pattern") is None:
        raise ContractError(f"{where}: invalidValues needs arguments.validValues or pattern")
    return QualityRule(
        metric=metric,
        threshold=Threshold(conditions),
        column=column,
        unit=unit,
        columns=tuple(arguments.get("properties") or ()),
        missing_values=tuple(v for v in arguments.get("missingValues") or () if v is not None),
        valid_values=tuple(valid) if valid is not None else None,
        pattern=arguments.get("pattern"),
    )


def _threshold(operator: str, bound: Any, where: str) -> None:
    """A threshold compares the measure with numbers: one, or [low, high] for the between ones."""
    if operator.endswith("Between"):
        pair = isinstance(bound, list) and len(bound) == 2 and all(map(_is_number, bound))
        if not pair:
            raise ContractError(
                f"{where}: {operator} must be two numbers [low, high], not {bound!r}"
            )
    elif not _is_number(bound):
        raise ContractError(f"{where}: {operator} must be a number, not {bound!r}")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _list(value: Any, what: str) -> list[Mapping[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise ContractError(f"{what} must be a list of mappings")
    return value
