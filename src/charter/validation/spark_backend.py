"""Turn a `TableSpec` into a pandera schema for Spark data (`pandera.pyspark`).

The same spec as the polars backend, checked by Spark: pandera runs the schema
(column presence, `strict`, nullability, the composite key through its `unique`
config, lazy error collection); each type, constraint and quality metric is a
Spark column expression in a pandera check. The checks of one validation share
one `SparkPlan`, which answers all of them with a single aggregate pass over the
data, and looks at rows again only for the checks that failed (their count and
examples).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandera.pyspark as pa
import pyspark.sql.functions as F  # noqa: N812 - Spark's own convention
import pyspark.sql.types as T  # noqa: N812
from py4j.protocol import Py4JJavaError
from pyspark.errors import PySparkException
from pyspark.sql import Column, DataFrame

from charter.validation.errors import ContractError
from charter.validation.polars_backend import CannotCheck, _descendants, _place
from charter.validation.report import EXAMPLES
from charter.validation.spec import (
    SQL_METRIC,
    STRING_FORMATS,
    ColumnSpec,
    Constraint,
    QualityRule,
    TableSpec,
)

SPARK_ERRORS = (PySparkException, Py4JJavaError)  # what a failed Spark job raises
_INTEGRAL = (T.ByteType, T.ShortType, T.IntegerType, T.LongType)
_TIMESTAMPS = (T.TimestampType, T.TimestampNTZType)


def _is_numeric(dtype: T.DataType) -> bool:
    return isinstance(dtype, T.NumericType)


_SCALARS: dict[str, Callable[[T.DataType], bool]] = {
    "string": lambda d: isinstance(d, T.StringType | T.VarcharType | T.CharType),
    "integer": lambda d: isinstance(d, _INTEGRAL),
    "number": _is_numeric,
    "boolean": lambda d: isinstance(d, T.BooleanType),
    "date": lambda d: isinstance(d, T.DateType),
    "timestamp": lambda d: isinstance(d, _TIMESTAMPS),
    "time": lambda d: isinstance(d, T.TimeType),
}


def fits(spec: ColumnSpec, dtype: T.DataType) -> bool:
    """Whether a Spark column of `dtype` holds `spec`'s type, fields, items, keys and values."""
    if isinstance(dtype, T.NullType):
        return True
    label = spec.logical_type
    if label in _SCALARS:
        return _SCALARS[label](dtype)
    if label == "object" or (label is None and spec.fields):
        if not isinstance(dtype, T.StructType):
            return False
        inner = {f.name: f.dataType for f in dtype.fields}
        if spec.fields and set(inner) != {f.name for f in spec.fields}:
            return False
        return all(fits(f, inner[f.name]) for f in spec.fields)
    if label in ("array", "vector") or (label is None and spec.items is not None):
        if not isinstance(dtype, T.ArrayType):
            return False
        return spec.items is None or fits(spec.items, dtype.elementType)
    if label == "map":
        pair = _map_types(dtype)
        if pair is None:
            return False
        parts = zip((spec.key, spec.value), pair, strict=True)
        return all(part is None or fits(part, inner) for part, inner in parts)
    return True


def _map_types(dtype: T.DataType) -> tuple[T.DataType, T.DataType] | None:
    """Key and value types of a map: Spark `MapType`, or an array of {key, value} structs."""
    if isinstance(dtype, T.MapType):
        return dtype.keyType, dtype.valueType
    if isinstance(dtype, T.ArrayType) and isinstance(dtype.elementType, T.StructType):
        inner = {f.name: f.dataType for f in dtype.elementType.fields}
        if set(inner) == {"key", "value"}:
            return inner["key"], inner["value"]
    return None


@dataclass
class Outcome:
    """What the plan found for one check: failing rows (None: not counted) and examples."""

    failed: bool
    count: int | None = None
    examples: tuple[str, ...] = ()
    reason: str | None = None  # the check could not run: why, in words


