"""Validate rows to be scored against the part of a contract a model reads.

A scoring batch is not the training table: it lacks the target, has as many
rows as the day brings, and may carry columns the model ignores. So it is
checked against the contract's column rules for the columns the features read
(types, ranges, required, code lists, per-column quality rules), and not
against table-level rules such as the training set's row count.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from pandera.errors import SchemaErrors

from charter.validation.masking import mask_failures, sensitive_columns
from charter.validation.odcs import ContractSource, load_contract, located, table_spec
from charter.validation.pandera_errors import failures_from
from charter.validation.polars_backend import to_pandera
from charter.validation.report import ValidationReport, in_contract_order
from charter.validation.sources import Data, read_frame
from charter.validation.spec import TableSpec

if TYPE_CHECKING:
    from collections.abc import Iterable

    import polars as pl

    from charter.validation.errors import ContractError


def scoring_spec(contract: ContractSource, columns: Iterable[str]) -> TableSpec:
    """The contract's table restricted to `columns`, without table-level rules."""
    table = table_spec(contract)
    wanted = set(columns)
    unknown = sorted(wanted - {column.name for column in table.columns})
    if unknown:
        from charter.validation.errors import ContractError  # noqa: PLC0415

        raise ContractError(f"the contract has no column {unknown[0]!r}")
    return replace(
        table,
        columns=tuple(c for c in table.columns if c.name in wanted),
        rules=tuple(r for r in table.rules if r.column in wanted and r.metric != "sql"),
        unique_together=(),
        skipped=(),
    )


def validate_scoring(
    data: Data, contract: ContractSource, columns: Iterable[str]
) -> tuple[pl.DataFrame, ValidationReport]:
    """The data as read, and its report against the columns' rules (personal values masked)."""
    typed = load_contract(contract)
    table = scoring_spec(typed, columns)
    try:
        schema = to_pandera(table)
    except Exception as error:  # ContractError from the compiler: name the contract
        raise located(_as_contract_error(error), contract) from None
    frame, unparsed = read_frame(data, table)
    present = [c.name for c in table.columns if c.name in frame.columns]
    try:  # the other columns are the caller's business, so the strict schema sees only these
        schema.validate(frame.select(present), lazy=True)
    except SchemaErrors as errors:
        failures = unparsed + failures_from(errors, frame.height, {f.column for f in unparsed})
    else:
        failures = unparsed
    obj = typed.schema(table.name) or typed.schemas[0]
    failures = mask_failures(in_contract_order(failures, table), sensitive_columns(obj))
    source = str(data) if not hasattr(data, "columns") else None
    return frame, ValidationReport(table.name, frame.height, failures, (), source)


def _as_contract_error(error: Exception) -> ContractError:
    from charter.validation.errors import ContractError  # noqa: PLC0415

    return error if isinstance(error, ContractError) else ContractError(str(error))
