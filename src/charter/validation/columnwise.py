"""Run a contract's pandera schema in column batches: linear in columns, bounded in memory.

Every polars pass costs time in the width of the plan it runs on, and pandera
makes a few passes per check, so one schema over a 5,000-column frame was
quadratic. Columns are checked in batches on narrow frames instead: a small
table's batch is read into memory once (`BATCH_CELLS` values at most), a tall
table is checked on its lazy scan, a column at a time. Presence, undocumented
columns and table-level rules run once on the whole (lazy) frame.
"""

from __future__ import annotations

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
            data = data.collect(engine="streaming").lazy()
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
