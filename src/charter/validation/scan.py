"""Open the data to validate as a lazy plan, so memory follows a column, not the file.

Parquet (a file, a dataset folder, a glob) is scanned. CSV is streamed once, a
piece at a time, into temporary Parquet files of text columns, then scanned like
Parquet and parsed to the contract's types as expressions: a CSV larger than
memory validates as a Parquet file does. A record longer than
`MAX_LINE` is refused before polars sees it, since a reader holds a record whole.
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
    csv_matches,
    first_line,
    parse_lazy,
    read_with,
    refuse_non_utf8,
    without_null_markers,
)
from charter.validation.spec import TableSpec

MAX_LINE = 64 * 1024 * 1024
"""The longest CSV record read: a longer one is a blob in a text file, not a row of a table."""
_PIECE = 16 << 20
"""Bytes of CSV parsed at a time."""


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
        csv = csv_matches(location)
        if csv is not None:
            with _text_parquet(csv[0], "CSV", csv[1]) as text:
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
        with _text_parquet([path], kind, "\t" if suffix == ".tsv" else ",") as text:
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
def _text_parquet(paths: list[Path], kind: str, separator: str) -> Iterator[OneSchema]:
    """The CSV files streamed into temporary Parquet parts whose columns are all text.

    Python reads `_PIECE` bytes at a time, cut at a record's end, and polars parses
    each piece from memory: no reader maps the whole file, so a CSV larger than
    the address space left to the process still validates.
    """
    with tempfile.TemporaryDirectory(prefix="charter-validate-") as folder:
        parts = 0
        for path in paths:
            header = b""
            for piece in _pieces(path, kind):
                if not header:  # the first piece starts with the header record
                    header = piece[: _first_record_end(piece, 0, inside=False) + 1] or piece
                    text = piece
                else:  # later pieces read as the first does: short rows padded, not an error
                    text = header + piece
                frame = read_with(path, kind, lambda text=text: _parse(text, separator))
                frame.write_parquet(Path(folder) / f"{parts:08d}.parquet")
                parts += 1
        yield once(read_with(paths[0], kind, lambda: _scan_parts(folder)))


def _parse(piece: bytes, separator: str) -> pl.DataFrame:
    """One piece, led by the file's header record, as text columns."""
    return pl.read_csv(piece, separator=separator, infer_schema=False)


def _scan_parts(folder: str) -> pl.LazyFrame:
    frame = pl.scan_parquet(Path(folder) / "*.parquet")
    frame.collect_schema()  # parts whose columns differ fail here, in words
    return frame


def _pieces(path: Path, kind: str) -> Iterator[bytes]:
    """The file in pieces of about `_PIECE` bytes, each ending where a record ends.

    A record longer than `MAX_LINE` (a line, or a quoted field spanning lines) is
    refused: a reader must hold a record whole.
    """
    line = 1
    carry = b""
    odd = False  # whether `carry` ends inside quotes
    try:
        with path.open("rb") as stream:
            while block := stream.read(_PIECE):
                data = carry + block if carry else block
                start, was_odd = len(carry), odd
                end = _record_end(data, start, inside=odd)
                if end < 0:
                    piece, carry = b"", data
                    odd ^= block.count(b'"') % 2 == 1
                else:
                    piece, carry = data[: end + 1], data[end + 1 :]
                    odd = carry.count(b'"') % 2 == 1
                # a record begun in the carry that ends in this block may still be too long
                begun = end >= 0 and start and len(data) > MAX_LINE
                if begun and _first_record_end(data, start, inside=was_odd) >= MAX_LINE:
                    raise _too_long(path, kind, line)
                if len(carry) > MAX_LINE:
                    raise _too_long(path, kind, line + piece.count(b"\n"))
                if piece:
                    line += piece.count(b"\n")
                    yield piece
            if carry or line == 1:
                yield carry
    except OSError as error:
        raise DataError(f"{path}: cannot read {kind}: {error.strerror or error}") from None


def _too_long(path: Path, kind: str, line: int) -> DataError:
    return DataError(
        f"{path}: the record on line {line} of the {kind} file is longer than "
        f"{MAX_LINE // (1 << 20)} MiB, which is a blob, not a row of a table: keep large "
        "values in files of their own and their paths in the table"
    )


def _first_record_end(data: bytes, start: int, *, inside: bool) -> int:
    """The first newline of `data[start:]` outside quotes, or -1 (as `_record_end`, forwards)."""
    position, odd = start, inside
    while True:
        quote = data.find(b'"', position)
        if not odd:
            newline = data.find(b"\n", position, len(data) if quote < 0 else quote)
            if newline >= 0:
                return newline
        if quote < 0:
            return -1
        odd, position = not odd, quote + 1


def _record_end(data: bytes, start: int, *, inside: bool) -> int:
    """The last newline of `data[start:]` outside quotes, or -1 (`inside`: `start` is in quotes).

    `data` starts a record, and RFC 4180 doubles a quote inside a quoted field, so
    a newline after an even number of quotes ends a record. The search steps from
    quote to quote, never newline by newline: a quoted field of a million lines
    costs as little as one.
    """
    quotes = data.count(b'"', start) + inside  # quotes before the end of `data`
    end = len(data)
    while end > start:
        quote = data.rfind(b'"', start, end)
        if quotes % 2 == 0:  # `data[quote + 1 : end]` is outside quotes
            newline = data.rfind(b"\n", max(quote + 1, start), end)
            if newline >= 0:
                return newline
        if quote < 0:
            return -1
        quotes -= 1
        end = quote
    return -1
