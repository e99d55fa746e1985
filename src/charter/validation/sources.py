"""Load the data to validate: a polars frame, a Parquet, CSV or TSV file, a dataset, a glob."""

from __future__ import annotations

import codecs
import glob
from pathlib import Path

import polars as pl

from charter.constants import CSV_SUFFIXES, PARQUET_SUFFIXES
from charter.formats.source import not_regular
from charter.validation.errors import DataError
from charter.validation.report import EXAMPLES, Failure
from charter.validation.spec import DATE_TEXT, ColumnSpec, TableSpec

_BOOLEAN_TEXT = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}

# How a CSV text column becomes its ODCS logical type; a value that does not parse gives null.
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


def _iso_date(text: pl.Series) -> pl.Series:
    """`2024-01-05` as a date; a timestamp, `2024/01/05` or `05/01/2024` as null (`DATE_TEXT`).

    polars would guess a format from the first value; Spark would cut a timestamp
    to its day. Both engines read the one ISO form, so they give the same verdict.
    """
    value = pl.col(text.name)
    iso = pl.when(value.str.contains(DATE_TEXT)).then(value)
    return text.to_frame().select(iso.str.to_date("%Y-%m-%d", strict=False)).to_series()


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
            raise DataError(f"cannot collect the LazyFrame: {_first_line(error)}") from None
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
        return _read(path, "Parquet", lambda: pl.read_parquet(path)), []
    if suffix in CSV_SUFFIXES:
        separator = "\t" if suffix == ".tsv" else ","
        _utf8_text(path, suffix[1:].upper())
        text = _read(
            path,
            suffix[1:].upper(),
            lambda: pl.read_csv(path, separator=separator, infer_schema=False),
        )
        return parse_text(_without_null_markers(text, table), table)
    known = ", ".join(PARQUET_SUFFIXES + CSV_SUFFIXES)
    raise DataError(f"{path}: unknown data format '{suffix}' (expected one of {known})")


def _read_dataset(location: str, table: TableSpec) -> tuple[pl.DataFrame, list[Failure]]:
    """A Parquet dataset folder (hive-style `key=value/` folders are columns) or a glob."""
    path = Path(location)
    if glob.has_magic(location):
        matches = glob.glob(location, recursive=True)  # noqa: PTH207 - absolute patterns
        if not matches:
            raise DataError(f"{location}: no file matches the pattern")
        if all(Path(match).suffix.lower() in CSV_SUFFIXES for match in matches):
            separator = "\t" if matches[0].lower().endswith(".tsv") else ","
            text = _read(
                path,
                "CSV",
                lambda: pl.scan_csv(location, separator=separator, infer_schema=False).collect(),
            )
            return parse_text(_without_null_markers(text, table), table)
    elif path.is_dir() and not any(path.rglob("*.parquet")):
        raise DataError(
            f"{location}: is a folder with no Parquet file in it, not a regular file "
            "or a dataset; give a data file or a Parquet dataset folder"
        )
    return _read(path, "Parquet", lambda: pl.read_parquet(location, hive_partitioning=True)), []


def read_any(data: Data) -> pl.DataFrame:
    """Data with no contract of its own to read it by (a referenced dataset): CSV stays text."""
    return read_frame(data, TableSpec("", ()))[0]


def parse_text(frame: pl.DataFrame, table: TableSpec) -> tuple[pl.DataFrame, list[Failure]]:
    """Cast text columns to their contract types; report the values that do not parse."""
    failures: list[Failure] = []
    for spec in table.columns:
        parser = _PARSERS.get(spec.logical_type or "")
        if parser is None or spec.name not in frame.columns:
            continue
        text = frame[spec.name]
        parsed = parser(text) if spec.text_format is None else _formatted(text, spec)
        bad = text.filter(text.is_not_null() & parsed.is_null())
        if bad.len():
            examples = tuple(bad.unique(maintain_order=True).head(EXAMPLES).to_list())
            failures.append(Failure(spec.name, f"type {spec.logical_type}", bad.len(), examples))
        else:
            frame = frame.with_columns(parsed.alias(spec.name))
    return frame, failures


def _formatted(text: pl.Series, spec: ColumnSpec) -> pl.Series:
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


def _without_null_markers(frame: pl.DataFrame, table: TableSpec) -> pl.DataFrame:
    markers = {c: m for c, m in null_markers(table).items() if m and c in frame.columns}
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


def _utf8_text(path: Path, kind: str) -> None:
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


def _read(path: Path, kind: str, reader) -> pl.DataFrame:
    try:
        return reader()
    except (pl.exceptions.PolarsError, OSError, ValueError) as error:
        raise DataError(f"{path}: cannot read {kind}: {_first_line(error)}") from None


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
