"""What a validation found: failures by column and check, with counts and examples."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from charter.validation.spec import TableSpec

EXAMPLES = 5  # distinct failing values shown per failure
NOT_COUNTED = "not counted on Spark"  # pandera's pyspark backend gives no failing rows
MASKED_NOTE = (
    "values of restricted and direct-identifier columns are masked; someone allowed to see "
    "them runs charter validate --show-personal-values"
)


class Described(str):
    """An example that describes the failure (`got String`, `null`), not a value of the data."""

    __slots__ = ()


NULL = Described("null")


@dataclass(frozen=True)
class Failure:
    """One check that failed on one column (`column` is None for table-level checks).

    `count` is the number of failing rows; for a missing column, a wrong type or a
    failed rowCount rule every row is affected, so it is the row count. It is None
    where the engine cannot count (pandera's pyspark built-in checks): the report
    says "not counted on Spark".
    """

    column: str | None
    check: str
    count: int | None
    examples: tuple[str, ...] = ()
    masked: bool = False
    """The column is restricted or a direct identifier: one example, masked (`masking`)."""


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating one table against one contract schema object."""

    schema: str
    rows: int
    failures: list[Failure] = field(default_factory=list)
    skipped: tuple[str, ...] = ()
    source: str | None = None  # the data file, when the data came from one

    @property
    def ok(self) -> bool:
        return not self.failures

    def format(self) -> str:
        """A plain-text table: column, failing check, count, examples."""
        where = f"{self.source}: " if self.source else ""
        if self.ok:
            lines = [f"{where}{self.schema}: {self.rows} rows valid against the contract"]
        else:
            lines = [
                f"{where}{self.schema}: {len(self.failures)} failing checks on {self.rows} rows",
                *_table(self.failures),
            ]
        lines += [f"note: {note}" for note in self.skipped]
        if any(failure.masked for failure in self.failures):
            lines.append(f"note: {MASKED_NOTE}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "schema": self.schema,
            "rows": self.rows,
            "ok": self.ok,
            "failures": [asdict(failure) for failure in self.failures],
            "skipped": list(self.skipped),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, default=str)

    def raise_for_failures(self) -> None:
        """Raise ContractViolation when any check failed; a pipeline stage calls this."""
        if not self.ok:
            raise ContractViolation(self)


class ContractViolation(Exception):  # noqa: N818 - a finding about data, not a program error
    """The data breaks its contract; `.report` says where."""

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(report.format())
        self.report = report


def _count(failure: Failure) -> str:
    return NOT_COUNTED if failure.count is None else str(failure.count)


def _examples(failure: Failure) -> str:
    shown = ", ".join(failure.examples)
    return f"{shown} (masked)" if failure.masked else shown


def _table(failures: list[Failure]) -> list[str]:
    header = ("column", "check", "count", "examples")
    rows = [(f.column or "(table)", f.check, _count(f), _examples(f)) for f in failures]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    return [
        f"  {a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}  {d}".rstrip()
        for a, b, c, d in [header, *rows]
    ]


def every_undocumented_column(
    failures: list[Failure], columns: list[str], table: TableSpec, rows: int | None
) -> list[Failure]:
    """One failure per column the contract does not list (pandera names only the first)."""
    check = "column not in the contract"
    known = {spec.name for spec in table.columns}
    extra = [Failure(c, check, rows) for c in columns if c not in known]
    return [f for f in failures if f.check != check] + extra


def in_contract_order(failures: list[Failure], table: TableSpec) -> list[Failure]:
    """Columns in the contract's order, then unknown columns, then table-level checks."""
    order = {spec.name: index for index, spec in enumerate(table.columns)}
    return sorted(
        failures,
        key=lambda f: (f.column is None, order.get(f.column or "", len(order))),
    )