@dataclass
class _Entry:
    key: str
    column: str | None
    # given the data's schema: a boolean Column true for offending rows, or None (see `special`)
    offending: Callable[[T.StructType], Column | None]
    accepts: Callable[[int, int], bool] = lambda count, rows: count == 0
    special: Callable[[DataFrame], tuple[int, int]] | None = None  # its own job (duplicates)
    example_column: Column | None = None


@dataclass
class SparkPlan:
    """Every check of one validation, answered by one aggregate job on first use."""

    entries: dict[str, _Entry] = field(default_factory=dict)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    rows: int | None = None

    def add(self, entry: _Entry) -> str:
        self.entries[entry.key] = entry
        return entry.key

    def outcome(self, key: str, frame: DataFrame) -> Outcome:
        if self.rows is None:
            self._run(frame)
        return self.outcomes[key]

    def _run(self, frame: DataFrame) -> None:
        schema = frame.schema
        built: dict[str, Column] = {}
        for key, entry in self.entries.items():
            if entry.column is not None and entry.column not in schema.names:
                # a contract column missing from the data is already its own failure
                self.outcomes[key] = Outcome(False)
                continue
            if entry.special is not None:
                continue
            try:
                expression = entry.offending(schema)
            except CannotCheck as error:
                self.outcomes[key] = Outcome(True, reason=str(error))
                continue
            if expression is None:
                self.outcomes[key] = Outcome(False)
                continue
            built[key] = expression
        counts = _counts(frame, built)
        self.rows = counts.pop("__rows__")
        for key, expression in built.items():
            entry = self.entries[key]
            count = counts.get(key)
            if count is None:  # the expression failed on Spark
                self.outcomes[key] = Outcome(
                    True, reason=f"{key} cannot be computed on these values"
                )
            elif entry.accepts(count, self.rows):
                self.outcomes[key] = Outcome(False)
            else:
                self.outcomes[key] = Outcome(
                    True, count, _examples(frame, expression, entry.example_column)
                )
        for key, entry in self.entries.items():
            if entry.special is not None and key not in self.outcomes:
                self.outcomes[key] = _special(entry, frame, self.rows)


def _counts(frame: DataFrame, built: dict[str, Column]) -> dict[str, int | None]:
    """Offending rows of every expression, and all rows, in one pass over the data."""
    aliases = {key: f"c{index}" for index, key in enumerate(built)}

    def aggregate(keys: list[str]) -> dict[str, int | None]:
        sums = [F.sum(F.when(built[key], 1).otherwise(0)).alias(aliases[key]) for key in keys]
        row = frame.agg(F.count(F.lit(1)).alias("rows"), *sums).collect()[0]
        return {"__rows__": row["rows"], **{key: row[aliases[key]] or 0 for key in keys}}

    try:
        return aggregate(list(built))
    except SPARK_ERRORS:  # one bad check: run them one by one to find it
        result: dict[str, int | None] = {"__rows__": frame.count()}
        for key in built:
            try:
                result[key] = aggregate([key])[key]
            except SPARK_ERRORS:
                result[key] = None
        return result


def _special(entry: _Entry, frame: DataFrame, rows: int) -> Outcome:
    try:
        count, _groups = entry.special(frame)  # type: ignore[misc]
    except CannotCheck as error:
        return Outcome(True, reason=str(error))
    except SPARK_ERRORS:
        return Outcome(True, reason=f"{entry.key} cannot be computed on these values")
    if entry.accepts(count, rows):
        return Outcome(False)
    return Outcome(True, count)


def _examples(frame: DataFrame, offending: Column, value: Column | None) -> tuple[str, ...]:
    if value is None:
        return ()
    try:
        found = frame.filter(offending).select(value.alias("v")).distinct().limit(EXAMPLES)
        return tuple(_text(row["v"]) for row in found.collect())
    except SPARK_ERRORS:
        return ()


def _text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer():
        return str(value)
    return str(value)


