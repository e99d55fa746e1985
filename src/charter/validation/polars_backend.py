"""Turn a `TableSpec` into a pandera schema for polars data.

pandera runs the schema (column presence, dtypes, nullability, lazy error
collection); each ODCS constraint and quality metric is a polars expression
wrapped in a pandera check that asks one aggregate question before it looks at
rows, so valid data costs one pass per check. A pyspark backend maps the same
spec to pandera's pyspark checks (docs/guide/validation.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData
from pandera.dtypes import immutable
from pandera.engines import polars_engine

from charter.validation.errors import ContractError
from charter.validation.spec import (
    SQL_METRIC,
    STRING_FORMATS,
    ColumnSpec,
    Constraint,
    QualityRule,
    TableSpec,
)

FAILURE_ROWS = 1_000
"""Failing rows pandera keeps per check: the report shows a few, the count comes from all."""


class CannotCheck(Exception):  # noqa: N818 - a finding about data, not a program error
    """A check cannot run on this data (wrong kind of values); the message says why in words.

    pandera keeps only `ClassName("message")` of an exception raised in a check;
    `pandera_errors.cannot_check_reason` reads the message back.
    """


@immutable
class LogicalType(polars_engine.DataType):
    """An ODCS logical type: accepts every physical width of its kind (Int32 is an integer)."""

    label: ClassVar[str] = "any"

    @staticmethod
    def accepts(dtype: pl.DataType) -> bool:
        return True

    def check(self, pandera_dtype: Any, data_container: Any = None) -> bool:
        dtype = _polars_dtype(pandera_dtype)
        if dtype is None:
            return False
        return dtype == pl.Null or self.accepts(dtype)  # an all-null column has no type yet

    def __str__(self) -> str:
        return self.label


def _polars_dtype(pandera_dtype: Any) -> pl.DataType | None:
    """The polars dtype pandera saw; pandera cannot box some (`Map`), which pass as they are."""
    try:
        return polars_engine.Engine.dtype(pandera_dtype).type
    except TypeError:
        return pandera_dtype if isinstance(pandera_dtype, pl.DataType) else None


def _logical_type(
    label: str, polars_type: Any, accepts: Callable[[pl.DataType], bool]
) -> type[LogicalType]:
    """A pandera data type for one ODCS logical type; `polars_type` is what it coerces to."""
    namespace = {"type": polars_type, "label": label, "accepts": staticmethod(accepts)}
    return immutable(type(f"{label.title()}Type", (LogicalType,), namespace))


DTYPES: dict[str, type[LogicalType]] = {
    cls.label: cls
    for cls in (
        _logical_type(
            "string",
            pl.String,
            lambda dtype: dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum),
        ),
        _logical_type("integer", pl.Int64, lambda dtype: dtype.is_integer()),
        _logical_type("number", pl.Float64, lambda dtype: dtype.is_numeric()),
        _logical_type("boolean", pl.Boolean, lambda dtype: dtype == pl.Boolean),
        _logical_type("date", pl.Date, lambda dtype: dtype == pl.Date),
        _logical_type("timestamp", pl.Datetime("us"), lambda d: isinstance(d, pl.Datetime)),
        _logical_type("time", pl.Time, lambda dtype: dtype == pl.Time),
    )
}


def fits(spec: ColumnSpec, dtype: pl.DataType) -> bool:
    """Whether a column of `dtype` holds `spec`'s type, fields, items, keys and values."""
    if dtype == pl.Null:
        return True
    label = spec.logical_type
    if label in DTYPES:
        return DTYPES[label].accepts(dtype)
    if label == "object" or (label is None and spec.fields):
        if not isinstance(dtype, pl.Struct):
            return False
        inner = {f.name: f.dtype for f in dtype.fields}
        if spec.fields and set(inner) != {f.name for f in spec.fields}:
            return False
        return all(fits(f, inner[f.name]) for f in spec.fields)
    if label in ("array", "vector") or (label is None and spec.items is not None):
        if not isinstance(dtype, pl.List | pl.Array):
            return False
        return spec.items is None or fits(spec.items, dtype.inner)
    if label == "map":
        pair = _map_types(dtype)
        if pair is None:
            return False
        parts = zip((spec.key, spec.value), pair, strict=True)
        return all(part is None or fits(part, dtype) for part, dtype in parts)
    return True


