"""Load the data to validate: a polars frame, a Parquet, CSV or TSV file, a dataset, a glob."""

from __future__ import annotations

import codecs
import glob
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from charter.constants import CSV_SUFFIXES, PARQUET_SUFFIXES
from charter.formats.source import not_regular
from charter.validation.errors import DataError
from charter.validation.report import EXAMPLES, Failure
from charter.validation.spec import DATE_TEXT, ColumnSpec, TableSpec

_BOOLEAN_TEXT = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}

# How a CSV text column (an expression) becomes its ODCS logical type; a value that does not
# parse gives null.
_PARSERS = {
    "integer": lambda text: text.str.strip_chars().cast(pl.Int64, strict=False),
    "number": lambda text: text.str.strip_chars().cast(pl.Float64, strict=False),
    "boolean": lambda text: (
        text.str.strip_chars()
        .str.to_lowercase()
        .replace_strict(_BOOLEAN_TEXT, default=None, return_dtype=pl.Boolean)
    ),
    "date": lambda text: _iso_date(text.str.strip_chars()),
    "timestamp": lambda text: text.str.strip_chars().str.to_datetime(strict=False),
    "time": lambda text: text.str.strip_chars().str.to_time(strict=False),
}

Data = pl.DataFrame | pl.LazyFrame | str | Path
Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


def _iso_date(text: pl.Expr) -> pl.Expr:
    """`2024-01-05` as a date; a timestamp, `2024/01/05` or `05/01/2024` as null (`DATE_TEXT`).

    polars would guess a format from the first value; Spark would cut a timestamp
    to its day. Both engines read the one ISO form, so they give the same verdict.
    """
    return pl.when(text.str.contains(DATE_TEXT)).then(text).str.to_date("%Y-%m-%d", strict=False)


def read_frame(data: Data, table: TableSpec) -> tuple[pl.DataFrame, list[Failure]]:
    """The data as a DataFrame, and the CSV values that do not parse as their contract type.

    CSV is read as text and each column parsed to its contract type, so a bad value
    is reported with its column and the value itself, instead of polars guessing
    another type for the whole column. A column with such values stays text.
    The texts a column's `missingValues` rule lists (`NA`, `N/A`) are read as
    missing first, as `charter new contract` read them.
    """
    if isinstance(data, pl.DataFrame):
        return data, []
    if isinstance(data, pl.LazyFrame):
        try:
            return data.collect(), []
        except (pl.exceptions.PolarsError, OSError) as error:
            raise DataError(f"cannot collect the LazyFrame: {first_line(error)}") from None
    path = Path(data)
    if path.is_dir() or glob.has_magic(str(data)):
        return _read_dataset(str(data), table)
    what = not_regular(path)
    if what:
        raise DataError(f"{path}: {what}; give the data file itself")
    if not path.is_file():
        raise DataError(f"{path}: data file not found")
    suffix = path.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return read_with(path, "Parquet", lambda: pl.read_parquet(path)), []
    if suffix in CSV_SUFFIXES:
        separator = "\t" if suffix == ".tsv" else ","
        refuse_non_utf8(path, suffix[1:].upper())
        text = read_with(
            path,
            suffix[1:].upper(),
            lambda: pl.read_csv(path, separator=separator, infer_schema=False),
        )
        return parse_text(without_null_markers(text, table), table)
    known = ", ".join(PARQUET_SUFFIXES + CSV_SUFFIXES)
    raise DataError(f"{path}: unknown data format '{suffix}' (expected one of {known})")


def _read_dataset(location: str, table: TableSpec) -> tuple[pl.DataFrame, list[Failure]]:
    """A Parquet dataset folder (hive-style `key=value/` folders are columns) or a glob."""
    path = Path(location)
    if glob.has_magic(location):
        csv = csv_matches(location)
        if csv is not None:
            separator = csv[1]
            text = read_with(
                path,
                "CSV",
                lambda: pl.scan_csv(location, separator=separator, infer_schema=False).collect(),
            )
            return parse_text(without_null_markers(text, table), table)
    elif path.is_dir() and not any(path.rglob("*.parquet")):
        raise DataError(
            f"{location}: is a folder with no Parquet file in it, not a regular file "
            "or a dataset; give a data file or a Parquet dataset folder"
        )
    return read_with(path, "Parquet", lambda: pl.read_parquet(location, hive_partitioning=True)), []


def csv_matches(location: str) -> tuple[list[Path], str] | None:
    """The CSV files a glob matches, sorted, and their separator; None when they are not all
    CSV (a Parquet glob). No match at all is a DataError."""
    matches = glob.glob(location, recursive=True)  # noqa: PTH207 - absolute patterns
    if not matches:
        raise DataError(f"{location}: no file matches the pattern")
    if not all(Path(match).suffix.lower() in CSV_SUFFIXES for match in matches):
        return None
    separator = "\t" if matches[0].lower().endswith(".tsv") else ","
    return [Path(match) for match in sorted(matches)], separator


def read_any(data: Data) -> pl.DataFrame:
    """Data with no contract of its own to read it by (a referenced dataset): CSV stays text."""
    return read_frame(data, TableSpec("", ()))[0]


def parse_text(frame: pl.DataFrame, table: TableSpec) -> tuple[pl.DataFrame, list[Failure]]:
    """Cast text columns to their contract types; report the values that do not parse."""
    parsed, failures = parse_lazy(frame.lazy(), table)
    return parsed.collect(), failures