def to_pandera_spark(table: TableSpec, plan: SparkPlan) -> pa.DataFrameSchema:
    """The pandera (pyspark) schema for `table`, its checks answered by `plan`.

    Every contract column must be present and no other column may appear (`strict`).
    A composite primary key goes to pandera's `unique` (a single `unique`
    property is a check of the plan: pandera's pyspark columns have no `unique`).
    """
    rules_by_column: dict[str | None, list[QualityRule]] = {}
    for rule in table.rules:
        if rule.metric != SQL_METRIC:
            rules_by_column.setdefault(rule.column, []).append(rule)
    columns = {
        spec.name: _column(spec, rules_by_column.get(spec.name, []), plan) for spec in table.columns
    }
    return pa.DataFrameSchema(
        columns,
        checks=[_quality_check(rule, plan) for rule in rules_by_column.get(None, [])],
        unique=list(table.unique_together) or None,
        strict=True,
        name=table.name,
    )


def _check(plan: SparkPlan, entry: _Entry, name: str, error: str) -> pa.Check:
    key = plan.add(entry)

    def check(data: Any) -> bool:
        frame = getattr(data, "dataframe", data)
        outcome = plan.outcome(key, frame)
        if outcome.reason is not None:
            raise CannotCheck(outcome.reason)
        return not outcome.failed

    return pa.Check(check, name=name, error=error)


def _column(spec: ColumnSpec, rules: list[QualityRule], plan: SparkPlan) -> pa.Column:
    name = spec.name
    checks = [_type_check(spec, plan)]
    if not spec.nullable:
        checks.append(_required_check(name, (), plan))
    if spec.unique:
        checks.append(_unique_check(name, plan))
    checks += [_constraint_check(name, c, plan) for c in spec.constraints]
    for inner, steps in _descendants(spec)[1:]:
        if not inner.nullable:
            checks.append(_required_check(name, steps, plan))
        checks += [_constraint_check(name, c, plan, steps) for c in inner.constraints]
    checks += [_quality_check(rule, plan) for rule in rules]
    # nullable=True: `required` is a check of the plan, counted in its one pass, where
    # pandera's own nullable check would run one Spark job per column and count nothing
    return pa.Column(None, checks=checks, nullable=True, name=name)


def _type_check(spec: ColumnSpec, plan: SparkPlan) -> pa.Check:
    """The logical type against Spark's schema: any width of its kind (IntegerType: integer)."""
    label = f"type {spec.describe_type()}"

    def offending(schema: T.StructType) -> Column | None:
        return None if fits(spec, schema[spec.name].dataType) else F.lit(True)

    entry = _Entry(f"{spec.name}:{label}", spec.name, offending)
    return _check(plan, entry, "dtype", label)


def _unique_check(name: str, plan: SparkPlan) -> pa.Check:
    def special(frame: DataFrame) -> tuple[int, int]:
        values = frame.select(F.col(name).alias("v")).where(F.col("v").isNotNull())
        dupes = values.groupBy("v").count().where(F.col("count") > 1)
        row = dupes.agg(F.sum("count").alias("rows"), F.count(F.lit(1)).alias("groups")).first()
        return (row["rows"] or 0), row["groups"]

    entry = _Entry(f"{name}:unique", name, lambda _: None, special=special)
    return _check(plan, entry, "unique", "unique")


def _required_check(name: str, steps: tuple, plan: SparkPlan) -> pa.Check:
    label = f"{_place(name, steps)}: required (no nulls)" if steps else "required (no nulls)"

    def offending(schema: T.StructType) -> Column:
        valid = _along(F.col(name), schema[name].dataType, steps, lambda c, _d: c.isNotNull())
        return ~valid

    example = F.col(name) if steps else None
    entry = _Entry(f"{name}:{label}", name, offending, example_column=example)
    return _check(plan, entry, "required", label)


def _field_names(dtype: T.DataType) -> set[str]:
    return set(dtype.names) if isinstance(dtype, T.StructType) else set()


def _multiple_of(column: Column, step: float) -> Column:
    """A whole number of steps, allowing float rounding; Spark's % keeps the dividend's sign."""
    remainder = column % F.lit(step)
    near = [F.abs(remainder - F.lit(s)) < 1e-9 for s in (0, step, -step)]
    return near[0] | near[1] | near[2]


