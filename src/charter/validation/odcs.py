"""Compile an ODCS v3 contract into the engine-neutral `TableSpec`.

It reads the typed contract of `charter.formats.contract` (the only reader of
contract files) and decides what of it can be checked on data. It accepts the
contract as that object, a parsed mapping or a path. `problems(contract)`
says, without running anything, why a schema object cannot be validated:
`charter check` reports it (CON015) before `charter validate` would exit 2.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from charter import patterns
from charter.formats import contract as contract_format
from charter.formats.contract import Contract, Property, Quality, SchemaObject
from charter.formats.source import FormatError, not_regular
from charter.validation.errors import ContractError
from charter.validation.spec import (
    ADVISORY_FORMATS,
    LOGICAL_TYPES,
    METRICS,
    NESTED_TYPES,
    SQL_METRIC,
    STRING_FORMATS,
    ColumnSpec,
    Constraint,
    QualityRule,
    TableSpec,
    Threshold,
)

ENUM_CUSTOM_PROPERTIES = contract_format.ENUM_CUSTOM_PROPERTIES
# Rule types that are prose or engine-specific code: reported as skipped, never run.
UNRUN_QUALITY_TYPES = ("text", "custom")
_TEMPORAL = ("date", "timestamp", "time")
_NUMERIC = ("integer", "number")
# logicalTypeOptions -> the logical types they apply to (ODCS v3.2 schema).
_OPTION_TYPES = {
    "pattern": ("string",),
    "minLength": ("string",),
    "maxLength": ("string",),
    "multipleOf": _NUMERIC,
    "minItems": ("array", "vector"),
    "maxItems": ("array", "vector"),
    "uniqueItems": ("array", "vector"),
    "minProperties": ("object", "map"),
    "maxProperties": ("object", "map"),
    "timezone": ("timestamp", "time"),
}
_COUNTS = ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties")

# A mapping, a `charter.formats.contract.Contract`, or a path to a YAML file.
ContractSource = Mapping[str, Any] | Contract | str | Path


def load_contract(contract: ContractSource) -> Contract:
    """The typed contract: given as one, as a mapping, or as a path to its file."""
    if isinstance(contract, Contract):
        return contract
    if isinstance(contract, Mapping):
        return contract_format.from_mapping(contract)
    path = Path(contract)
    what = not_regular(path)
    if what:
        raise ContractError(f"{path}: the contract {what}")
    if not path.is_file():
        raise ContractError(f"{path}: contract file not found")
    try:
        return contract_format.load(path)
    except FormatError as error:
        if error.line == 1 and error.col == 1 and "mapping" in error.message:
            raise ContractError(f"{path}: contract must be a YAML mapping (ODCS v3)") from None
        raise ContractError(f"{path}:{error.line}:{error.col}: {error.message}") from None


def contract_path(contract: ContractSource) -> Path | None:
    """The contract's file, when it came from one: messages name it."""
    if isinstance(contract, Contract):
        return None if contract.path == contract_format.UNNAMED else contract.path
    return Path(contract) if isinstance(contract, str | Path) else None


def located(error: ContractError, contract: ContractSource) -> ContractError:
    """`error` with the contract's file in front, so the message says where to look."""
    path = contract_path(contract)
    if path is None or str(error).startswith(f"{path}:"):
        return error
    return ContractError(f"{path}: {error}")


def table_spec(contract: ContractSource, schema: str | None = None) -> TableSpec:
    """Compile one schema object of the contract (default: the first) into a TableSpec."""
    typed = load_contract(contract)
    try:
        return _table_spec(typed, schema)
    except ContractError as error:
        raise located(error, contract) from None


def problems(contract: Contract) -> list[tuple[SchemaObject | None, str, str]]:
    """Why each schema object cannot be validated: (object, pointer, message) per problem.

    Only what `charter validate` refuses; what the official schema refuses is CON001's.
    """
    found: list[tuple[SchemaObject | None, str, str]] = []
    for obj in contract.schemas:
        try:
            _table_spec(contract, obj.name)
        except ContractError as error:
            found.append((obj, getattr(error, "pointer", None) or obj.pointer, str(error)))
    return found


