"""ODCS `type: sql` quality rules, run on polars SQL.

The query sees the data as a table named after the schema object (and its
`physicalName`); it returns one number, compared with the rule's threshold. A
query polars SQL cannot run (another engine's dialect, another table) is
reported as skipped with the reason, never as a pass or a failure.
"""

from __future__ import annotations

import polars as pl

from charter.validation.report import Failure
from charter.validation.spec import SQL_METRIC, TableSpec


def run_sql_rules(table: TableSpec, frame: pl.DataFrame) -> tuple[list[Failure], list[str]]:
    """The failures of the table's SQL rules, and the rules skipped with why."""
    failures: list[Failure] = []
    skipped: list[str] = []
    rules = [rule for rule in table.rules if rule.metric == SQL_METRIC]
    if not rules:
        return failures, skipped
    context = pl.SQLContext()
    for name in dict.fromkeys((table.name, *table.aliases)):
        context.register(name, frame)
    for rule in rules:
        where = f"property '{rule.column}'" if rule.column else "schema"
        label = f": {rule.label}" if rule.label else ""
        try:
            result = context.execute(rule.query or "", eager=True)
        except Exception as error:
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
            skipped.append(
                f"{where}: sql quality rule skipped{label}, because polars SQL cannot run it "
                f"({reason[:120]})"
            )
            continue
        value = _number(result)
        if value is None:
            skipped.append(
                f"{where}: sql quality rule skipped{label}, because its query does not return "
                "one number"
            )
            continue
        if not rule.threshold.accepts(value):
            failures.append(Failure(rule.column, rule.describe(), 1, (f"got {value:g}",)))
    return failures, skipped


def _number(result: pl.DataFrame) -> float | None:
    if result.height != 1 or result.width != 1:
        return None
    value = result.item()
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
