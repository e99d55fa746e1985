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

# ODCS logical types that a backend maps to a physical dtype family.
LOGICAL_TYPES = ("string", "integer", "number", "boolean", "date", "timestamp", "time")

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
)

# ODCS library quality metrics (`quality[].metric`).
METRICS = ("nullValues", "missingValues", "invalidValues", "duplicateValues", "rowCount")

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
OPERATORS = tuple(_COMPARE)

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

    def describe(self) -> str:
        unit = " percent" if self.unit == "percent" else ""
        return f"{self.metric} {self.threshold.describe()}{unit}"


@dataclass(frozen=True)
class ColumnSpec:
    """One contract property as a column: its type, nullability, uniqueness, constraints."""

    name: str
    logical_type: str | None
    nullable: bool = True
    unique: bool = False
    constraints: tuple[Constraint, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    """One ODCS schema object, ready for any backend."""

    name: str
    columns: tuple[ColumnSpec, ...]
    rules: tuple[QualityRule, ...] = ()
    unique_together: tuple[str, ...] = ()  # a composite primary key
    skipped: tuple[str, ...] = field(default=())  # rules no engine can run (text, sql, custom)

    def column(self, name: str) -> ColumnSpec | None:
        return next((column for column in self.columns if column.name == name), None)
