"""Open the data to validate as a lazy plan, so memory follows a column, not the file.

Parquet (a file, a dataset folder, a glob) is scanned. CSV is streamed once by
polars' streaming engine into a temporary Parquet file of text columns, then
scanned like Parquet and parsed to the contract's types as expressions: a CSV
larger than memory validates as a Parquet file does. A line longer than
`MAX_LINE` is refused before polars sees it, since a reader holds a line whole.
"""

from __future__ import annotations

import glob
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from charter.constants import CSV_SUFFIXES, PARQUET_SUFFIXES
from charter.formats.source import not_regular
from charter.validation.errors import DataError
from charter.validation.report import Failure
from charter.validation.sources import (
    Data,
    first_line,
    parse_lazy,
    read_with,
    refuse_non_utf8,
    without_null_markers,
)
from charter.validation.spec import TableSpec

MAX_LINE = 64 * 1024 * 1024
"""The longest CSV line read: a longer one is a blob in a text file, not a row of a table."""
_CHUNK = 1 << 20


class OneSchema(pl.LazyFrame):
    """A LazyFrame that resolves its schema once.

    pandera asks a frame for its schema once per column it checks; resolving it
    costs time in the number of columns, so validating a wide table was quadratic.
    A plan never changes, so the first answer holds; derived plans are new frames.
    """

    def collect_schema(self) -> pl.Schema:
        schema = self.__dict__.get("_schema")
        if schema is None:
            schema = self.__dict__["_schema"] = _Names(super().collect_schema())
        return schema


class _Names(pl.Schema):
    """A schema that lists its names once (pandera asks for them once per column too)."""

    def names(self) -> list[str]:
        names = self.__dict__.get("_names")
        if names is None:
            names = self.__dict__["_names"] = super().names()
        return names


def once(frame: pl.LazyFrame) -> OneSchema:
    """The same plan as a `OneSchema`."""
    return OneSchema._from_pyldf(frame._ldf)


@contextmanager
def scanned(data: Data, table: TableSpec) -> Iterator[tuple[OneSchema, list[Failure]]]:
    """The data as a lazy plan, and the CSV values that do not parse as their contract type.

    A CSV's temporary Parquet copy lives as long as the `with` block.
    """
    if isinstance(data, pl.DataFrame):
        yield once(data.lazy()), []
        return
    if isinstance(data, pl.LazyFrame):
        try:
            data.collect_schema()
        except (pl.exceptions.PolarsError, OSError) as error:
            raise DataError(f"cannot collect the LazyFrame: {first_line(error)}") from None
        yield once(data), []
        return
    location = str(data)
    path = Path(data)
    if glob.has_magic(location):
        matches = glob.glob(location, recursive=True)  # noqa: PTH207 - absolute patterns
        if not matches:
            raise DataError(f"{location}: no file matches the pattern")
        if all(Path(match).suffix.lower() in CSV_SUFFIXES for match in matches):
            for match in matches:
                refuse_long_lines(Path(match), "CSV")
            separator = "\t" if matches[0].lower().endswith(".tsv") else ","
            with _as_text_parquet(path, "CSV", location, separator) as text:
                yield _parsed(text, table)
            return
        yield _parquet(path, location), []
        return
    if path.is_dir():
        if not any(path.rglob("*.parquet")):
            raise DataError(
                f"{location}: is a folder with no Parquet file in it, not a regular file "
                "or a dataset; give a data file or a Parquet dataset folder"
            )
        yield _parquet(path, location), []
        return
    what = not_regular(path)
    if what:
        raise DataError(f"{path}: {what}; give the data file itself")
    if not path.is_file():
        raise DataError(f"{path}: data file not found")
    suffix = path.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        yield _parquet(path, location), []
        return
    if suffix in CSV_SUFFIXES:
        kind = suffix[1:].upper()
        refuse_non_utf8(path, kind)
        refuse_long_lines(path, kind)
        with _as_text_parquet(path, kind, location, "\t" if suffix == ".tsv" else ",") as text:
            yield _parsed(text, table)
        return
    known = ", ".join(PARQUET_SUFFIXES + CSV_SUFFIXES)
    raise DataError(f"{path}: unknown data format '{suffix}' (expected one of {known})")


def _parquet(path: Path, location: str) -> OneSchema:
    """A Parquet file, dataset folder (hive `key=value/` folders are columns) or glob, scanned."""

    def scan() -> pl.LazyFrame:
        frame = pl.scan_parquet(location, hive_partitioning=True)
        frame.collect_schema()  # a file that is no Parquet fails here, in words
        return frame

    return once(read_with(path, "Parquet", scan))


def _parsed(text: pl.LazyFrame, table: TableSpec) -> tuple[OneSchema, list[Failure]]:
    frame, failures = parse_lazy(once(without_null_markers(text, table)), table)
    return once(frame), failures


@contextmanager
def _as_text_parquet(path: Path, kind: str, location: str, separator: str) -> Iterator[OneSchema]:
    """The CSV streamed into a temporary Parquet file whose columns are all text."""
    with tempfile.TemporaryDirectory(prefix="charter-validate-") as folder:
        target = Path(folder) / "text.parquet"
        read_with(
            path,
            kind,
            lambda: pl.scan_csv(location, separator=separator, infer_schema=False).sink_parquet(
                target
            ),
        )
        yield once(read_with(path, kind, lambda: pl.scan_parquet(target)))


def refuse_long_lines(path: Path, kind: str) -> None:
    """Refuse a text file with a line longer than `MAX_LINE`, naming the line.

    Reading 1 MiB at a time and asking only where newlines are keeps this at disk speed.
    """
    run = 0
    line = 1
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(_CHUNK):
                first = chunk.find(b"\n")
                if first < 0:
                    run += len(chunk)
                else:
                    run += first
                    if run <= MAX_LINE:
                        line += chunk.count(b"\n")
                        run = len(chunk) - chunk.rfind(b"\n") - 1
                if run > MAX_LINE:
                    raise DataError(
                        f"{path}: line {line} of the {kind} file is longer than "
                        f"{MAX_LINE // (1024 * 1024)} MiB, which is a blob, not a row of a table: "
                        "keep large values in files of their own and their paths in the table"
                    )
    except OSError as error:
        raise DataError(f"{path}: cannot read {kind}: {error.strerror or error}") from None
