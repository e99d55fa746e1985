"""The generated project's own contract accepts the diabetes data and stops corrupted copies."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from sklearn.datasets import load_diabetes

from charter.validation import ContractViolation, validate


@pytest.fixture(scope="module")
def contract(render) -> Path:
    return render() / "governance" / "contracts" / "patients.odcs.yaml"


@pytest.fixture(scope="module")
def patients() -> pl.DataFrame:
    """What the ingest stage writes: the bundled data, a patient_id, target renamed."""
    bunch = load_diabetes(scaled=False)
    frame = pl.DataFrame(bunch.data, schema=bunch.feature_names, orient="row")
    return frame.select(
        pl.format("P{}", pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(4)).alias(
            "patient_id"
        ),
        pl.col("age", "sex").cast(pl.Int64),
        pl.exclude("age", "sex"),
        pl.Series("progression", bunch.target).cast(pl.Int64),
    )


def test_bundled_data_is_valid(contract: Path, patients: pl.DataFrame):
    report = validate(patients, contract)
    assert report.ok, report.format()
    assert report.rows == 442


@pytest.mark.parametrize(
    ("corrupt", "column", "check"),
    [
        (lambda f: _set(f, "age", 500), "age", "maximum"),
        (lambda f: f.drop("bmi"), "bmi", "column missing from the data"),
        (lambda f: f.with_columns(pl.col("sex").cast(pl.String)), "sex", "type integer"),
    ],
)  # fmt: skip
def test_corrupted_data_is_stopped(contract: Path, patients: pl.DataFrame, corrupt, column, check):
    report = validate(corrupt(patients), contract)
    assert [f.column for f in report.failures] == [column]
    assert report.failures[0].check.startswith(check)
    with pytest.raises(ContractViolation):
        report.raise_for_failures()


def _set(frame: pl.DataFrame, column: str, value: int) -> pl.DataFrame:
    return frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(value).otherwise(pl.col(column)).alias(column)
    )
