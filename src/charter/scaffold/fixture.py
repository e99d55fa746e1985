"""A small made-up table drafted from a contract, for the tests a project commits.

A team's own data is tracked by DVC, so a fresh clone (or CI before `dvc pull`)
has none of it; the generated tests read this table instead. It is drawn from
the contract alone, never from the data (which may be personal), with a fixed
seed so the same contract gives the same bytes: each column has its type, stays
inside its range and code list, a key is distinct on every row, a required
column is never empty, and there are at least the rows the contract's
`rowCount` asks for. It has no missing values: the pipeline's stages need none
to run, and a team adds the cases it cares about by hand.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from charter.formats.contract import Contract, Property
from charter.scaffold.errors import ScaffoldError

ROWS = 40
"""Rows in a fixture whose contract asks for fewer (or does not say)."""
FOLDER = Path("tests") / "fixtures"
"""Where a project keeps its fixtures: `tests/fixtures/<the data file's name>`."""
DECIMALS = 3
DEFAULT_RANGE = {"integer": (0, 100), "number": (0.0, 1.0)}
DEFAULT_DATES = ("2020-01-01", "2020-12-31")
TRIES = 100
"""Draws per row before a key's values are found too few to be distinct on every row."""


def fixture_rows(contract: Contract) -> int:
    """ROWS, or more when the contract's `rowCount` rule asks for more."""
    rows = ROWS
    schema = contract.schema()
    for rule in schema.quality if schema is not None else []:
        if rule.metric != "rowCount":
            continue
        for operator, bound in rule.thresholds:
            if isinstance(bound, int) and not isinstance(bound, bool):
                least = {"mustBeGreaterOrEqualTo": bound, "mustBeGreaterThan": bound + 1}
                rows = max(rows, least.get(operator, bound if operator == "mustBe" else 0))
    return rows


def fixture_table(
    contract: Contract, seed: str, *, balanced: str | None = None, rows: int | None = None
) -> Any:
    """The contract's table as a polars DataFrame of made-up rows (`seed` fixes the draw).

    `balanced` names a column (a classification's target) whose code list is
    cycled rather than drawn, so every class is in every split of the rows.
    """
    import polars as pl  # noqa: PLC0415 - charter's own dependency, loaded on demand

    schema = contract.schema()
    if schema is None:
        raise ScaffoldError(f"{contract.path}: no single schema object to draft a fixture from")
    count = rows if rows is not None else fixture_rows(contract)
    rng = random.Random(seed)
    keys = [prop for prop in schema.properties if prop.primary_key]
    distinct = keys if len(keys) > 1 else []
    columns: dict[str, list[Any]] = {}
    if distinct:
        columns |= _distinct_together(distinct, count, rng, contract.path)
    for prop in schema.properties:
        if prop.name in columns:
            continue
        if prop.primary_key or prop.unique:
            columns[prop.name] = _distinct_together([prop], count, rng, contract.path)[prop.name]
        elif prop.name == balanced and _codes(prop):
            codes = _codes(prop)
            columns[prop.name] = rng.sample([codes[i % len(codes)] for i in range(count)], count)
        else:
            draw = _drawer(prop, contract.path)
            columns[prop.name] = [draw(rng, index) for index in range(count)]
    dtypes = {prop.name: _dtype(prop) for prop in schema.properties}
    zones = {name: zone for name, (_, zone) in dtypes.items() if zone}
    table = pl.DataFrame(
        {prop.name: columns[prop.name] for prop in schema.properties},
        schema={name: dtype for name, (dtype, _) in dtypes.items()},
    )
    return table.with_columns(
        pl.col(name).dt.replace_time_zone(zone) for name, zone in zones.items()
    )


def fixture_bytes(table: Any, suffix: str) -> bytes:
    """The table as the data file is written: CSV for `.csv` (and the like), else Parquet."""
    buffer = io.BytesIO()
    if suffix.lower() == ".parquet":
        table.write_parquet(buffer, statistics=False)
    else:
        table.write_csv(buffer, separator="\t" if suffix.lower() == ".tsv" else ",")
    return buffer.getvalue()


def _codes(prop: Property) -> list[Any]:
    """The property's code list: `enum`, else its `invalidValues` rule's `validValues`."""
    if prop.enum:
        return list(prop.enum)
    for rule in prop.quality:
        values = rule.arguments.get("validValues")
        if rule.metric == "invalidValues" and isinstance(values, list) and values:
            return list(values)
    return []