def _entries(column: Column, dtype: T.DataType) -> Column:
    """How many properties a value has: map entries, or the struct fields that are not null."""
    if isinstance(dtype, T.StructType):
        present = [F.when(column.getField(n).isNotNull(), 1).otherwise(0) for n in dtype.names]
        total = present[0]
        for item in present[1:]:
            total = total + item
        return total if present else F.lit(0)
    return F.size(column)


def _same_zone(dtype: T.DataType, zone: str) -> bool:
    """ODCS `timezone`: Spark's TimestampType holds instants (UTC); TimestampNTZ holds none."""
    if isinstance(dtype, T.TimestampNTZType):
        return zone.upper() in ("", "NONE", "LOCAL")
    return zone.upper() in ("UTC", "Z", "+00:00")


_CONSTRAINTS: dict[str, Callable[[Column, Any, T.DataType], Column]] = {
    "minimum": lambda c, v, _: c >= F.lit(v),
    "maximum": lambda c, v, _: c <= F.lit(v),
    "exclusiveMinimum": lambda c, v, _: c > F.lit(v),
    "exclusiveMaximum": lambda c, v, _: c < F.lit(v),
    # ODCS patterns follow JSON Schema: a match anywhere, anchors written explicitly.
    "pattern": lambda c, v, _: c.rlike(v),
    "minLength": lambda c, v, _: F.char_length(c) >= v,
    "maxLength": lambda c, v, _: F.char_length(c) <= v,
    "enum": lambda c, v, dtype: _is_in(c, v, dtype),  # noqa: PLW0108 - defined below
    "format": lambda c, v, _: c.rlike(STRING_FORMATS[v]),
    "multipleOf": lambda c, v, _: _multiple_of(c, v),
    "minItems": lambda c, v, _: F.size(c) >= v,
    "maxItems": lambda c, v, _: F.size(c) <= v,
    "uniqueItems": lambda c, v, _: F.size(c) == F.size(F.array_distinct(c)),
    "minProperties": lambda c, v, dtype: _entries(c, dtype) >= v,
    "maxProperties": lambda c, v, dtype: _entries(c, dtype) <= v,
    "requiredFields": lambda c, v, dtype: _all(
        [c.getField(n).isNotNull() if n in _field_names(dtype) else F.lit(False) for n in v]
    ),
    "timezone": lambda c, v, dtype: F.lit(_same_zone(dtype, v)),
}


def _all(conditions: list[Column]) -> Column:
    result = F.lit(True)
    for condition in conditions:
        result = result & condition
    return result


_LISTS = ("lists", lambda d: isinstance(d, T.ArrayType))
_NEEDS: dict[str, tuple[str, Callable[[T.DataType], bool]]] = {
    "minItems": _LISTS,
    "maxItems": _LISTS,
    "uniqueItems": _LISTS,
    "minProperties": (
        "maps or objects",
        lambda d: isinstance(d, T.MapType | T.StructType | T.ArrayType),
    ),
    "maxProperties": (
        "maps or objects",
        lambda d: isinstance(d, T.MapType | T.StructType | T.ArrayType),
    ),
    "requiredFields": ("objects", lambda d: isinstance(d, T.StructType)),
    "timezone": ("timestamps", lambda d: isinstance(d, _TIMESTAMPS)),
    "multipleOf": ("numbers", _is_numeric),
}
_TEXT = ("text", _SCALARS["string"])


def _needs(constraint: Constraint) -> tuple[str, Callable[[T.DataType], bool]] | None:
    """The kind of values the constraint compares, in words, and which types hold them."""
    if constraint.kind in ("pattern", "minLength", "maxLength", "format"):
        return _TEXT
    if constraint.kind in _NEEDS:
        return _NEEDS[constraint.kind]
    if constraint.kind == "enum":
        return None
    value = constraint.value
    if isinstance(value, dt.datetime):
        return "timestamps", lambda d: isinstance(d, _TIMESTAMPS)
    if isinstance(value, dt.date):
        return "dates", lambda d: isinstance(d, (T.DateType, *_TIMESTAMPS))
    if isinstance(value, dt.time):
        return "times", lambda d: isinstance(d, T.TimeType)
    return "numbers", _is_numeric