def _fail(message: str, pointer: str | None = None) -> ContractError:
    error = ContractError(message)
    error.pointer = pointer  # type: ignore[attr-defined]
    return error


def _table_spec(contract: Contract, name: str | None) -> TableSpec:
    obj = _schema_object(contract, name)
    for problem in contract.problems:
        if problem.pointer.startswith(f"{obj.pointer}/"):
            if problem.kind == "no-name":
                raise _fail(f"{problem.what}: every property needs a 'name'", problem.pointer)
            raise _fail(f"{problem.what} must be a list of mappings", problem.pointer)
    columns = tuple(_column(prop) for prop in obj.properties)
    rules: list[QualityRule] = []
    skipped: list[str] = []
    for prop in obj.properties:
        _quality(prop.quality, prop, obj, rules, skipped)
        for nested in list(prop.walk())[1:]:
            if not nested.quality:
                continue
            fields = nested.path.split(".")[1:]
            if nested.element or any(not f or "[" in f or "{" in f for f in fields):
                skipped += [
                    f"property '{nested.path}': {entry.metric or entry.type} quality rule "
                    "not executed: rules inside arrays and maps are not run"
                    for entry in nested.quality
                ]
                continue
            found: list[QualityRule] = []
            _quality(nested.quality, nested, obj, found, skipped)
            rules += [
                replace(rule, column=prop.name, field_path=tuple(fields))
                for rule in found
                if rule.metric != SQL_METRIC
            ]
    _quality(obj.quality, None, obj, rules, skipped)
    skipped += _unchecked_formats(obj)
    _known_columns(rules, {column.name for column in columns}, obj.name)
    keys = sorted((prop for prop in obj.properties if prop.primary_key), key=_key_position)
    composite = tuple(prop.name for prop in keys) if len(keys) > 1 else ()
    aliases = (obj.physical_name,) if obj.physical_name else ()
    return TableSpec(obj.name, columns, tuple(rules), composite, tuple(skipped), aliases)


def _unchecked_formats(obj: SchemaObject) -> list[str]:
    """String formats no pattern stands for: ODCS calls `format` context, so they are noted."""
    notes = []
    for prop in obj.walk():
        text_format = prop.options.get("format")
        temporal = prop.logical_type in _TEMPORAL and isinstance(text_format, str)
        if temporal and text_format not in ISO_FORMATS and _strftime(prop) is None:
            notes.append(
                f"property '{prop.path}': format {text_format!r} is not a JDK date pattern "
                "(yyyy, MM, dd, HH, mm, ss, SSS, a, XXX, Z): text is read as ISO dates"
            )
        string = prop.logical_type in (None, "string") and isinstance(text_format, str)
        if string and text_format not in (*STRING_FORMATS, *ADVISORY_FORMATS):
            notes.append(
                f"property '{prop.path}': format {text_format!r} not checked (Charter "
                f"checks {', '.join(STRING_FORMATS)}; a `pattern` checks any other)"
            )
    return notes


def _known_columns(rules: list[QualityRule], names: set[str], table: str) -> None:
    for rule in rules:
        for column in rule.columns:
            if column not in names:
                raise ContractError(
                    f"schema quality {rule.metric} names '{column}', "
                    f"which is not a property of schema '{table}'"
                )


def _key_position(prop: Property) -> int:
    position = -1 if prop.primary_key_position is None else prop.primary_key_position
    if not _is_number(position) or isinstance(position, float):
        raise _fail(
            f"property '{prop.name}': primaryKeyPosition must be a whole number, not {position!r}",
            prop.pointer,
        )
    return position


def _schema_object(contract: Contract, name: str | None) -> SchemaObject:
    for problem in contract.problems:
        if problem.pointer == "/schema":
            raise _fail(f"{problem.what} must be a list of mappings", "/schema")
    objects = contract.schemas
    if not objects:
        raise ContractError("contract has no schema objects to validate against")
    if name is None:
        return objects[0]
    for obj in objects:
        if obj.name == name:
            return obj
    known = ", ".join(obj.name for obj in objects)
    raise ContractError(f"contract has no schema object named '{name}' (it has: {known})")


