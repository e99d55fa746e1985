"""Run a contract's pandera schema in column batches: linear in columns, bounded in memory.

Every polars pass costs time in the width of the plan it runs on, and pandera
makes a few passes per check, so one schema over a 5,000-column frame was
quadratic. Columns are checked in batches on narrow frames instead: a small
table's batch is read into memory once (`BATCH_CELLS` values at most), a tall
table is checked on its lazy scan, a column at a time. Presence, undocumented
columns and table-level rules run once on the whole (lazy) frame.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pandera.polars as pa
import polars as pl
from pandera.config import config_context
from pandera.errors import SchemaError, SchemaErrors

BATCH_CELLS = 1 << 20
"""Values read into memory at once for one batch of columns (rows x columns)."""
MAX_BATCH = 32
"""Columns per batch: wide enough to amortise a read, narrow enough to keep passes cheap."""


def schema_errors(schema: pa.DataFrameSchema, frame: pl.LazyFrame, rows: int) -> list[SchemaError]:
    """Every error pandera finds in `frame` (lazy mode), batch by batch."""
    errors: list[SchemaError] = []
    for part, data, in_memory in _parts(schema, frame, rows):
        # pandera checks only the schema of a LazyFrame unless told to check the data;
        # polars' streaming engine costs a fixed ~0.2 ms a pass, 6x the in-memory one
        engine = "in-memory" if in_memory else "streaming"
        with config_context(validation_depth="SCHEMA_AND_DATA"), pl.Config(engine_affinity=engine):
            try:
                part.validate(data, lazy=True)
            except SchemaErrors as found:
                errors += found.schema_errors
    return errors


def unproven(columns: dict[str, pa.Column], data: pl.DataFrame) -> dict[str, pa.Column]:
    """The columns less what one aggregate pass over `data` proves: checks that hold, no nulls.

    Each of Charter's value checks asks "do all values pass?" before pandera looks
    at rows (`polars_backend._fast_check`); asked of every column of a batch at
    once, a valid column costs no pass of its own. What fails, or cannot be
    asked, stays for pandera to report with its failing rows.
    """
    questions: dict[tuple[str, int], pl.Expr] = {}
    for name, column in columns.items():
        dtype = data.schema[name]
        missing = pl.col(name).is_null()
        if dtype in (pl.Float32, pl.Float64):  # pandera counts NaN as null, so does this
            missing = missing | pl.col(name).is_nan()
        questions[name, -1] = ~missing.any()
        for index, check in enumerate(column.checks):
            valid = getattr(check, "valid_rows", None)
            try:
                if valid is not None:
                    questions[name, index] = valid(data.schema).all()
            except Exception:  # the check cannot run here: pandera runs it and says why
                continue
    try:
        answers = data.select(
            expression.alias(str(number)) for number, expression in enumerate(questions.values())
        ).row(0)
    except pl.exceptions.PolarsError:
        return columns
    proven = {key for key, answer in zip(questions, answers, strict=True) if answer is True}
    narrowed = {}
    for name, column in columns.items():
        column = copy.copy(column)  # noqa: PLW2901 - the schema's own column stays as it is
        column.checks = [c for i, c in enumerate(column.checks) if (name, i) not in proven]
        column.nullable = column.nullable or (name, -1) in proven
        narrowed[name] = column
    return narrowed


def _parts(
    schema: pa.DataFrameSchema, frame: pl.LazyFrame, rows: int
) -> Iterator[tuple[pa.DataFrameSchema, pl.LazyFrame, bool]]:
    """Sub-schemas, the frame each runs on, and whether that frame is in memory."""
    names = set(frame.collect_schema().names())
    present = [name for name in schema.columns if name in names]
    width = min(MAX_BATCH, BATCH_CELLS // max(rows, 1))
    for start in range(0, len(present), max(width, 1)):
        batch = present[start : start + max(width, 1)]
        columns = {name: schema.columns[name] for name in batch}
        data = frame.select(batch)
        if width >= 1:  # small enough to read: passes on memory, as narrow as the batch
            read = data.collect(engine="streaming")
            columns, data = unproven(columns, read), read.lazy()
        yield pa.DataFrameSchema(columns, name=schema.name), data, width >= 1
    presence = {name: pa.Column(None, nullable=True, name=name) for name in schema.columns}
    yield (
        pa.DataFrameSchema(presence, checks=schema.checks, strict=schema.strict, name=schema.name),
        frame,
        False,
    )
    if schema.unique:
        keys = [name for name in schema.unique if name in names]
        if keys:
            yield pa.DataFrameSchema(unique=keys, name=schema.name), frame.select(keys), False