def _bounds(prop: Property) -> tuple[Any, Any]:
    """The property's range from `logicalTypeOptions`, a default where it sets none."""
    kind = prop.logical_type or "string"
    low_default, high_default = DEFAULT_RANGE.get(kind, DEFAULT_DATES)
    low = prop.options.get("minimum", prop.options.get("exclusiveMinimum"))
    high = prop.options.get("maximum", prop.options.get("exclusiveMaximum"))
    if low is None and high is None:
        return low_default, high_default
    if low is None:
        low = high if kind not in DEFAULT_RANGE else high - (high_default - low_default)
    if high is None:
        high = low if kind not in DEFAULT_RANGE else low + (high_default - low_default)
    return low, high


def _drawer(prop: Property, path: Path) -> Callable[[random.Random, int], Any]:
    """How to draw one value of `prop` (the row's index for the values that need one)."""
    codes = _codes(prop)
    if codes:
        return lambda rng, _index: rng.choice(codes)
    kind = prop.logical_type or "string"
    if kind == "boolean":
        return lambda rng, _index: rng.random() < 0.5
    if kind == "integer":
        low, high = (int(bound) for bound in _bounds(prop))
        return lambda rng, _index: rng.randint(low, high)
    if kind == "number":
        low, high = (float(bound) for bound in _bounds(prop))
        return lambda rng, _index: min(max(round(rng.uniform(low, high), DECIMALS), low), high)
    if kind in ("date", "timestamp"):
        low, high = (_moment(bound, kind) for bound in _bounds(prop))
        span = max(int((high - low).total_seconds()), 0)
        unit = 86400 if kind == "date" else 1

        def moment(rng: random.Random, _index: int) -> Any:
            drawn = low + dt.timedelta(seconds=rng.randint(0, span // unit) * unit)
            return drawn.date() if kind == "date" else drawn

        return moment
    if kind == "string":
        stem = prop.name
        return lambda _rng, index: f"{stem}-{index + 1}"
    raise ScaffoldError(
        f"{path}: cannot draft fixture values for {prop.name} ({kind}); write "
        f"{FOLDER.as_posix()}/ by hand"
    )


def _distinct_together(
    props: Sequence[Property], count: int, rng: random.Random, path: Path
) -> dict[str, list[Any]]:
    """Values of `props` that are distinct together on every row (a key, or a unique column)."""
    draws = [_key_drawer(prop, path) for prop in props]
    seen: set[tuple[Any, ...]] = set()
    rows: list[tuple[Any, ...]] = []
    for index in range(count * TRIES):
        if len(rows) == count:
            break
        row = tuple(draw(rng, index) for draw in draws)
        if row not in seen:
            seen.add(row)
            rows.append(row)
    if len(rows) < count:
        names = ", ".join(prop.name for prop in props)
        raise ScaffoldError(
            f"{path}: the ranges and code lists of {names} allow fewer than {count} distinct "
            f"rows; widen them, or write {FOLDER.as_posix()}/ by hand"
        )
    return {prop.name: [row[n] for row in rows] for n, prop in enumerate(props)}


def _key_drawer(prop: Property, path: Path) -> Callable[[random.Random, int], Any]:
    """A key's values: counted up for an integer or text key of its own, else drawn."""
    if not _codes(prop) and prop.logical_type == "integer":
        low, high = (int(bound) for bound in _bounds(prop))
        if prop.unique or high - low < 2 * ROWS:
            return lambda rng, index: low + index if low + index <= high else rng.randint(low, high)
    if not _codes(prop) and prop.logical_type == "string":
        return lambda _rng, index: f"{prop.name}-{index + 1}"
    return _drawer(prop, path)


def _moment(value: Any, kind: str) -> dt.datetime:
    """A date or timestamp bound (an ISO string in the contract) as a naive datetime."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    else:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    moment = moment.replace(tzinfo=None)
    return moment if kind == "timestamp" else dt.datetime.combine(moment.date(), dt.time())


def _dtype(prop: Property) -> tuple[Any, str | None]:
    """The polars dtype the contract's physical type (else logical type) names, and its time
    zone (`Datetime[us, UTC]`, or `defaultTimezone`): the values are drawn without one."""
    import polars as pl  # noqa: PLC0415

    physical = str(prop.raw.get("physicalType") or "")
    moment = re.fullmatch(r"Datetime\[(ns|us|ms)(?:, (.+))?\]", physical)
    if moment or prop.logical_type == "timestamp":
        zone = moment.group(2) if moment else None
        if zone is None and prop.options.get("timezone"):
            zone = str(prop.options.get("defaultTimezone") or "UTC")
        return pl.Datetime(moment.group(1) if moment else "us"), zone
    named = getattr(pl, physical, None) if physical.isidentifier() else None
    if isinstance(named, type) and issubclass(named, pl.DataType):
        return named, None
    return {
        "integer": pl.Int64,
        "number": pl.Float64,
        "boolean": pl.Boolean,
        "date": pl.Date,
    }.get(prop.logical_type or "string", pl.String), None
