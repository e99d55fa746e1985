"""The Spark engine: datasets, the caller's session, the CLI, and what Spark cannot count.

Every contract-and-data case of the validation tests also runs on Spark under
`pytest --engine-parity` (tests/spark_parity.py, `nox -s spark`); these tests
cover what only the Spark engine has. They need pyspark and Java (`spark` marker).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from test_validation import CONTRACT, valid_frame

from charter.cli import main
from charter.validation import ValidationSetupError, validate

pytestmark = pytest.mark.spark

KEYED = {
    "apiVersion": "v3.2.0",
    "kind": "DataContract",
    "id": "k",
    "schema": [
        {
            "name": "k",
            "properties": [
                {
                    "name": "a",
                    "logicalType": "integer",
                    "primaryKey": True,
                    "primaryKeyPosition": 1,
                },
                {
                    "name": "b",
                    "logicalType": "integer",
                    "primaryKey": True,
                    "primaryKeyPosition": 2,
                },
            ],
        }
    ],
}


def _checks(report) -> list[tuple[str | None, str]]:
    return [(f.column, f.check) for f in report.failures]


def _with_age(frame: pl.DataFrame, row: int, age: int) -> pl.DataFrame:
    ages = frame["age"].to_list()
    ages[row] = age
    return frame.with_columns(pl.Series("age", ages))


def _partitioned(root: Path, frame: pl.DataFrame) -> Path:
    """A hive-style dataset: one folder per `sex`, the column itself only in the folder name."""
    for (sex,), part in frame.group_by("sex", maintain_order=True):
        folder = root / f"sex={sex}"
        folder.mkdir(parents=True)
        part.drop("sex").write_parquet(folder / "part-0.parquet")
    return root


@pytest.mark.parametrize("engine", ["polars", "spark"])
def test_both_engines_read_a_hive_partitioned_dataset(spark, tmp_path: Path, engine: str):
    good = _partitioned(tmp_path / "good", valid_frame())
    report = validate(good, CONTRACT, engine=engine, spark=spark)
    assert report.ok, report.format()
    assert report.rows == 4
    bad = _partitioned(tmp_path / "bad", _with_age(valid_frame(), 2, 500))
    assert _checks(validate(bad, CONTRACT, engine=engine, spark=spark)) == [("age", "maximum 120")]


@pytest.mark.parametrize("engine", ["polars", "spark"])
def test_both_engines_read_a_glob_of_files(spark, tmp_path: Path, engine: str):
    frame = _with_age(valid_frame(), 3, -1)
    frame.head(2).write_parquet(tmp_path / "part-0.parquet")
    frame.tail(2).write_parquet(tmp_path / "part-1.parquet")
    (tmp_path / "notes.txt").write_text("not data")
    report = validate(str(tmp_path / "part-*.parquet"), CONTRACT, engine=engine, spark=spark)
    assert report.rows == 4
    assert _checks(report) == [("age", "minimum 0")]
    with pytest.raises(ValidationSetupError, match="no file matches"):
        validate(str(tmp_path / "none-*.parquet"), CONTRACT, engine=engine, spark=spark)


def test_a_spark_dataframe_of_the_callers_session_is_validated(spark):
    from charter.validation.spark_session import session  # noqa: PLC0415 - needs pyspark

    assert session(spark) is spark
    arrow = _with_age(valid_frame(), 0, 999).to_arrow(compat_level=pl.CompatLevel.oldest())
    frame = spark.createDataFrame(arrow)
    report = validate(frame, CONTRACT, engine="spark", spark=spark)
    assert report.source is None
    assert [(f.column, f.check, f.count, f.examples) for f in report.failures] == [
        ("age", "maximum 120", 1, ("999",))
    ]


def test_a_duplicated_composite_key_is_reported_as_not_counted_on_spark(spark):
    frame = pl.DataFrame({"a": [1, 1, 2], "b": [2, 2, 3]})
    assert [(f.check, f.count) for f in validate(frame, KEYED).failures] == [("unique (a, b)", 2)]
    report = validate(frame, KEYED, engine="spark", spark=spark)
    assert [(f.check, f.count) for f in report.failures] == [("unique (a, b)", None)]
    assert "unique (a, b)  not counted on Spark" in report.format()
    assert report.to_dict()["failures"][0]["count"] is None


def test_spark_counts_what_its_own_checks_find(spark):
    frame = valid_frame().with_columns(pl.Series("progression", [None, None, 1, 400]))
    report = validate(frame, CONTRACT, engine="spark", spark=spark)
    counts = {(f.column, f.check): f.count for f in report.failures}
    assert counts[("progression", "required (no nulls)")] == 2
    assert "not counted" not in report.format()


def test_cli_engine_spark_has_the_polars_exit_codes(spark, tmp_path: Path, capsys):
    good = tmp_path / "good.parquet"
    valid_frame().write_parquet(good)
    bad = tmp_path / "bad.parquet"
    _with_age(valid_frame(), 1, 500).write_parquet(bad)
    assert main(["validate", str(good), "--contract", str(CONTRACT), "--engine", "spark"]) == 0
    assert main(["validate", str(bad), "--contract", str(CONTRACT), "--engine", "spark"]) == 1
    assert "  age     maximum 120      1  500" in capsys.readouterr().out
    missing = tmp_path / "nothing.parquet"
    assert main(["validate", str(missing), "--contract", str(CONTRACT), "--engine", "spark"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"charter validate: {missing}: data file not found"


def _without_java() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "CHARTER_REQUIRE_SPARK")}
    env["PATH"] = str(Path(sys.executable).parent)  # python, no java
    return env


def test_without_java_the_cli_says_how_to_get_it(tmp_path: Path):
    pytest.importorskip("pyspark")
    data = tmp_path / "d.parquet"
    valid_frame().write_parquet(data)
    result = subprocess.run(
        [sys.executable, "-m", "charter", "validate", str(data), "--contract", str(CONTRACT),
         "--engine", "spark"],
        env=_without_java(), capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "apt-get install openjdk-17-jre-headless" in result.stderr


@pytest.mark.parametrize(("require", "outcome"), [("", "1 skipped"), ("1", "1 error")])
def test_without_java_the_tier_skips_unless_required(tmp_path: Path, require: str, outcome: str):
    pytest.importorskip("pyspark")
    test = tmp_path / "test_needs_spark.py"
    test.write_text("def test_it(spark):\n    pass\n")
    env = {**_without_java(), "CHARTER_REQUIRE_SPARK": require}
    tests = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), "-c", os.devnull, "-p", "spark_parity", str(test)],
        env={**env, "PYTHONPATH": str(tests)}, cwd=tmp_path,
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert outcome in result.stdout, result.stdout
    assert "openjdk-17-jre-headless" in result.stdout