def _column(prop: Property) -> ColumnSpec:
    logical_type = prop.logical_type
    if logical_type is not None and logical_type not in LOGICAL_TYPES:
        raise _fail(f"property '{prop.path}': unknown logicalType '{logical_type}'", prop.pointer)
    fields = tuple(_column(child) for child in prop.properties)
    items = _column(prop.items) if prop.items is not None else None
    if logical_type == "vector" and items is None:
        items = ColumnSpec(f"{prop.name}[]", "number", nullable=False)
    return ColumnSpec(
        name=prop.name,
        logical_type=logical_type,
        nullable=not (prop.required or prop.primary_key),
        unique=prop.unique,
        constraints=_constraints(prop),
        fields=fields if logical_type in (None, "object") else (),
        items=items if logical_type in (None, "array", "vector") else None,
        key=_column(prop.key) if prop.key is not None and logical_type == "map" else None,
        value=_column(prop.value) if prop.value is not None and logical_type == "map" else None,
        text_format=_strftime(prop) if logical_type in _TEMPORAL else None,
    )


# Format names that say "ISO 8601", as the JSON Schema formats do.
ISO_FORMATS = ("date", "date-time", "time", "iso", "ISO-8601")
# JDK DateTimeFormatter letters (ODCS `format` of dates and times) as strftime codes.
_JDK_CODES = {
    "yyyy": "%Y",
    "yy": "%y",
    "MM": "%m",
    "dd": "%d",
    "HH": "%H",
    "hh": "%I",
    "mm": "%M",
    "ss": "%S",
    ".SSSSSS": "%.6f",
    ".SSS": "%.3f",
    "SSSSSS": "%6f",
    "SSS": "%3f",
    "a": "%p",
    "XXX": "%:z",
    "Z": "%z",
}
_JDK_TOKEN = re.compile(
    r"'([^']*)'|("
    + "|".join(map(re.escape, sorted(_JDK_CODES, key=len, reverse=True)))
    + ")|([A-Za-z])"
)


def _strftime(prop: Property) -> str | None:
    """The `format` of a date or time as strftime, for text data; None: read ISO text."""
    pattern = prop.options.get("format")
    if not isinstance(pattern, str):
        return None
    parts = []
    for match in _JDK_TOKEN.finditer(pattern):
        literal, code, unknown = match.groups()
        if unknown:
            return None  # not JDK letters (`date-time`): read as ISO, noted
        parts.append(
            (match.start(), match.end(), literal if literal is not None else _JDK_CODES[code])
        )
    text, last = "", 0
    for start, end, replacement in parts:
        text += pattern[last:start].replace("%", "%%") + replacement
        last = end
    return text + pattern[last:].replace("%", "%%")


def _constraints(prop: Property) -> tuple[Constraint, ...]:
    options = prop.options
    name, logical_type = prop.path, prop.logical_type
    if prop.options_malformed:
        raise _fail(f"property '{name}': logicalTypeOptions must be a mapping", prop.pointer)
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
    for kind in _COUNTS:
        value = options.get(kind)
        if value is None:
            continue
        if not _is_number(value) or isinstance(value, float) or value < 0:
            raise _fail(
                f"property '{name}': {kind} must be a whole number, not {value!r}", prop.pointer
            )
        found.append(Constraint(kind, value))
    found += _more_options(prop)
    if prop.enum is not None:
        if not prop.enum:
            raise _fail(f"property '{name}': enum must be a non-empty list", prop.enum_pointer)
        found.append(Constraint("enum", prop.enum))
    for constraint in found:
        _fits(constraint.kind, logical_type, name, prop.pointer)
    return tuple(found)