def _map_types(dtype: pl.DataType) -> tuple[pl.DataType, pl.DataType] | None:
    """Key and value dtypes of a map: polars `Map`, or a list of {key, value} structs."""
    if isinstance(dtype, pl.Map):
        return dtype.key, dtype.value
    if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Struct):
        fields = {f.name: f.dtype for f in dtype.inner.fields}
        if set(fields) == {"key", "value"}:
            return fields["key"], fields["value"]
    return None


@immutable(init=True)
class NestedType(polars_engine.DataType):
    """An ODCS object, array or map with what nests in it; `str` shows the whole shape."""

    spec: Any = None
    type: Any = dataclasses.field(default=pl.Object, repr=False, init=False)

    def check(self, pandera_dtype: Any, data_container: Any = None) -> bool:
        dtype = _polars_dtype(pandera_dtype)
        return dtype is not None and fits(self.spec, dtype)

    def __str__(self) -> str:
        return self.spec.describe_type()


def to_pandera(table: TableSpec) -> pa.DataFrameSchema:
    """The pandera schema for `table`.

    Every contract column must be present and no other column may appear (`strict`):
    a column nobody documented is a gap in the data dictionary.
    """
    _check_patterns(table)
    rules_by_column: dict[str | None, list[QualityRule]] = {}
    for rule in table.rules:
        rules_by_column.setdefault(rule.column, []).append(rule)
    columns = {
        spec.name: _column(spec, rules_by_column.get(spec.name, [])) for spec in table.columns
    }
    rules_by_column.pop(None, None)
    table_rules = [rule for rule in table.rules if rule.column is None]
    return pa.DataFrameSchema(
        columns,
        checks=[_quality_check(rule) for rule in table_rules if rule.metric != SQL_METRIC],
        unique=list(table.unique_together) or None,
        strict=True,
        name=table.name,
    )


def _check_patterns(table: TableSpec) -> None:
    """Refuse a pattern polars cannot compile, before any data is read."""
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
            pl.Series([""], dtype=pl.String).str.contains(pattern)
        except pl.exceptions.PolarsError:
            where = f"property '{column}'" if column else "schema"
            raise ContractError(
                f"{where}: pattern {pattern!r} is not a valid regular expression"
            ) from None


def _column(spec: ColumnSpec, rules: list[QualityRule]) -> pa.Column:
    nested = spec.fields or spec.items or spec.key or spec.value
    if nested or spec.logical_type in ("object", "array", "vector", "map"):
        dtype = NestedType(spec)
    else:
        dtype = DTYPES[spec.logical_type]() if spec.logical_type else None
    return pa.Column(
        dtype,
        checks=([_unique_check(spec.name)] if spec.unique else [])
        + [_constraint_check(spec.name, c) for c in spec.constraints]
        + _nested_checks(spec)
        + [_quality_check(rule) for rule in rules if rule.metric != SQL_METRIC],
        nullable=spec.nullable,
        required=True,
        name=spec.name,
    )


# Each ODCS constraint as a polars expression that is true for valid values (null for nulls),
# given the column, the contract's value and the column's dtype in the data.
_CONSTRAINTS: dict[str, Callable[[pl.Expr, Any, pl.DataType], pl.Expr]] = {
    "minimum": lambda column, v, _: column >= v,
    "maximum": lambda column, v, _: column <= v,
    "exclusiveMinimum": lambda column, v, _: column > v,
    "exclusiveMaximum": lambda column, v, _: column < v,
    # ODCS patterns follow JSON Schema: a match anywhere, anchors written explicitly.
    "pattern": lambda column, v, _: column.str.contains(v),
    "minLength": lambda column, v, _: column.str.len_chars() >= v,
    "maxLength": lambda column, v, _: column.str.len_chars() <= v,
    "enum": lambda column, v, dtype: column.is_in(_as_values(v, dtype).implode()),
    "format": lambda column, v, _: column.str.contains(STRING_FORMATS[v]),
    "multipleOf": lambda column, v, _: _multiple_of(column, v),
    "minItems": lambda column, v, dtype: _length(column, dtype) >= v,
    "maxItems": lambda column, v, dtype: _length(column, dtype) <= v,
    "uniqueItems": lambda column, v, dtype: _length(column, dtype) == _items(column, dtype),
    "minProperties": lambda column, v, dtype: _entries(column, dtype) >= v,
    "maxProperties": lambda column, v, dtype: _entries(column, dtype) <= v,
    "requiredFields": lambda column, v, dtype: pl.all_horizontal(
        column.struct.field(name).is_not_null() if name in _field_names(dtype) else pl.lit(False)
        for name in v
    ),
    "timezone": lambda column, v, dtype: pl.lit(_same_zone(dtype, v)),
}