def parse_lazy(frame: pl.LazyFrame, table: TableSpec) -> tuple[pl.LazyFrame, list[Failure]]:
    """`parse_text` as a plan: one pass counts every column's unparsed values.

    Examples are gathered only for the columns that have some, so valid data is
    read once and never held whole.
    """
    names = set(frame.collect_schema().names())
    parsed: dict[str, pl.Expr] = {}
    for spec in table.columns:
        parser = _PARSERS.get(spec.logical_type or "")
        if parser is None or spec.name not in names:
            continue
        text = pl.col(spec.name)
        parsed[spec.name] = parser(text) if spec.text_format is None else _formatted(text, spec)
    if not parsed:
        return frame, []
    bad = {name: pl.col(name).is_not_null() & value.is_null() for name, value in parsed.items()}
    counts = frame.select(value.sum().alias(name) for name, value in bad.items()).collect(
        engine="streaming"
    )
    failures: list[Failure] = []
    for spec in table.columns:
        count = counts[spec.name].item() if spec.name in bad else 0
        if count:
            examples = (
                frame.filter(bad[spec.name])
                .select(spec.name)
                .unique(maintain_order=True)
                .head(EXAMPLES)
                .collect(engine="streaming")
                .to_series()
            )
            failures.append(
                Failure(spec.name, f"type {spec.logical_type}", count, tuple(examples.to_list()))
            )
    good = [parsed[name].alias(name) for name in parsed if not counts[name].item()]
    return (frame.with_columns(good) if good else frame), failures


def _formatted(text: pl.Expr, spec: ColumnSpec) -> pl.Expr:
    """Dates and times written in the contract's own `format` (`dd/MM/yyyy`)."""
    read = {"date": text.str.to_date, "timestamp": text.str.to_datetime, "time": text.str.to_time}
    return read[spec.logical_type or ""](spec.text_format, strict=False)


def null_markers(table: TableSpec) -> dict[str, list[str]]:
    """Per column, the texts its `missingValues` rules list (numbers such as -1 stay values)."""
    markers: dict[str, list[str]] = {}
    for rule in table.rules:
        if rule.metric == "missingValues" and rule.column is not None and not rule.field_path:
            texts = [value for value in rule.missing_values if isinstance(value, str)]
            markers.setdefault(rule.column, []).extend(texts)
    return markers


def without_null_markers(frame: Frame, table: TableSpec) -> Frame:
    """The frame (eager or lazy) with each column's `missingValues` texts read as missing."""
    names = set(frame.collect_schema().names())
    markers = {c: m for c, m in null_markers(table).items() if m and c in names}
    return frame.with_columns(
        pl.when(pl.col(column).is_in(texts)).then(None).otherwise(pl.col(column)).alias(column)
        for column, texts in markers.items()
    )


_BOMS = {
    codecs.BOM_UTF32_LE: "UTF-32",
    codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
}
"""Byte-order marks of the encodings a spreadsheet's "Unicode text" export uses (longest first)."""
_MAGIC = {
    b"PAR1": "a Parquet file, not text: give it a .parquet name",
    b"\x1f\x8b": "gzip-compressed: decompress it first (gunzip)",
    b"PK\x03\x04": "a ZIP archive (a spreadsheet?): export it as CSV first",
    b"\xd0\xcf\x11\xe0": "an old Excel or Office file: export it as CSV first",
}
"""File signatures of what people hand over as a CSV by mistake."""
_SNIFF = 1 << 20
"""How much of a CSV file is read to tell its encoding: enough for any header and many rows."""


def refuse_non_utf8(path: Path, kind: str) -> None:
    """Refuse a CSV that is not UTF-8 text, naming its encoding when it says which.

    Polars reads UTF-16 as garbage column names: the report would list every
    column as missing instead of the one real problem.
    """
    try:
        with path.open("rb") as stream:
            head = stream.read(_SNIFF)
    except OSError as error:
        raise DataError(f"{path}: cannot read {kind}: {error.strerror or error}") from None

    def convert(encoding: str) -> str:
        return (
            f"convert it: iconv -f {encoding} -t UTF-8 {path.name} > {path.stem}-utf8{path.suffix}"
        )

    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise DataError(f"{path}: the {kind} file is {what}")
    for bom, name in _BOMS.items():
        if head.startswith(bom):
            raise DataError(
                f"{path}: the {kind} file is {name} text, and Charter reads UTF-8: {convert(name)}"
            )
    if b"\x00" in head:
        raise DataError(
            f"{path}: the {kind} file holds NUL bytes: it is binary, or UTF-16 text without a "
            f"byte-order mark, not UTF-8: {convert('UTF-16LE')}"
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) < _SNIFF)
    except UnicodeDecodeError as error:
        line = head[: error.start].count(b"\n") + 1
        raise DataError(
            f"{path}: the {kind} file is not UTF-8 text (byte 0x{head[error.start]:02x} on "
            f"line {line}; Latin-1 or Windows-1252?): {convert('WINDOWS-1252')}"
        ) from None


def read_with(path: Path, kind: str, reader: Callable[[], Any]) -> Any:
    try:
        return reader()
    except (pl.exceptions.PolarsError, OSError, ValueError) as error:
        raise DataError(f"{path}: cannot read {kind}: {first_line(error)}") from None


def first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
