"""Validate data on Spark: the same contract, spec and report as the polars engine.

pandera's pyspark backend collects errors as a summary (category, reason,
column, check) with no failing rows (pandera issue 1540); the counts and
examples come from Charter's own checks (`spark_backend.SparkPlan`). Where
pandera's built-in check finds the failure (a duplicated composite key,
through its `unique` config) there is no count, and the report says
"not counted on Spark" instead of a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyspark.sql.functions as F  # noqa: N812 - Spark's own convention
from pandera.config import ValidationDepth, config_context
from pyspark.sql import DataFrame

from charter.formats.contract import SchemaObject
from charter.validation.errors import ContractError
from charter.validation.masking import mask_failures, sensitive_columns
from charter.validation.odcs import ContractSource, load_contract, located, table_spec
from charter.validation.relationships import _column as _source_column
from charter.validation.report import (
    EXAMPLES,
    NULL,
    Described,
    Failure,
    ValidationReport,
    every_undocumented_column,
    in_contract_order,
)
from charter.validation.spark_backend import (
    SPARK_ERRORS,
    SparkPlan,
    check_patterns,
    to_pandera_spark,
)
from charter.validation.spark_session import session
from charter.validation.spark_sources import read_spark
from charter.validation.spec import SQL_METRIC, TableSpec
from charter.validation.sql import judge_sql_rules


def validate_spark(
    data: Any,
    contract: ContractSource,
    *,
    schema: str | None = None,
    references: Mapping[str, Any] | None = None,
    spark: Any = None,
    show_personal_values: bool = False,
) -> ValidationReport:
    """Check `data` (Spark or polars frame, Parquet/CSV file, dataset folder, glob) on Spark."""
    typed = load_contract(contract)
    table = table_spec(typed, schema)
    spark = session(spark)
    try:
        check_patterns(table, spark)
    except ContractError as error:
        raise located(error, contract) from None
    frame, unparsed = read_spark(data, table, spark)
    plan = SparkPlan()
    pandera_schema = to_pandera_spark(table, plan)
    with config_context(validation_depth=ValidationDepth.SCHEMA_AND_DATA):
        checked = pandera_schema.validate(frame, lazy=True)
    rows = plan.rows if plan.rows is not None else frame.count()
    errors = getattr(checked.pandera, "errors", None) or {}
    types = {f.name: f.dataType.simpleString() for f in frame.schema.fields}
    failures = unparsed + _failures(
        errors,
        plan=plan,
        table=table,
        rows=rows,
        types=types,
        unparsed={f.column for f in unparsed},
    )
    failures = every_undocumented_column(failures, frame.columns, table, rows)
    sql_failures, sql_skipped = _sql_rules(table, frame, spark)
    obj = typed.schema(table.name) or typed.schemas[0]
    key_failures, key_skipped = _relationships(obj, frame, references or {}, spark)
    failures = in_contract_order(failures + sql_failures + key_failures, table)
    failures = mask_failures(failures, sensitive_columns(obj), show=show_personal_values)
    source = str(data) if isinstance(data, str | Path) else None
    skipped = table.skipped + tuple(sql_skipped) + tuple(key_skipped)
    return ValidationReport(table.name, rows, failures, skipped, source)


def _failures(
    errors: dict,
    *,
    plan: SparkPlan,
    table: TableSpec,
    rows: int,
    types: dict[str, str],
    unparsed: set[str | None],
) -> list[Failure]:
    """pandera's error summary as report failures, counted by the plan where it can."""
    found: list[tuple[str, Failure]] = []
    by_label = {(e.column, _label(e.key)): key for key, e in plan.entries.items()}
    for reasons in errors.values():
        for reason, entries in reasons.items():
            for entry in entries:
                found.append(
                    (
                        reason,
                        _failure(
                            reason,
                            entry,
                            plan=plan,
                            by_label=by_label,
                            table=table,
                            rows=rows,
                            types=types,
                        ),
                    )
                )
    mistyped = unparsed | {f.column for _, f in found if f.check.startswith("type ")}
    return [
        failure
        for reason, failure in found
        if not (reason == "CHECK_ERROR" and failure.column in mistyped)
        and not (failure.check.startswith("type ") and failure.column in unparsed)
    ]


def _label(key: str) -> str:
    """The check label inside a plan key `column:label[:index]`."""
    _column, _, rest = key.partition(":")
    label, _, index = rest.rpartition(":")
    return label if index.isdigit() else rest