def _field_names(dtype: pl.DataType) -> set[str]:
    return {f.name for f in dtype.fields} if isinstance(dtype, pl.Struct) else set()


def _length(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    return column.arr.len() if isinstance(dtype, pl.Array) else column.list.len()


def _multiple_of(column: pl.Expr, step: float) -> pl.Expr:
    """A whole number of steps, allowing the rounding of floats (0.3 is a multiple of 0.1)."""
    remainder = column % step
    return (remainder.abs() < 1e-9) | ((remainder - step).abs() < 1e-9)


def _items(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if isinstance(dtype, pl.Array):
        column = column.arr.to_list()
    return column.list.n_unique()


def _entries(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """How many properties a value has: map entries, or the struct fields that are not null."""
    if isinstance(dtype, pl.Map):
        return column.map.len()
    if isinstance(dtype, pl.Struct):
        return pl.sum_horizontal(column.struct.field(f.name).is_not_null() for f in dtype.fields)
    return column.list.len()


def _same_zone(dtype: pl.DataType, zone: str) -> bool:
    """ODCS `timezone`: the timestamps' zone (`UTC`, `Europe/Paris`); naive ones have none."""
    actual = getattr(dtype, "time_zone", None)
    if actual is None:
        return zone.upper() in ("", "NONE", "LOCAL")
    return actual == zone or (zone.upper() in ("UTC", "Z", "+00:00") and actual in ("UTC", "Z"))


def _constraint_check(name: str, constraint: Constraint, steps: tuple = ()) -> pa.Check:
    """A check on the column `name`, or (`steps`) on what nests in it at every depth."""
    build = _CONSTRAINTS[constraint.kind]

    def valid(schema: pl.Schema) -> pl.Expr:
        dtype = _inner_dtype(schema[name], steps)

        def leaf(column: pl.Expr, dtype: pl.DataType = dtype) -> pl.Expr:
            if isinstance(dtype, pl.Categorical | pl.Enum):
                column, dtype = column.cast(pl.String), pl.String
            need = _needs(constraint)
            # an all-null column (dtype Null) has no values to compare: nothing to refuse
            if need is not None and dtype != pl.Null and not need[1](dtype):
                kinds = f"the column holds {_kind(dtype)}, and {constraint.kind} needs {need[0]}"
                raise CannotCheck(kinds)
            return build(column, constraint.value, dtype)

        return _along(pl.col(name), schema[name], steps, leaf)

    label = constraint.describe()
    if steps:
        label = f"{_place(name, steps)}: {label}"
    return _fast_check(valid, constraint.kind, label)


def _descendants(spec: ColumnSpec, steps: tuple = ()) -> list[tuple[ColumnSpec, tuple]]:
    """The spec and every spec nested in it, with the steps that lead there from the column."""
    found = [(spec, steps)]
    for field in spec.fields:
        found += _descendants(field, (*steps, ("field", field.name)))
    for part in ("items", "key", "value"):
        inner = getattr(spec, part)
        if inner is not None:
            found += _descendants(inner, (*steps, (part, None)))
    return found


def _place(name: str, steps: tuple) -> str:
    """`metadata.name`, `values[]`, `prefs{key}`: where a nested value sits."""
    text = name
    for kind, field in steps:
        text += f".{field}" if kind == "field" else "[]" if kind == "items" else f"{{{kind}}}"
    return text


def _inner_dtype(dtype: pl.DataType, steps: tuple) -> pl.DataType:
    for kind, field in steps:
        if dtype == pl.Null:
            return dtype
        if kind == "field":
            dtype = next((f.dtype for f in dtype.fields if f.name == field), pl.Null)
        elif kind == "items":
            dtype = dtype.inner
        else:
            pair = _map_types(dtype)
            dtype = pl.Null if pair is None else pair[0 if kind == "key" else 1]
    return dtype


def _along(column: pl.Expr, dtype: pl.DataType, steps: tuple, leaf) -> pl.Expr:
    """`leaf` applied where `steps` lead; a list holds when every item does (null: no value)."""
    if not steps:
        return leaf(column)
    (kind, field), rest = steps[0], steps[1:]
    if kind == "field":
        inner = _inner_dtype(dtype, steps[:1])
        return (
            pl.when(column.is_null())
            .then(None)
            .otherwise(_along(column.struct.field(field), inner, rest, leaf))
        )
    if kind == "items":
        elements = column.arr.to_list() if isinstance(dtype, pl.Array) else column
    elif isinstance(dtype, pl.Map):
        elements = column.map.keys() if kind == "key" else column.map.values()
    else:
        elements = column.list.eval(pl.element().struct.field(kind))
    inner = _inner_dtype(dtype, steps[:1])
    each = _along(pl.element(), inner, rest, leaf).fill_null(value=True)
    return elements.list.eval(each).list.all()


def _nested_checks(spec: ColumnSpec) -> list[pa.Check]:
    """Constraints and `required` of fields, items, keys and values, at every depth."""
    checks = []
    for inner, steps in _descendants(spec)[1:]:
        if not inner.nullable:
            required = Constraint("required", value=True)
            checks.append(_required_check(spec.name, steps, required))
        checks += [_constraint_check(spec.name, c, steps) for c in inner.constraints]
    return checks


def _required_check(name: str, steps: tuple, constraint: Constraint) -> pa.Check:
    def valid(schema: pl.Schema) -> pl.Expr:
        return _along(pl.col(name), schema[name], steps, lambda column: column.is_not_null())

    return _fast_check(valid, "required", f"{_place(name, steps)}: required (no nulls)")


_TEXT = ("text", lambda dtype: dtype == pl.String)


_NEEDS: dict[str, tuple[str, Callable[[pl.DataType], bool]]] = {
    "minItems": ("lists", lambda dtype: isinstance(dtype, pl.List | pl.Array)),
    "maxItems": ("lists", lambda dtype: isinstance(dtype, pl.List | pl.Array)),
    "uniqueItems": ("lists", lambda dtype: isinstance(dtype, pl.List | pl.Array)),
    "minProperties": ("maps or objects", lambda d: isinstance(d, pl.Map | pl.Struct | pl.List)),
    "maxProperties": ("maps or objects", lambda d: isinstance(d, pl.Map | pl.Struct | pl.List)),
    "requiredFields": ("objects", lambda dtype: isinstance(dtype, pl.Struct)),
    "timezone": ("timestamps", lambda dtype: isinstance(dtype, pl.Datetime)),
    "multipleOf": ("numbers", lambda dtype: dtype.is_numeric()),
}


def _needs(constraint: Constraint) -> tuple[str, Callable[[pl.DataType], bool]] | None:
    """The kind of values the constraint compares, in words, and which dtypes hold them."""
    if constraint.kind in ("pattern", "minLength", "maxLength", "format"):
        return _TEXT
    if constraint.kind in _NEEDS:
        return _NEEDS[constraint.kind]
    if constraint.kind == "enum":
        return None
    value = constraint.value
    if isinstance(value, dt.datetime):
        return "timestamps", lambda dtype: isinstance(dtype, pl.Datetime)
    if isinstance(value, dt.date):
        return "dates", lambda dtype: dtype == pl.Date or isinstance(dtype, pl.Datetime)
    if isinstance(value, dt.time):
        return "times", lambda dtype: dtype == pl.Time
    return "numbers", lambda dtype: dtype.is_numeric()


def _kind(dtype: pl.DataType) -> str:
    """The kind of values a dtype holds, as a reader of the report would say it."""
    if dtype == pl.String:
        return "text"
    if dtype.is_numeric():
        return "numbers"
    if dtype == pl.Boolean:
        return "true/false values"
    if dtype == pl.Date:
        return "dates"
    if isinstance(dtype, pl.Datetime):
        return "timestamps"
    return f"{dtype} values"


def _fast_check(valid: Callable[[pl.Schema], pl.Expr], name: str, error: str) -> pa.Check:
    """A pandera check that first asks one aggregate question: are all values valid?

    Only when some are not does it return the row-by-row mask from which pandera
    takes the failure cases; valid data never materialises a boolean per row.
    Nulls pass (`ignore_na`): whether a column may be null is `required`'s job.
    """

    def check(data: PolarsData) -> pl.LazyFrame:
        frame = data.lazyframe
        expression = valid(frame.collect_schema())
        if _evaluate(lambda: frame.select(expression.all()).collect().item(), name):
            return frame.select(pl.lit(value=True).alias("ok"))
        return frame.select(expression.alias("ok"))

    checked = pa.Check(check, name=name, error=error, ignore_na=True, n_failure_cases=FAILURE_ROWS)
    checked.valid_rows = valid  # `columnwise` asks many columns' question in one pass
    return checked


def _evaluate(compute: Callable[[], Any], check: str) -> Any:
    """Run a polars computation for `check`; a polars error becomes a CannotCheck in words."""
    try:
        return compute()
    except pl.exceptions.PolarsError:
        raise CannotCheck(f"{check} cannot be computed on these values") from None


def _unique_check(name: str) -> pa.Check:
    """No value repeats (nulls aside), proven cheaply when it holds.

    pandera's `unique=True` marks duplicates row by row, which costs seconds on
    millions of strings. A sorted column is unique when no neighbours are equal;
    otherwise distinct 64-bit hashes prove distinct values. Only a hash collision
    or a real duplicate pays for the exact row-by-row pass.
    """

    def check(data: PolarsData) -> pl.LazyFrame:
        frame = data.lazyframe
        values = frame.select(pl.col(name)).collect().to_series()
        if _distinct(values):
            return frame.select(pl.lit(value=True).alias("ok"))
        return frame.select(~(pl.col(name).is_duplicated() & pl.col(name).is_not_null()))

    return pa.Check(check, name="unique", error="unique", n_failure_cases=FAILURE_ROWS)


def _distinct(values: pl.Series) -> bool:
    values = values.drop_nulls() if values.has_nulls() else values
    if values.len() < 2:
        return True
    if values.is_sorted():
        return not (values.slice(1) == values.slice(0, values.len() - 1)).any()
    return values.hash().n_unique() == values.len()


def offending_rows(rule: QualityRule, schema: pl.Schema) -> pl.Expr | None:
    """Rows counted by the rule's metric, as a boolean expression (None for rowCount)."""
    if rule.metric == "rowCount":
        return None
    column = pl.col(rule.column) if rule.column else None
    dtype = schema[rule.column] if rule.column else None
    for field in rule.field_path:  # a rule on a field of a struct column
        dtype = _inner_dtype(dtype, (("field", field),))
        column = column.struct.field(field)
    if rule.metric == "duplicateValues":
        if column is not None and rule.field_path:
            return column.is_duplicated() & column.is_not_null()
        keys = [rule.column] if rule.column else list(rule.columns or schema.names())
        values = pl.struct(keys) if len(keys) > 1 else pl.col(keys[0])
        return values.is_duplicated() & pl.all_horizontal(pl.col(k).is_not_null() for k in keys)
    if rule.metric == "nullValues":
        return column.is_null()
    if rule.metric == "missingValues":
        sentinels = _as_values(rule.missing_values, dtype)
        if not sentinels.len():
            return column.is_null()
        return column.is_null() | column.is_in(sentinels.implode())
    valid = pl.lit(value=True)
    if rule.valid_values is not None:
        valid = valid & column.is_in(_as_values(rule.valid_values, dtype).implode())
    if rule.pattern is not None:
        valid = valid & column.cast(pl.String).str.contains(rule.pattern)
    return column.is_not_null() & ~valid


def measure(rule: QualityRule, frame: pl.LazyFrame) -> tuple[float, int]:
    """The rule's measured value and the number of offending rows (rows for rowCount)."""
    offending = offending_rows(rule, frame.collect_schema())
    if offending is None:
        rows = frame.select(pl.len()).collect().item()
        return rows, rows
    rows, count = frame.select(pl.len(), offending.sum()).collect().row(0)
    if rule.unit == "percent":
        return (100.0 * count / rows if rows else 0.0), count
    return count, count


def _quality_check(rule: QualityRule) -> pa.Check:
    """A pandera check that passes when the measure meets the threshold.

    On failure it returns the offending rows, so pandera's failure cases are the
    rows to look at (for rowCount there are none to point at).
    """

    def check(data: PolarsData) -> pl.LazyFrame:
        frame = data.lazyframe
        needed = [rule.column] if rule.column else list(rule.columns)
        if not set(needed) <= set(frame.collect_schema().names()):
            # a contract column missing from the data is already its own failure
            return frame.select(pl.lit(value=True).alias("ok"))
        value, count = _evaluate(lambda: measure(rule, frame), rule.metric)
        if rule.threshold.accepts(value):
            return frame.select(pl.lit(value=True).alias("ok"))
        offending = offending_rows(rule, frame.collect_schema())
        if offending is None or count == 0:
            return frame.select(pl.lit(value=False).alias("ok"))
        return frame.select((~offending).alias("ok"))

    return pa.Check(check, name=rule.metric, error=rule.describe(), n_failure_cases=FAILURE_ROWS)


def _as_values(values: tuple[Any, ...], dtype: pl.DataType) -> pl.Series:
    """The listed values in the column's dtype; those that cannot be ("N/A" for a number) drop."""
    text = pl.Series([None if v is None else str(v) for v in values], dtype=pl.String)
    try:
        return text.cast(dtype, strict=False).drop_nulls()
    except pl.exceptions.PolarsError:
        return pl.Series([], dtype=dtype)
