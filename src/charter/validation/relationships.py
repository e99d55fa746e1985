"""ODCS `relationships` (foreign keys) checked on data, when the referenced data is given.

A relationship `orders.customer_id -> customers.id` holds when every non-null
value (or combination, for a composite key) of the source columns occurs in the
target columns of the referenced dataset. Values are compared as text, so an
integer key in Parquet matches the same key read from CSV.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from charter.formats.contract import SchemaObject
from charter.validation.report import EXAMPLES, Failure
from charter.validation.sources import Data, read_any


def check_relationships(
    obj: SchemaObject, frame: pl.DataFrame | pl.LazyFrame, references: Mapping[str, Data]
) -> tuple[list[Failure], list[str]]:
    """Failures of the object's relationships, and those that could not be checked, with why."""
    failures: list[Failure] = []
    skipped: list[str] = []
    loaded: dict[str, pl.DataFrame] = {}
    for relationship in obj.all_relationships():
        source = [_column(obj.name, name) for name in relationship.source]
        target = [name.partition(".") for name in relationship.target]
        label = f"relationship to {', '.join(relationship.target)}"
        tables = {table for table, _, _ in target}
        if any(s is None for s in source) or len(tables) != 1 or len(source) != len(target):
            skipped.append(
                f"schema: {label} not checked: only columns of this dataset to one table"
            )
            continue
        table = tables.pop()
        if table not in references:
            skipped.append(
                f"schema: {label} not checked: give the data with --reference {table}=FILE"
            )
            continue
        if table not in loaded:
            loaded[table] = read_any(references[table])
        columns = [column for _, _, column in target]
        present = {*frame.collect_schema().names(), *loaded[table].columns}
        missing = [c for c in [*source, *columns] if c not in present]
        if missing:
            skipped.append(f"schema: {label} not checked: no column {missing[0]!r} in the data")
            continue
        failures += _orphans(frame, source, loaded[table], columns, label)
    return failures, skipped


def _column(table: str, reference: str) -> str | None:
    """The column a `table.column` source names in this dataset (None for another table)."""
    owner, _, column = reference.partition(".")
    return column if owner == table and column and "." not in column else None


def _orphans(
    frame: pl.DataFrame | pl.LazyFrame,
    source: list[str],
    target: pl.DataFrame,
    columns: list[str],
    label: str,
) -> list[Failure]:
    keys = [f"k{i}" for i in range(len(source))]
    left = frame.lazy().select(
        pl.col(c).cast(pl.String).alias(k) for c, k in zip(source, keys, strict=True)
    )
    right = (
        target.lazy()
        .select(pl.col(c).cast(pl.String).alias(k) for c, k in zip(columns, keys, strict=True))
        .unique()
    )
    orphans = left.drop_nulls().join(right, on=keys, how="anti")
    count = orphans.select(pl.len()).collect().item()
    if not count:
        return []
    values = orphans.unique(maintain_order=True).head(EXAMPLES).collect()
    examples = tuple(", ".join(str(v) for v in row) for row in values.rows())
    return [Failure(source[0] if len(source) == 1 else None, label, count, examples)]