def _failure(
    reason: str,
    entry: dict,
    *,
    plan: SparkPlan,
    by_label: dict,
    table: TableSpec,
    rows: int,
    types: dict[str, str],
) -> Failure:
    column = entry.get("column")
    check = str(entry.get("check"))
    if reason == "COLUMN_NOT_IN_DATAFRAME":
        return Failure(column, "column missing from the data", rows)
    if reason == "COLUMN_NOT_IN_SCHEMA":
        return Failure(column, "column not in the contract", rows)
    if reason == "SERIES_CONTAINS_NULLS":
        return Failure(column, "required (no nulls)", None, (NULL,))
    if reason == "DUPLICATES":
        return Failure(None, f"unique ({', '.join(table.unique_together)})", None)
    column = column if column in {spec.name for spec in table.columns} else None
    key = by_label.get((column, check))
    outcome = plan.outcomes.get(key) if key else None
    if reason == "CHECK_ERROR":
        why = outcome.reason if outcome and outcome.reason else "the check failed to run"
        return Failure(column, f"{check} (could not run)", rows, (Described(why),))
    if check.startswith("type "):
        got = types.get(column or "")
        return Failure(column, check, rows, (Described(f"got {got}"),) if got else ())
    if outcome is None:
        return Failure(column, check, None)
    if check == "required (no nulls)":
        return Failure(column, check, outcome.count, (NULL,))
    if check.startswith("rowCount "):
        return Failure(None, check, rows)
    return Failure(column, check, outcome.count, outcome.examples)


def _sql_rules(table: TableSpec, frame: DataFrame, spark: Any) -> tuple[list[Failure], list[str]]:
    """ODCS `type: sql` rules on Spark SQL, the data registered under the table's names."""
    rules = [rule for rule in table.rules if rule.metric == SQL_METRIC]
    for name in dict.fromkeys((table.name, *table.aliases)) if rules else ():
        frame.createOrReplaceTempView(name)
    return judge_sql_rules(
        rules,
        "Spark SQL",
        lambda query: _number(spark.sql(query).collect()),
        (*SPARK_ERRORS, ValueError),
    )


def _number(rows: list) -> float | None:
    if len(rows) != 1 or len(rows[0]) != 1:
        return None
    value = rows[0][0]
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _relationships(
    obj: SchemaObject, frame: DataFrame, references: Mapping[str, Any], spark: Any
) -> tuple[list[Failure], list[str]]:
    """Foreign keys, as the polars engine checks them: values compared as text."""
    failures: list[Failure] = []
    skipped: list[str] = []
    loaded: dict[str, DataFrame] = {}
    for relationship in obj.all_relationships():
        source = [_source_column(obj.name, name) for name in relationship.source]
        target = [name.partition(".") for name in relationship.target]
        label = f"relationship to {', '.join(relationship.target)}"
        tables = {t for t, _, _ in target}
        if any(s is None for s in source) or len(tables) != 1 or len(source) != len(target):
            skipped.append(
                f"schema: {label} not checked: only columns of this dataset to one table"
            )
            continue
        name = tables.pop()
        if name not in references:
            skipped.append(
                f"schema: {label} not checked: give the data with --reference {name}=FILE"
            )
            continue
        if name not in loaded:
            loaded[name] = read_spark(references[name], TableSpec("", ()), spark)[0]
        columns = [c for _, _, c in target]
        missing = [
            c for c in [*source, *columns] if c not in (*frame.columns, *loaded[name].columns)
        ]
        if missing:
            skipped.append(f"schema: {label} not checked: no column {missing[0]!r} in the data")
            continue
        failures += _orphans(frame, source, loaded[name], columns, label)
    return failures, skipped


def _orphans(
    frame: DataFrame, source: list, target: DataFrame, columns: list[str], label: str
) -> list[Failure]:
    keys = [f"k{i}" for i in range(len(source))]
    left = frame.select(
        *[F.col(c).cast("string").alias(k) for c, k in zip(source, keys, strict=True)]
    )
    right = target.select(
        *[F.col(c).cast("string").alias(k) for c, k in zip(columns, keys, strict=True)]
    ).distinct()
    orphans = left.dropna().join(right, on=keys, how="left_anti")
    count = orphans.count()
    if not count:
        return []
    values = orphans.distinct().limit(EXAMPLES).collect()
    examples = tuple(", ".join(str(v) for v in row) for row in values)
    return [Failure(source[0] if len(source) == 1 else None, label, count, examples)]
