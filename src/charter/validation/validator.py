"""Validate data against a contract: read, compile, run pandera lazily, report."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandera.polars as pa
import polars as pl

from charter.validation.columnwise import schema_errors
from charter.validation.errors import ContractError, ValidationSetupError
from charter.validation.masking import mask_failures, sensitive_columns
from charter.validation.odcs import ContractSource, load_contract, located, table_spec
from charter.validation.pandera_errors import failures_from
from charter.validation.polars_backend import to_pandera
from charter.validation.relationships import check_relationships
from charter.validation.report import (
    ValidationReport,
    every_undocumented_column,
    in_contract_order,
)
from charter.validation.scan import scanned
from charter.validation.sources import Data
from charter.validation.spec import TableSpec
from charter.validation.sql import run_sql_rules


def compile_contract(contract: ContractSource, schema: str | None = None) -> pa.DataFrameSchema:
    """The pandera (polars) schema of one schema object of an ODCS contract.

    Generated on demand and never stored: the contract stays the one source.
    """
    return _compile(table_spec(contract, schema), contract)


def validate(
    data: Data,
    contract: ContractSource,
    *,
    schema: str | None = None,
    references: Mapping[str, Data] | None = None,
    engine: str = "polars",
    spark: Any = None,
    show_personal_values: bool = False,
) -> ValidationReport:
    """Check `data` (polars frame, Parquet or CSV path, dataset folder, glob) against the contract.

    All checks run (pandera's lazy mode), so one report lists every failure.
    `references` maps a schema object name to its data, so the contract's
    `relationships` (foreign keys) to it are checked too. `engine="spark"` runs
    the same contract on Spark (`spark`: the caller's SparkSession; default: the
    active one, else local mode); docs/guide/spark.md. Failing values of restricted
    and direct-identifier columns are masked unless `show_personal_values`.
    Raises ContractError or DataError when either cannot be read.
    """
    if engine == "spark":
        try:
            from charter.validation.spark_validator import validate_spark  # noqa: PLC0415
        except ImportError as error:  # no pyspark, or pandera.pyspark beside pandas 3
            raise ValidationSetupError(
                f"the Spark engine cannot import {error.name or 'pyspark'!r}: install "
                "charter[spark] (pyspark, pandera's pyspark backend, pandas<3)"
            ) from None

        return validate_spark(
            data,
            contract,
            schema=schema,
            references=references,
            spark=spark,
            show_personal_values=show_personal_values,
        )
    if engine != "polars":
        raise ValidationSetupError(f"unknown engine {engine!r} (expected polars or spark)")
    typed = load_contract(contract)
    table = table_spec(typed, schema)
    pandera_schema = _compile(table, contract)
    obj = typed.schema(table.name) or typed.schemas[0]
    with scanned(data, table) as (frame, unparsed), _streaming():
        rows = frame.select(pl.len()).collect().item()
        errors = schema_errors(pandera_schema, frame, rows)
        failures = unparsed + failures_from(errors, rows, {f.column for f in unparsed})
        columns = frame.collect_schema().names()
        failures = every_undocumented_column(failures, columns, table, rows)
        sql_failures, sql_skipped = run_sql_rules(table, frame)
        key_failures, key_skipped = check_relationships(obj, frame, references or {})
    failures = in_contract_order(failures + sql_failures + key_failures, table)
    failures = mask_failures(failures, sensitive_columns(obj), show=show_personal_values)
    source = str(data) if isinstance(data, str | Path) else None
    skipped = table.skipped + tuple(sql_skipped) + tuple(key_skipped)
    return ValidationReport(table.name, rows, failures, skipped, source)


@contextmanager
def _streaming() -> Iterator[None]:
    """Every polars pass over the data runs on the streaming engine: memory follows a batch."""
    with pl.Config(engine_affinity="streaming"):
        yield


def _compile(table: TableSpec, contract: ContractSource) -> pa.DataFrameSchema:
    try:
        return to_pandera(table)
    except ContractError as error:
        raise located(error, contract) from None