def _more_options(prop: Property) -> list[Constraint]:
    """multipleOf, uniqueItems, timezone, format, an object's `required` and a vector's size."""
    options, name = prop.options, prop.path
    found: list[Constraint] = []
    multiple = options.get("multipleOf")
    if multiple is not None:
        if not _is_number(multiple) or multiple <= 0:
            raise _fail(
                f"property '{name}': multipleOf must be a number above 0, not {multiple!r}",
                prop.pointer,
            )
        found.append(Constraint("multipleOf", multiple))
    if options.get("uniqueItems") is True:
        found.append(Constraint("uniqueItems", value=True))
    zone = options.get("timezone")
    if isinstance(zone, str) and prop.logical_type == "timestamp":
        found.append(Constraint("timezone", zone))
    text_format = options.get("format")
    if text_format in STRING_FORMATS and prop.logical_type in (None, "string"):
        found.append(Constraint("format", text_format))
    required = options.get("required")
    if isinstance(required, list) and prop.logical_type == "object":
        known = {child.name for child in prop.properties}
        unknown = [field for field in required if field not in known]
        if unknown and prop.properties:
            raise _fail(
                f"property '{name}': required names {unknown[0]!r}, which is not one of its "
                "properties",
                prop.pointer,
            )
        found.append(Constraint("requiredFields", tuple(required)))
    dimensions = options.get("dimensions")
    if prop.logical_type == "vector" and _is_number(dimensions):
        found += [Constraint("minItems", dimensions), Constraint("maxItems", dimensions)]
    return found


