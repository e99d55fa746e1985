"""ODCS `type: sql` quality rules, run on polars SQL.

The query sees the data as a table named after the schema object (and its
`physicalName`); it returns one number, compared with the rule's threshold. A
query polars SQL cannot run (another engine's dialect, another table) is
reported as skipped with the reason, never as a pass or a failure.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from charter.validation.report import Described, Failure
from charter.validation.spec import SQL_METRIC, QualityRule, TableSpec


def run_sql_rules(
    table: TableSpec, frame: pl.DataFrame | pl.LazyFrame
) -> tuple[list[Failure], list[str]]:
    """The failures of the table's SQL rules, and the rules skipped with why."""
    rules = [rule for rule in table.rules if rule.metric == SQL_METRIC]
    if not rules:
        return [], []
    context = pl.SQLContext()
    for name in dict.fromkeys((table.name, *table.aliases)):
        context.register(name, frame)
    return judge_sql_rules(
        rules, "polars SQL", lambda query: _number(context.execute(query, eager=True))
    )


def judge_sql_rules(
    rules: list[QualityRule],
    engine: str,
    answer: Callable[[str], float | None],
    errors: tuple[type[BaseException], ...] = (Exception,),
) -> tuple[list[Failure], list[str]]:
    """Each rule's query answered by `answer` (its one number, None when it returns no single
    number) and compared with the threshold; a query `engine` cannot run is skipped, with why.

    Shared by the polars and the Spark engine, so both word and judge a rule the same way.
    """
    failures: list[Failure] = []
    skipped: list[str] = []
    for rule in rules:
        where = f"property '{rule.column}'" if rule.column else "schema"
        label = f": {rule.label}" if rule.label else ""
        try:
            value = answer(rule.query or "")
        except errors as error:
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
            skipped.append(
                f"{where}: sql quality rule skipped{label}, because {engine} cannot run it "
                f"({reason[:120]})"
            )
            continue
        if value is None:
            skipped.append(
                f"{where}: sql quality rule skipped{label}, because its query does not return "
                "one number"
            )
            continue
        if not rule.threshold.accepts(value):
            failures.append(
                Failure(rule.column, rule.describe(), 1, (Described(f"got {value:g}"),))
            )
    return failures, skipped


def _number(result: pl.DataFrame) -> float | None:
    if result.height != 1 or result.width != 1:
        return None
    value = result.item()
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
