"""Translate pandera's lazily collected SchemaErrors into report `Failure`s.

pandera reports one SchemaError per failed check; this groups them by column and
check, counts failing rows and keeps a few distinct failing values as examples.
Errors that only follow from a column having the wrong type are dropped, and a
check that could not run says why in words, never with the exception's repr.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl
from pandera.constants import CHECK_OUTPUT_KEY
from pandera.errors import SchemaError, SchemaErrorReason, SchemaErrors

from charter.validation.polars_backend import CannotCheck
from charter.validation.report import EXAMPLES, NULL, Described, Failure

_TYPE_REASONS = (SchemaErrorReason.WRONG_DATATYPE, SchemaErrorReason.DATATYPE_COERCION)


def failures_from(
    errors: SchemaErrors | list[SchemaError], rows: int, unparsed: set[str]
) -> list[Failure]:
    """One Failure per failed check; `unparsed` columns already have a type failure."""
    if isinstance(errors, SchemaErrors):
        errors = errors.schema_errors
    pairs = [(error.reason_code, _failure(error, rows)) for error in errors]
    mistyped = unparsed | {f.column for reason, f in pairs if reason in _TYPE_REASONS}
    return [
        failure
        for reason, failure in pairs
        if not (reason == SchemaErrorReason.CHECK_ERROR and failure.column in mistyped)
        and not (reason == SchemaErrorReason.WRONG_DATATYPE and failure.column in unparsed)
    ]


def _failure(error: SchemaError, rows: int) -> Failure:
    reason = error.reason_code
    cases = error.failure_cases
    column = getattr(error.schema, "name", None) if _is_column(error) else None
    if reason == SchemaErrorReason.COLUMN_NOT_IN_DATAFRAME:
        return Failure(str(cases), "column missing from the data", rows)
    if reason == SchemaErrorReason.COLUMN_NOT_IN_SCHEMA:
        return Failure(str(cases), "column not in the contract", rows)
    if reason == SchemaErrorReason.WRONG_DATATYPE:
        return Failure(
            column, f"type {error.schema.dtype}", rows, (Described(f"got {_dtype(cases)}"),)
        )
    if reason == SchemaErrorReason.SERIES_CONTAINS_NULLS:
        return Failure(column, "required (no nulls)", _count(error), (NULL,))
    if reason == SchemaErrorReason.SERIES_CONTAINS_DUPLICATES:
        return Failure(column, "unique", _count(error), _examples(cases))
    if reason == SchemaErrorReason.DUPLICATES:
        keys = ", ".join(error.schema.unique or [])
        return Failure(None, f"unique ({keys})", _count(error), _examples(cases))
    check = error.check
    label = getattr(check, "error", None) or getattr(check, "name", None) or str(check)
    if reason == SchemaErrorReason.CHECK_ERROR:
        return Failure(
            column, f"{label} (could not run)", rows, (Described(cannot_check_reason(cases)),)
        )
    if getattr(check, "name", None) == "rowCount":
        return Failure(None, label, rows)
    return Failure(column, label, _count(error), _examples(cases))


def _is_column(error: SchemaError) -> bool:
    return type(error.schema).__name__ == "Column"


def _count(error: SchemaError) -> int:
    """Failing rows, from the check's whole output: pandera keeps only some failure cases."""
    output = error.check_output
    if isinstance(output, pl.DataFrame) and CHECK_OUTPUT_KEY in output.columns:
        return output.height - output[CHECK_OUTPUT_KEY].sum()
    cases = error.failure_cases
    return cases.height if isinstance(cases, pl.DataFrame) else 1


def _examples(cases: Any) -> tuple[str, ...]:
    if not isinstance(cases, pl.DataFrame) or not cases.width:
        return ()
    if cases.width == 1:
        values = cases.to_series().unique(maintain_order=True).head(EXAMPLES)
        return tuple(_text(value) for value in values)
    rows = cases.unique(maintain_order=True).head(EXAMPLES).rows(named=True)
    return tuple(str(row) for row in rows)


def _text(value: Any) -> str:
    """A failing value as a reader writes it: a list as `[0, 2]`, never a Series repr."""
    if value is None:
        return "null"
    if isinstance(value, pl.Series):
        return str(value.to_list())
    return str(value)


def _dtype(cases: Any) -> str:
    """A polars dtype as its name: `Datetime`, not `Datetime(time_unit='us', time_zone=None)`."""
    return re.sub(r"\(time_unit=.*\)$", "", str(cases))


def cannot_check_reason(cases: Any) -> str:
    """Why a check could not run, in words: never the exception's repr.

    pandera keeps `ClassName("message")` of what a check raised; Charter's own
    checks raise CannotCheck with a sentence, anything else is a bug in a check.
    """
    text = str(cases).strip()
    prefix = f'{CannotCheck.__name__}("'
    if text.startswith(prefix) and text.endswith('")'):
        return text[len(prefix) : -2]
    return "the check failed to run on these values"
