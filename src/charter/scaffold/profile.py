"""Profile a CSV or Parquet file with polars: what a draft contract can honestly say about it.

The profile holds facts observed in the sample (types, nulls, ranges, distinct
values, row count); turning them into a contract is `draft_contract`'s job.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from charter.constants import CSV_SUFFIXES, PARQUET_SUFFIXES
from charter.formats.source import MAX_VALUES
from charter.formats.vocabulary import NULL_MARKERS
from charter.scaffold.bounds import too_wide
from charter.scaffold.errors import ScaffoldError

if TYPE_CHECKING:
    import polars as pl


MAX_CODES = 25
"""A column with at most this many distinct values, each seen on average at least
twice, is drafted as a code list (an enum) rather than free values (`--max-codes`)."""

INFER_ROWS = 10_000
"""CSV rows polars reads to guess column types before parsing the rest."""


@dataclass(frozen=True)
class ColumnProfile:
    """What one column looked like in the sample."""

    name: str
    physical_type: str
    logical_type: str
    null_count: int
    distinct_count: int
    minimum: Any = None
    maximum: Any = None
    values: tuple[Any, ...] | None = None
    time_zone: str | None = None


@dataclass(frozen=True)
class DataProfile:
    """What a whole file looked like: its row count and its columns, in file order."""

    path: Path
    row_count: int
    columns: tuple[ColumnProfile, ...]
    null_markers: tuple[str, ...] = ()
    """The texts read as missing: a CSV's markers, or those a Parquet file's text columns hold."""
    unique_pair: tuple[str, str] | None = None
    """The first two key-like columns (text, integer, date) distinct together on every row."""
    key: tuple[str, ...] | None = None
    """The key a person named (`--id`, `--add-id`), which the draft takes over any it finds."""


def profile_file(
    path: Path,
    null_markers: tuple[str, ...] = NULL_MARKERS,
    max_codes: int = MAX_CODES,
    max_columns: int | None = None,
) -> DataProfile:
    """Read `path` (CSV or Parquet, by suffix) and profile every column.

    In a CSV, an empty field and each of `null_markers` (`NA`, `NULL`, ...) is a
    missing value, so a measurement column with `NA` in it is still a number. In
    a Parquet file, a text column's `NA`-like strings are missing values too.
    A file of more than `max_columns` columns is refused before it is profiled.
    """
    markers = tuple(dict.fromkeys(("", *null_markers)))
    frame = read_table(path, markers)
    if not frame.columns:
        raise ScaffoldError(f"{path}: the file has no columns")
    if max_columns is not None and frame.width > max_columns:
        raise too_wide(path, frame.width, f"more than {MAX_VALUES:,} YAML values")
    csv = path.suffix.lower() in CSV_SUFFIXES
    if not csv:
        markers = _text_markers(frame, markers)
        schema = frame.schema  # once: each lookup of `frame.schema` costs the frame's width
        frame = frame.with_columns(
            _as_missing(frame.get_column(name), markers)
            for name in frame.columns
            if schema[name].base_type().__name__ == "String"
        )
    columns = tuple(profile_column(frame.get_column(name), max_codes) for name in frame.columns)
    return DataProfile(path, frame.height, columns, markers, unique_pair(frame, columns))


KEY_TYPES = ("string", "integer", "date", "timestamp")
"""Column types a composite key is proposed from: never measurements."""
KEY_CANDIDATES = 12
"""Columns tried for a composite key (their pairs): enough for a panel, cheap on wide data."""


def unique_pair(frame: pl.DataFrame, columns: tuple[ColumnProfile, ...]) -> tuple[str, str] | None:
    """Two columns without nulls, neither unique alone, whose values together are (`firm, year`)."""
    candidates = [
        c.name
        for c in columns
        if c.logical_type in KEY_TYPES and c.null_count == 0 and 1 < c.distinct_count < frame.height
    ][:KEY_CANDIDATES]
    for first, second in itertools.combinations(candidates, 2):
        if frame.select(first, second).is_unique().all():
            return first, second
    return None


def _text_markers(frame: pl.DataFrame, markers: tuple[str, ...]) -> tuple[str, ...]:
    """The null markers some text column of a Parquet file holds as a value."""
    import polars as pl  # noqa: PLC0415

    schema = frame.schema
    texts = [name for name in frame.columns if schema[name] == pl.String]
    seen = {
        marker
        for name in texts
        for marker in markers
        if marker and frame.get_column(name).is_in([marker]).any()
    }
    return tuple(marker for marker in markers if marker in seen)


def _as_missing(column: pl.Series, markers: tuple[str, ...]) -> pl.Series:
    return column.set(column.is_in(list(markers)), None) if markers else column


def read_table(path: Path, null_markers: tuple[str, ...] = ("",)) -> pl.DataFrame:
    """Load the whole file: a draft contract must see every row, not the first thousand."""
    try:
        import polars as pl  # noqa: PLC0415 - keep polars out of `charter check`'s imports
    except ImportError:
        from charter.install_hint import install_command  # noqa: PLC0415 - only on this error

        raise ScaffoldError(
            "reading data needs polars, which comes with charter's `runtime` extra: "
            f"{install_command('runtime', path.parent)}"
        ) from None
    suffix = path.suffix.lower()
    if suffix not in CSV_SUFFIXES + PARQUET_SUFFIXES:
        raise ScaffoldError(
            f"{path}: unknown data format {suffix or '(no suffix)'!r}; "
            "use a .csv, .tsv, .parquet or .pq file"
        )
    if path.is_dir():
        raise ScaffoldError(f"{path}: is a folder; give one .csv or .parquet file")
    if not path.is_file():
        raise ScaffoldError(f"{path}: no such file")
    try:
        if suffix in PARQUET_SUFFIXES:
            return pl.read_parquet(path)
        return read_csv(path, "\t" if suffix == ".tsv" else ",", null_markers)
    except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as error:
        kind = "Parquet" if suffix in PARQUET_SUFFIXES else "CSV"
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ScaffoldError(f"{path}: cannot read it as {kind}: {detail}") from None


def read_csv(path: Path, separator: str, null_markers: tuple[str, ...]) -> pl.DataFrame:
    """Infer types from the first rows (fast, dates included); if a later row disagrees, from all.

    Scanning every row with date parsing costs ~15x more on large files, and a
    column with one bad date is not a date column anyway.
    """
    import polars as pl  # noqa: PLC0415

    options = {"separator": separator, "null_values": list(null_markers)}
    try:
        return pl.read_csv(path, infer_schema_length=INFER_ROWS, try_parse_dates=True, **options)
    except pl.exceptions.ComputeError:
        return pl.read_csv(path, infer_schema_length=None, **options)


def logical_type(dtype: pl.DataType) -> str:
    """The ODCS logical type for a polars dtype."""
    if dtype.is_integer():
        return "integer"
    if dtype.is_float() or dtype.is_decimal():
        return "number"
    name = dtype.base_type().__name__
    return {
        "Boolean": "boolean",
        "Date": "date",
        "Datetime": "timestamp",
        "Time": "time",
        "List": "array",
        "Array": "array",
        "Struct": "object",
    }.get(name, "string")


def physical_type(dtype: pl.DataType) -> str:
    """The polars dtype, short: `Datetime[us, UTC]` rather than its constructor call."""
    unit = getattr(dtype, "time_unit", None)
    if unit is None:
        return str(dtype)
    zone = getattr(dtype, "time_zone", None)
    return f"{dtype.base_type().__name__}[{unit}{', ' + zone if zone else ''}]"


def profile_column(column: pl.Series, max_codes: int = MAX_CODES) -> ColumnProfile:
    """Types, nulls, range and (for code lists) the distinct values of one column."""
    kind = logical_type(column.dtype)
    present = column.drop_nulls()
    if kind == "number" and column.dtype.is_float():
        present = present.filter(present.is_finite())
    comparable = kind in {"integer", "number", "date", "timestamp", "time"}
    distinct = present.n_unique() if kind not in {"array", "object"} else len(present)
    enum_like = (
        kind in {"integer", "string"} and 0 < distinct <= max_codes and distinct * 2 <= len(present)
    )
    return ColumnProfile(
        name=column.name,
        physical_type=physical_type(column.dtype),
        logical_type=kind,
        null_count=column.null_count(),
        distinct_count=distinct,
        minimum=plain(present.min()) if comparable and len(present) else None,
        maximum=plain(present.max()) if comparable and len(present) else None,
        values=tuple(plain(v) for v in present.unique().sort().to_list()) if enum_like else None,
        time_zone=getattr(column.dtype, "time_zone", None),
    )


def plain(value: Any) -> Any:
    """A value YAML and JSON Schema understand: dates become ISO strings, decimals floats."""
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return float(value)
