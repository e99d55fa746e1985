"""Both engines give the same verdict and exit code on the corpus's shapes (issue 27 item 11).

Measured on the external corpus (../shared/corpus, never copied here): a CSV
whose `date` column holds ISO timestamps failed on polars and passed on Spark
(which cut each timestamp to its day), and a Parquet file with columns the
contract does not list, one of them a `TIME(MILLIS)` Spark's reader refuses,
was exit 1 on polars and exit 2 on Spark. These fixtures have the same shapes.
Under `pytest --engine-parity` (`nox -s spark`) every `validate` here also runs
on Spark and must agree; the `spark` tests compare the CLI's exit codes.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from charter.validation import validate

ORDERS = {
    "apiVersion": "v3.1.0",
    "kind": "DataContract",
    "id": "orders",
    "version": "1.0.0",
    "status": "draft",
    "schema": [
        {
            "name": "orders",
            "properties": [
                {"name": "order_id", "logicalType": "string", "required": True},
                {"name": "ordered_on", "logicalType": "date", "required": True},
                {"name": "total", "logicalType": "integer"},
            ],
        }
    ],
}

MEASUREMENTS = {
    "apiVersion": "v3.2.0",
    "kind": "DataContract",
    "id": "measurements",
    "version": "1.0.0",
    "status": "draft",
    "schema": [
        {
            "name": "measurements",
            "properties": [
                {"name": "label", "logicalType": "string"},
                {"name": "reading", "logicalType": "number"},
            ],
        }
    ],
}


def _orders_csv(folder: Path, dates: list[str]) -> Path:
    path = folder / "orders.csv"
    rows = [f"A-{i},{day},{10 * i}" for i, day in enumerate(dates, 1)]
    path.write_text("order_id,ordered_on,total\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _wide_parquet(folder: Path) -> Path:
    """Two columns the contract lists, and two it does not: a list and a TIME(MILLIS)."""
    path = folder / "measurements.parquet"
    table = pa.table(
        {
            "label": ["a", "b", "c"],
            "reading": [1.5, 2.5, 3.5],
            "samples": pa.array([[1, 2], [3], []], pa.list_(pa.int32())),
            "taken_at": pa.array([dt.time(12, 0), dt.time(13, 30), None], pa.time32("ms")),
        }
    )
    pq.write_table(table, path)
    return path


def test_timestamps_in_a_date_column_are_a_type_failure(tmp_path: Path):
    csv = _orders_csv(tmp_path, ["2024-01-01T10:00:00Z", "2024-01-02T11:30:00Z"])
    report = validate(csv, ORDERS)
    assert [(f.column, f.check, f.count) for f in report.failures] == [
        ("ordered_on", "type date", 2)
    ]


def test_iso_dates_pass_and_other_spellings_fail_alike(tmp_path: Path):
    assert validate(_orders_csv(tmp_path, ["2024-01-01", "2024-1-2", " 2024-02-29 "]), ORDERS).ok
    for spelling in ("2024/01/05", "05/01/2024", "2024-01", "2024-01-05 10:00", "20240105"):
        report = validate(_orders_csv(tmp_path, ["2024-01-01", spelling]), ORDERS)
        assert [(f.column, f.check) for f in report.failures] == [("ordered_on", "type date")], (
            spelling
        )


def test_undocumented_columns_are_findings_not_an_error(tmp_path: Path):
    report = validate(_wide_parquet(tmp_path), MEASUREMENTS)
    assert [(f.column, f.check) for f in report.failures] == [
        ("samples", "column not in the contract"),
        ("taken_at", "column not in the contract"),
    ]


def _cli(data: Path, contract: Path, engine: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "charter", "validate", str(data), "--contract", str(contract),
         "--engine", engine],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


@pytest.mark.spark
@pytest.mark.parametrize("shape", ["timestamps-in-date", "undocumented-time-column"])
def test_the_cli_exits_the_same_on_both_engines(spark, tmp_path: Path, shape: str):
    import yaml  # noqa: PLC0415

    if shape == "timestamps-in-date":
        data, contract = _orders_csv(tmp_path, ["2024-01-01T10:00:00Z"]), ORDERS
    else:
        data, contract = _wide_parquet(tmp_path), MEASUREMENTS
    path = tmp_path / "contract.odcs.yaml"
    path.write_text(yaml.safe_dump(contract), encoding="utf-8")
    polars, on_spark = _cli(data, path, "polars"), _cli(data, path, "spark")
    assert (polars.returncode, on_spark.returncode) == (1, 1), on_spark.stderr[-2000:]
    assert polars.stdout.splitlines()[2:] == on_spark.stdout.splitlines()[2:]
    reports = [validate(data, contract, engine=e, spark=spark) for e in ("polars", "spark")]
    assert [[(f.column, f.check) for f in r.failures] for r in reports] == [
        [(f.column, f.check) for f in reports[0].failures]
    ] * 2
    assert "Traceback" not in on_spark.stderr


def test_a_polars_time_column_is_read_too(tmp_path: Path):
    path = tmp_path / "t.parquet"
    pl.DataFrame({"label": ["a"], "reading": [1.0], "at": [dt.time(1)]}).write_parquet(path)
    assert [f.column for f in validate(path, MEASUREMENTS).failures] == ["at"]
