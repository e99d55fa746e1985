"""Load the data to validate on Spark: a Spark or polars frame, a file, a dataset, a glob.

A directory is a Parquet dataset (hive-style `key=value/` folders become columns);
a glob reads every file it matches; a URI (`s3://`, `dbfs:/`, `abfss://`) goes to
Spark as it is. CSV is read as text and each column parsed to its contract type,
as the polars engine does, so a bad value is reported with its column.
"""

from __future__ import annotations

import glob
import re
from pathlib import Path
from typing import Any

import pyspark.sql.functions as F  # noqa: N812 - Spark's own convention
from pyspark.sql import Column, DataFrame

from charter.constants import CSV_SUFFIXES, PARQUET_SUFFIXES
from charter.validation.errors import DataError
from charter.validation.report import EXAMPLES, Failure
from charter.validation.sources import null_markers
from charter.validation.spark_backend import SPARK_ERRORS
from charter.validation.spec import DATE_TEXT, ColumnSpec, TableSpec

_BOOLEAN_TEXT = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}
_TYPES = {"integer": "bigint", "number": "double", "date": "date", "timestamp": "timestamp"}
# strftime codes (the spec's `text_format`) back to the JDK letters Spark parses with.
_JDK = {
    "%Y": "yyyy",
    "%y": "yy",
    "%m": "MM",
    "%d": "dd",
    "%H": "HH",
    "%I": "hh",
    "%M": "mm",
    "%S": "ss",
    "%.6f": ".SSSSSS",
    "%.3f": ".SSS",
    "%6f": "SSSSSS",
    "%3f": "SSS",
    "%p": "a",
    "%:z": "XXX",
    "%z": "Z",
    "%%": "%",
}
_STRFTIME = re.compile("|".join(map(re.escape, sorted(_JDK, key=len, reverse=True))))


def is_uri(text: str) -> bool:
    """A location Spark resolves itself (object stores, DBFS), not a local path."""
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:/", text))


def read_spark(data: Any, table: TableSpec, spark: Any) -> tuple[DataFrame, list[Failure]]:
    """The data as a Spark DataFrame, and the CSV values that do not parse as their type."""
    if isinstance(data, DataFrame):
        return data, []
    if not isinstance(data, str | Path):
        return _from_polars(data, spark), []
    text = str(data)
    kind = _kind(text)
    try:
        if kind == "csv":
            separator = "\t" if text.lower().endswith(".tsv") else ","
            frame = spark.read.csv(text, header=True, inferSchema=False, sep=separator)
            if not frame.columns:
                raise DataError(f"{text}: cannot read CSV: empty CSV")
            frame = _without_null_markers(frame, table)
            return parse_text(frame, table)
        return _parquet(text, spark), []
    except SPARK_ERRORS as error:
        name = Path(text).suffix[1:].upper() if kind == "csv" else "Parquet"
        raise DataError(f"{text}: cannot read {name}: {_first_line(error)}") from None


def _parquet(text: str, spark: Any) -> DataFrame:
    """Parquet on Spark; a local file whose types Spark's reader refuses comes through Arrow.

    Spark's reader refuses `TIME(MILLIS)` columns (`PARQUET_TYPE_ILLEGAL`) that
    polars and Arrow read: such a file is read by polars and handed over as
    Arrow, so both engines see the same columns and give the same verdict.
    """
    if not is_uri(text) and _has_time(text):
        return _from_polars(_polars_parquet(text), spark)
    try:
        frame = spark.read.parquet(text)
        frame.limit(1).collect()  # Spark checks the column types only when it reads
    except SPARK_ERRORS as error:
        if is_uri(text) or "PARQUET_TYPE_ILLEGAL" not in str(error):
            raise
        return _from_polars(_polars_parquet(text), spark)
    return frame


def _polars_parquet(text: str) -> Any:
    import polars as pl  # noqa: PLC0415 - only for files Spark cannot read

    try:
        return pl.read_parquet(text, hive_partitioning=Path(text).is_dir())
    except (pl.exceptions.PolarsError, OSError) as error:
        raise DataError(f"{text}: cannot read Parquet: {_first_line(error)}") from None


def _has_time(text: str) -> bool:
    """Whether the local Parquet data has a TIME column (read from its footer only)."""
    import polars as pl  # noqa: PLC0415

    try:
        schema = pl.scan_parquet(text, hive_partitioning=Path(text).is_dir()).collect_schema()
    except (pl.exceptions.PolarsError, OSError):
        return False  # Spark says what is wrong with it
    return any(dtype == pl.Time for dtype in schema.dtypes())