def _kind(dtype: T.DataType) -> str:
    """The kind of values a type holds, as a reader of the report would say it."""
    if _SCALARS["string"](dtype):
        return "text"
    if _is_numeric(dtype):
        return "numbers"
    if isinstance(dtype, T.BooleanType):
        return "true/false values"
    if isinstance(dtype, T.DateType):
        return "dates"
    if isinstance(dtype, _TIMESTAMPS):
        return "timestamps"
    return f"{dtype.simpleString()} values"


def _constraint_check(
    name: str, constraint: Constraint, plan: SparkPlan, steps: tuple = ()
) -> pa.Check:
    """A check on the column `name`, or (`steps`) on what nests in it at every depth."""
    build = _CONSTRAINTS[constraint.kind]

    def leaf(column: Column, dtype: T.DataType) -> Column:
        need = _needs(constraint)
        # an all-null column (NullType) has no values to compare: nothing to refuse
        if need is not None and not isinstance(dtype, T.NullType) and not need[1](dtype):
            kinds = f"the column holds {_kind(dtype)}, and {constraint.kind} needs {need[0]}"
            raise CannotCheck(kinds)
        return build(column, constraint.value, dtype)

    def offending(schema: T.StructType) -> Column:
        valid = _along(F.col(name), schema[name].dataType, steps, leaf)
        return F.coalesce(~valid, F.lit(False))

    label = constraint.describe()
    if steps:
        label = f"{_place(name, steps)}: {label}"
    entry = _Entry(f"{name}:{label}", name, offending, example_column=F.col(name))
    return _check(plan, entry, constraint.kind, label)


def _inner(dtype: T.DataType, kind: str, field_name: str | None) -> T.DataType:
    if isinstance(dtype, T.NullType):
        return dtype
    if kind == "field":
        inner = {f.name: f.dataType for f in getattr(dtype, "fields", [])}
        return inner.get(field_name, T.NullType())
    if kind == "items":
        return getattr(dtype, "elementType", T.NullType())
    pair = _map_types(dtype)
    return T.NullType() if pair is None else pair[0 if kind == "key" else 1]


def _along(column: Column, dtype: T.DataType, steps: tuple, leaf) -> Column:
    """`leaf` applied where `steps` lead; a list holds when every item does (null: no value)."""
    if not steps:
        return leaf(column, dtype)
    (kind, field_name), rest = steps[0], steps[1:]
    inner = _inner(dtype, kind, field_name)
    if isinstance(dtype, T.NullType):
        return F.lit(None).cast("boolean")
    if kind == "field":
        if field_name not in _field_names(dtype):
            return F.lit(None).cast("boolean")
        value = _along(column.getField(field_name), inner, rest, leaf)
        return F.when(column.isNull(), F.lit(None)).otherwise(value)
    if kind == "items":
        elements = column
    elif isinstance(dtype, T.MapType):
        elements = F.map_keys(column) if kind == "key" else F.map_values(column)
    else:
        elements = F.transform(column, lambda x: x.getField(kind))
    return F.forall(elements, lambda x: F.coalesce(_along(x, inner, rest, leaf), F.lit(True)))


def _typed(values: tuple[Any, ...], dtype: T.DataType) -> list[Any]:
    """The listed values in the column's type; those that cannot be ("N/A" for a number) drop."""
    out: list[Any] = []
    for value in values:
        if value is None:
            continue
        try:
            if isinstance(dtype, _INTEGRAL):
                number = float(str(value))
                if number.is_integer():
                    out.append(int(number))
            elif _is_numeric(dtype):
                out.append(float(str(value)))
            elif isinstance(dtype, T.BooleanType):
                text = str(value).strip().lower()
                if text in ("true", "false"):
                    out.append(text == "true")
            elif _SCALARS["string"](dtype):
                out.append(str(value))
            else:
                out.append(value)
        except ValueError:
            continue
    return out


def _is_in(column: Column, values: tuple[Any, ...], dtype: T.DataType) -> Column:
    typed = _typed(values, dtype)
    return column.isin(typed) if typed else F.lit(False)


