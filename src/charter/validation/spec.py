"""The engine-neutral form of a contract: what must hold, not how an engine checks it.

A contract compiles to a `TableSpec` first. Each backend (today polars via
pandera; tomorrow pyspark via pandera's pyspark backend) turns the same spec into
its own schema, so the reading of ODCS happens exactly once.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from charter.formats.contract import OPERATORS

# ODCS logical types that a backend maps to a physical dtype family.
SCALAR_TYPES = ("string", "integer", "number", "boolean", "date", "timestamp", "time")
# Logical types that hold other values: fields, items, keys and values (ODCS v3.1, v3.2).
NESTED_TYPES = ("object", "array", "map", "vector")
LOGICAL_TYPES = SCALAR_TYPES + NESTED_TYPES

# Value constraints on one column, named after ODCS `logicalTypeOptions` keys.
CONSTRAINT_KINDS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "pattern",
    "minLength",
    "maxLength",
    "enum",
    "format",
    "timezone",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "requiredFields",
)

# String formats (ODCS `format` examples) as the patterns valid values match.
STRING_FORMATS = {
    "email": r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
    "uuid": r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
    "uri": r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$",
    "hostname": r"^[A-Za-z0-9]([A-Za-z0-9\-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9\-]{0,61}[A-Za-z0-9])?)*$",  # noqa: E501
    "ipv4": r"^((25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(25[0-5]|2[0-4]\d|1?\d?\d)$",
    "ipv6": r"^[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*$",
    "byte": r"^[A-Za-z0-9+/]*={0,2}$",
    "date": r"^\d{4}-\d{2}-\d{2}$",
    "date-time": r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$",
    "time": r"^\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})?$",
}
# How a `date` written as text reads without a contract `format`, on every engine:
# an ISO 8601 calendar date and nothing after it (a timestamp is not a date).
DATE_TEXT = r"^\d{4}-\d{1,2}-\d{1,2}$"
# Formats that say nothing a value can break (`password`: hidden in UIs; `binary`: any bytes).
ADVISORY_FORMATS = ("password", "binary")

# ODCS library quality metrics (`quality[].metric`).
METRICS = ("nullValues", "missingValues", "invalidValues", "duplicateValues", "rowCount")
# A quality rule of `type: sql`: its query returns one number, compared to the threshold.
SQL_METRIC = "sql"

_COMPARE: dict[str, Callable[[float, Any], bool]] = {
    "mustBe": operator.eq,
    "mustNotBe": operator.ne,
    "mustBeGreaterThan": operator.gt,
    "mustBeGreaterOrEqualTo": operator.ge,
    "mustBeLessThan": operator.lt,
    "mustBeLessOrEqualTo": operator.le,
    "mustBeBetween": lambda value, bounds: bounds[0] <= value <= bounds[1],
    "mustNotBeBetween": lambda value, bounds: not bounds[0] <= value <= bounds[1],
}
assert tuple(_COMPARE) == OPERATORS, "every ODCS operator has its comparison"

_SYMBOLS = {
    "mustBe": "==",
    "mustNotBe": "!=",
    "mustBeGreaterThan": ">",
    "mustBeGreaterOrEqualTo": ">=",
    "mustBeLessThan": "<",
    "mustBeLessOrEqualTo": "<=",
    "mustBeBetween": "between",
    "mustNotBeBetween": "not between",
}


@dataclass(frozen=True)
class Threshold:
    """`mustBe...` operators of one quality rule; all of them must accept the measure."""

    conditions: tuple[tuple[str, Any], ...]

    def accepts(self, measured: float) -> bool:
        return all(_COMPARE[name](measured, bound) for name, bound in self.conditions)

    def describe(self) -> str:
        return " and ".join(f"{_SYMBOLS[name]} {_bound(bound)}" for name, bound in self.conditions)


def _bound(bound: Any) -> str:
    if isinstance(bound, list | tuple):
        return f"{bound[0]}..{bound[1]}"
    return str(bound)


@dataclass(frozen=True)
class Constraint:
    """Every non-null value of the column must satisfy this (ODCS logicalTypeOptions, enum)."""

    kind: str
    value: Any

    def describe(self) -> str:
        if self.kind == "enum":
            return f"enum {list(self.value)}"
        if self.value is True:
            return self.kind
        if self.kind == "requiredFields":
            return f"required fields {', '.join(self.value)}"
        return f"{self.kind} {self.value}"


@dataclass(frozen=True)
class QualityRule:
    """An ODCS library quality rule: a measure over the table compared to a threshold.

    `column` is None for schema-level rules. Counting metrics measure offending rows,
    or their share of all rows when `unit` is "percent"; `rowCount` measures rows.
    """

    metric: str
    threshold: Threshold
    column: str | None = None
    unit: str = "rows"
    columns: tuple[str, ...] = ()  # schema-level duplicateValues: the combination checked
    missing_values: tuple[Any, ...] = ()  # missingValues: values that count as missing
    valid_values: tuple[Any, ...] | None = None  # invalidValues: the allowed values
    pattern: str | None = None  # invalidValues: the pattern valid values match
    query: str | None = None  # sql: the query, `{object}`/`{property}` already filled in
    label: str = ""  # sql: the rule's name or description, for the report
    field_path: tuple[str, ...] = ()  # a rule on a struct field: the fields below `column`

    def describe(self) -> str:
        unit = " percent" if self.unit == "percent" else ""
        name = f"sql {self.label!r}" if self.metric == SQL_METRIC and self.label else self.metric
        where = f"{'.'.join((self.column or '', *self.field_path))}: " if self.field_path else ""
        return f"{where}{name} {self.threshold.describe()}{unit}"


@dataclass(frozen=True)
class ColumnSpec:
    """One contract property as a column: its type, nullability, uniqueness, constraints.

    A nested property nests specs: an `object` has `fields`, an `array` (and a
    `vector`) has `items`, a `map` has `key` and `value`; `name` is then the field's
    name, or the element's place (`tags[]`).
    """

    name: str
    logical_type: str | None
    nullable: bool = True
    unique: bool = False
    constraints: tuple[Constraint, ...] = ()
    fields: tuple[ColumnSpec, ...] = ()
    items: ColumnSpec | None = None
    key: ColumnSpec | None = None
    value: ColumnSpec | None = None
    text_format: str | None = None  # dates and times written as text: strftime pattern

    def describe_type(self) -> str:
        """The logical type with what nests in it: `object{name: string, tags: array<string>}`."""
        label = self.logical_type or "any"
        if self.fields:
            inner = ", ".join(f"{f.name}: {f.describe_type()}" for f in self.fields)
            return f"{label}{{{inner}}}"
        if self.items is not None:
            return f"{label}<{self.items.describe_type()}>"
        if self.key is not None or self.value is not None:
            key = self.key.describe_type() if self.key else "any"
            value = self.value.describe_type() if self.value else "any"
            return f"{label}<{key}, {value}>"
        return label


@dataclass(frozen=True)
class TableSpec:
    """One ODCS schema object, ready for any backend."""

    name: str
    columns: tuple[ColumnSpec, ...]
    rules: tuple[QualityRule, ...] = ()
    unique_together: tuple[str, ...] = ()  # a composite primary key
    skipped: tuple[str, ...] = field(default=())  # rules no engine can run (text, custom)
    aliases: tuple[str, ...] = ()  # names SQL rules may use for the table (physicalName)

    def column(self, name: str) -> ColumnSpec | None:
        return next((column for column in self.columns if column.name == name), None)