def _kind(text: str) -> str:
    """`parquet` or `csv`, from the name, the files a glob matches or a dataset's folder."""
    path = Path(text)
    local = not is_uri(text)
    if local and glob.has_magic(text):
        if not glob.glob(text, recursive=True):  # noqa: PTH207 - absolute patterns
            raise DataError(f"{text}: no file matches the pattern")
    elif local and not path.exists():
        raise DataError(f"{text}: data file not found")
    if local and path.is_dir():
        return "parquet"
    suffix = Path(text.rstrip("/")).suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return "parquet"
    if suffix in CSV_SUFFIXES:
        return "csv"
    if is_uri(text) and not suffix:
        return "parquet"  # a dataset folder in an object store
    known = ", ".join(PARQUET_SUFFIXES + CSV_SUFFIXES)
    raise DataError(f"{text}: unknown data format '{suffix}' (expected one of {known})")


def _from_polars(frame: Any, spark: Any) -> DataFrame:
    import polars as pl  # noqa: PLC0415 - only for callers who pass polars frames

    if isinstance(frame, pl.LazyFrame):
        frame = frame.collect()
    if not isinstance(frame, pl.DataFrame):
        raise DataError(f"cannot validate a {type(frame).__name__} on Spark")
    spark_frame = spark.createDataFrame(frame.to_arrow(compat_level=pl.CompatLevel.oldest()))
    for name, dtype in frame.schema.items():  # Arrow makes naive datetimes instants: undo
        if isinstance(dtype, pl.Datetime) and dtype.time_zone is None:
            spark_frame = spark_frame.withColumn(name, F.col(name).cast("timestamp_ntz"))
    return spark_frame


def _parser(spec: ColumnSpec) -> Any:
    label = spec.logical_type or ""
    if label == "boolean":
        return _boolean
    if spec.text_format is not None and label in ("date", "timestamp"):
        java = _java_format(spec.text_format)
        if label == "date":
            return lambda c: F.try_to_date(F.trim(c), java)
        return lambda c: F.try_to_timestamp(F.trim(c), F.lit(java))
    if label == "time":
        return lambda c: F.try_to_time(F.trim(c))
    if label == "date":  # Spark would cut `2024-01-05T10:00` to its day: ISO dates only
        return lambda c: F.when(F.trim(c).rlike(DATE_TEXT), F.trim(c).try_cast("date"))
    if label in _TYPES:
        return lambda c: F.trim(c).try_cast(_TYPES[label])
    return None


def _boolean(column: Column) -> Column:
    text = F.lower(F.trim(column))
    result = F.lit(None).cast("boolean")
    for word, value in _BOOLEAN_TEXT.items():
        result = F.when(text == word, F.lit(value)).otherwise(result)
    return result


def _java_format(strftime: str) -> str:
    """`%d/%m/%Y` as `dd/MM/yyyy`; other letters quoted, as JDK patterns want."""
    parts, last = [], 0
    for match in _STRFTIME.finditer(strftime):
        parts.append(_literal(strftime[last : match.start()]))
        parts.append(_JDK[match.group()])
        last = match.end()
    parts.append(_literal(strftime[last:]))
    return "".join(parts)


def _literal(text: str) -> str:
    return "".join(f"'{c}'" if c.isalpha() else ("''" if c == "'" else c) for c in text)


def parse_text(frame: DataFrame, table: TableSpec) -> tuple[DataFrame, list[Failure]]:
    """Cast text columns to their contract types; report the values that do not parse."""
    parsers = {
        spec.name: parser
        for spec in table.columns
        if spec.name in frame.columns and (parser := _parser(spec)) is not None
    }
    if not parsers:
        return frame, []
    bad = {
        name: F.col(name).isNotNull() & parse(F.col(name)).isNull()
        for name, parse in parsers.items()
    }
    counts = frame.agg(
        *[F.sum(F.when(flag, 1).otherwise(0)).alias(name) for name, flag in bad.items()]
    ).first()
    failures = []
    for spec in table.columns:
        if spec.name not in parsers:
            continue
        count = counts[spec.name] or 0
        if count:
            rows = frame.where(bad[spec.name]).select(spec.name).distinct().limit(EXAMPLES)
            examples = tuple(row[0] for row in rows.collect())
            failures.append(Failure(spec.name, f"type {spec.logical_type}", count, examples))
        else:
            frame = frame.withColumn(spec.name, parsers[spec.name](F.col(spec.name)))
    return frame, failures


def _without_null_markers(frame: DataFrame, table: TableSpec) -> DataFrame:
    for column, texts in null_markers(table).items():
        if texts and column in frame.columns:
            marked = F.col(column).isin(texts)
            frame = frame.withColumn(column, F.when(marked, None).otherwise(F.col(column)))
    return frame


def _first_line(error: Exception) -> str:
    java = getattr(error, "java_exception", None)  # py4j: the Java message, not "calling o12"
    text = str(java.getMessage() if java is not None else error).strip()
    return text.splitlines()[0] if text else type(error).__name__