def _rule_column(rule: QualityRule, schema: T.StructType) -> tuple[Column, T.DataType]:
    column = F.col(rule.column or "")
    dtype = schema[rule.column].dataType
    for name in rule.field_path:  # a rule on a field of a struct column
        dtype = _inner(dtype, "field", name)
        column = column.getField(name)
    return column, dtype


def offending_rows(rule: QualityRule, schema: T.StructType) -> Column | None:
    """Rows counted by the rule's metric, as a boolean Column (None for rowCount, duplicates)."""
    if rule.metric in ("rowCount", "duplicateValues"):
        return None
    column, dtype = _rule_column(rule, schema)
    if rule.metric == "nullValues":
        return column.isNull()
    if rule.metric == "missingValues":
        sentinels = _typed(rule.missing_values, dtype)
        return column.isNull() | (column.isin(sentinels) if sentinels else F.lit(False))
    valid = F.lit(True)
    if rule.valid_values is not None:
        valid = valid & _is_in(column, rule.valid_values, dtype)
    if rule.pattern is not None:
        valid = valid & column.cast("string").rlike(rule.pattern)
    return column.isNotNull() & ~F.coalesce(valid, F.lit(False))


def _duplicates(rule: QualityRule) -> Callable[[DataFrame], tuple[int, int]]:
    """Rows whose value (or combination) occurs more than once, nulls aside."""

    def special(frame: DataFrame) -> tuple[int, int]:
        if rule.column is not None:
            column, _ = _rule_column(rule, frame.schema)
            keys = [column.alias("k0")]
        else:
            names = list(rule.columns or frame.columns)
            keys = [F.col(name).alias(f"k{i}") for i, name in enumerate(names)]
        aliases = [f"k{i}" for i in range(len(keys))]
        values = frame.select(*keys).dropna(subset=aliases)
        dupes = values.groupBy(*aliases).count().where(F.col("count") > 1)
        row = dupes.agg(F.sum("count").alias("rows"), F.count(F.lit(1)).alias("groups")).first()
        return (row["rows"] or 0), row["groups"]

    return special


def _quality_check(rule: QualityRule, plan: SparkPlan) -> pa.Check:
    """A pandera check that passes when the rule's measure meets its threshold."""
    needed = [rule.column] if rule.column else list(rule.columns)

    def accepts(count: int, rows: int) -> bool:
        if rule.metric == "rowCount":
            return rule.threshold.accepts(rows)
        if rule.unit == "percent":
            return rule.threshold.accepts(100.0 * count / rows if rows else 0.0)
        return rule.threshold.accepts(count)

    def offending(schema: T.StructType) -> Column | None:
        if not set(needed) <= set(schema.names):
            return None  # a contract column missing from the data is already its own failure
        if rule.metric == "rowCount":
            return F.lit(False)
        return offending_rows(rule, schema)

    special = None
    if rule.metric == "duplicateValues":
        inner = _duplicates(rule)

        def special(frame: DataFrame) -> tuple[int, int]:
            if not set(needed) <= set(frame.columns):
                return 0, 0
            return inner(frame)

    key = f"{rule.column}:{rule.describe()}:{len(plan.entries)}"
    example = F.col(rule.column) if rule.column and rule.metric != "rowCount" else None
    entry = _Entry(key, rule.column, offending, accepts, special, example)
    return _check(plan, entry, rule.metric, rule.describe())


def check_patterns(table: TableSpec, spark: Any) -> None:
    """Refuse a pattern Java's regex engine cannot compile, before any data is read."""
    patterns = [
        (spec.name, constraint.value)
        for column in table.columns
        for spec, _steps in _descendants(column)
        for constraint in spec.constraints
        if constraint.kind == "pattern"
    ]
    patterns += [(rule.column, rule.pattern) for rule in table.rules if rule.pattern is not None]
    for column, pattern in patterns:
        try:
            spark.range(1).select(F.lit("").rlike(pattern)).collect()
        except SPARK_ERRORS:
            where = f"property '{column}'" if column else "schema"
            raise ContractError(
                f"{where}: pattern {pattern!r} is not a valid regular expression"
            ) from None