def _fits(kind: str, logical_type: Any, name: str, pointer: str) -> None:
    """A constraint on the wrong logicalType (maxLength on a number) can never be checked."""
    if logical_type is None or kind in ("enum", "format", "requiredFields"):
        return
    if kind in _OPTION_TYPES:
        allowed = _OPTION_TYPES[kind]
        if logical_type not in allowed:
            raise _fail(
                f"property '{name}': {kind} applies to logicalType {' or '.join(allowed)}, "
                f"not {logical_type}",
                pointer,
            )
        return
    if logical_type not in (*_NUMERIC, *_TEMPORAL):
        raise _fail(
            f"property '{name}': {kind} applies to numbers, dates and times, "
            f"not to logicalType {logical_type}",
            pointer,
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


def _quality(
    entries: list[Quality],
    prop: Property | None,
    obj: SchemaObject,
    rules: list[QualityRule],
    skipped: list[str],
) -> None:
    column = prop.name if prop is not None else None
    where = f"property '{prop.path or prop.name}'" if prop is not None else "schema"
    for entry in entries:
        kind = entry.type
        if kind in UNRUN_QUALITY_TYPES:
            skipped.append(f"{where}: {kind} quality rule not executed: {entry.label}".rstrip(": "))
            continue
        if kind == "sql":
            rules.append(_sql_rule(entry, prop, obj, where))
            continue
        metric = entry.metric
        if metric not in METRICS:
            raise _fail(f"{where}: unsupported quality metric {metric!r}", entry.pointer)
        if column is None and metric not in ("rowCount", "duplicateValues"):
            raise _fail(f"{where}: {metric} applies to a property, not a schema", entry.pointer)
        if column is not None and metric == "rowCount":
            raise _fail(f"{where}: rowCount applies to a schema, not a property", entry.pointer)
        rules.append(_rule(entry, metric, prop, where))


def _conditions(entry: Quality, where: str) -> tuple[tuple[str, Any], ...]:
    conditions = entry.thresholds
    for name, bound in conditions:
        _threshold(name, bound, where, entry.pointer)
    return conditions


def _sql_rule(entry: Quality, prop: Property | None, obj: SchemaObject, where: str) -> QualityRule:
    """A `type: sql` rule: its query, placeholders filled, returns the number compared."""
    query = entry.query
    if not isinstance(query, str) or not query.strip():
        raise _fail(f"{where}: sql quality rule needs a `query`", entry.pointer)
    conditions = _conditions(entry, f"{where}: sql") or (("mustBe", 0),)
    filled = query.replace("{object}", obj.name).replace("${object}", obj.name)
    if prop is not None:
        filled = filled.replace("{property}", prop.name).replace("${property}", prop.name)
    return QualityRule(
        metric=SQL_METRIC,
        threshold=Threshold(conditions),
        column=prop.name if prop is not None else None,
        query=filled,
        label=entry.label,
    )


def _rule(entry: Quality, metric: str, prop: Property | None, where: str) -> QualityRule:
    conditions = _conditions(entry, f"{where}: {metric}")
    if not conditions:  # no threshold written: none of the counted rows are acceptable
        conditions = (("mustBeGreaterThan", 0),) if metric == "rowCount" else (("mustBe", 0),)
    arguments = _arguments(entry, f"{where}: {metric}")
    unit = entry.unit
    if unit not in ("rows", "percent"):
        raise _fail(
            f"{where}: quality unit must be 'rows' or 'percent', not {unit!r}", entry.pointer
        )
    valid = arguments.get("validValues")
    if metric == "invalidValues" and valid is None and arguments.get("pattern") is None:
        if prop is None or not prop.enum:  # ODCS 3.2: no arguments means "not in the enum"
            raise _fail(
                f"{where}: invalidValues needs arguments.validValues or pattern, or an `enum` "
                "on the property",
                entry.pointer,
            )
        valid = list(prop.enum)
    return QualityRule(
        metric=metric,
        threshold=Threshold(conditions),
        column=prop.name if prop is not None else None,
        unit=unit,
        columns=tuple(arguments.get("properties") or ()),
        missing_values=tuple(v for v in arguments.get("missingValues") or () if v is not None),
        valid_values=tuple(valid) if valid is not None else None,
        pattern=arguments.get("pattern"),
    )


# Quality `arguments` -> the shape each must have, said the way the message says it.
_ARGUMENT_SHAPES: dict[str, tuple[type | tuple[type, ...], str]] = {
    "properties": (list, "a list of property names"),
    "missingValues": (list, "a list of values"),
    "validValues": (list, "a list of values"),
    "pattern": (str, "a regular expression in quotes"),
}


def _arguments(entry: Quality, where: str) -> Mapping[str, Any]:
    """The rule's `arguments`: a mapping whose known keys have the shape ODCS gives them."""
    raw = entry.raw.get("arguments")
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise _fail(
            f"{where}: arguments must be a mapping (for example `validValues: [...]`), "
            f"not {type(raw).__name__} {raw!r}",
            entry.pointer,
        )
    for name, (shape, said) in _ARGUMENT_SHAPES.items():
        value = raw.get(name)
        if value is not None and not isinstance(value, shape):
            raise _fail(f"{where}: arguments.{name} must be {said}, not {value!r}", entry.pointer)
    properties = raw.get("properties") or []
    if not all(isinstance(name, str) for name in properties):
        raise _fail(f"{where}: arguments.properties must name properties as text", entry.pointer)
    pattern = raw.get("pattern")
    if pattern is not None:
        # The pattern runs on polars' engine (linear time), so it is that engine that judges it;
        # Python's `re.compile` raised RecursionError on 1,000 nested groups.
        problem = patterns.problem(pattern)
        if problem is not None:
            raise _fail(
                f"{where}: arguments.pattern {pattern[:200]!r} is not a valid regular expression "
                f"({problem})",
                entry.pointer,
            )
    return raw


def _threshold(operator: str, bound: Any, where: str, pointer: str) -> None:
    """A threshold compares the measure with numbers: one, or [low, high] for the between ones."""
    if operator.endswith("Between"):
        pair = isinstance(bound, list) and len(bound) == 2 and all(map(_is_number, bound))
        if not pair:
            raise _fail(
                f"{where}: {operator} must be two numbers [low, high], not {bound!r}", pointer
            )
    elif not _is_number(bound):
        raise _fail(f"{where}: {operator} must be a number, not {bound!r}", pointer)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


__all__ = ["NESTED_TYPES", "ContractSource", "load_contract", "problems", "table_spec"]
