"""`charter validate` speaks the user's language: no polars or pandera exception text.

Each case is a real data file and a real contract. Data that a check cannot be
run on is a data failure (exit 1) with the reason in words; a contract that asks
for something impossible is unusable input (exit 2) named by file and property.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import yaml
from test_validation import CONTRACT, valid_frame

from charter.cli import main
from charter.validation import validate
from charter.validation.pandera_errors import cannot_check_reason


def contract_file(tmp_path: Path, edit) -> Path:
    """The fixture contract with `edit(document)` applied, written next to the data."""
    document = yaml.safe_load(CONTRACT.read_text())
    edit(document)
    path = tmp_path / "patients.odcs.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def prop(document: dict, name: str) -> dict:
    return next(p for p in document["schema"][0]["properties"] if p["name"] == name)


def untyped(name: str):
    return lambda document: prop(document, name).pop("logicalType")


def validate_files(capsys, data: Path, contract: Path) -> subprocess.CompletedProcess[str]:
    code = main(["validate", str(data), "--contract", str(contract)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "Error(" not in out + err  # no exception repr such as ColumnNotFoundError("...")
    return subprocess.CompletedProcess([], code, out, err)


def parquet(tmp_path: Path, frame: pl.DataFrame) -> Path:
    path = tmp_path / "patients.parquet"
    frame.write_parquet(path)
    return path


@pytest.mark.parametrize(
    ("column", "frame", "lines"),
    [
        (
            "patient_id",
            valid_frame().with_columns(pl.col("patient_id").str.slice(1).cast(pl.Int64)),
            [
                "the column holds numbers, and pattern needs text",
                "the column holds numbers, and minLength needs text",
            ],
        ),
        (
            "age",
            valid_frame().with_columns(pl.col("age").cast(pl.String)),
            ["the column holds text, and minimum needs numbers"],
        ),
    ],
)
def test_a_check_that_cannot_run_on_the_data_says_why_in_words(
    capsys, tmp_path: Path, column: str, frame: pl.DataFrame, lines: list[str]
):
    data = parquet(tmp_path, frame)
    result = validate_files(capsys, data, contract_file(tmp_path, untyped(column)))
    assert result.returncode == 1
    assert result.stdout.startswith(f"{data}: patients: ")
    rows = [line.split(None, 1) for line in result.stdout.splitlines()[2:] if line.startswith("  ")]
    for reason in lines:
        assert any(first == column and reason in rest for first, rest in rows), result.stdout


def test_categorical_text_is_checked_like_text(capsys, tmp_path: Path):
    frame = valid_frame().with_columns(pl.col("patient_id").cast(pl.Categorical))
    result = validate_files(capsys, parquet(tmp_path, frame), CONTRACT)
    assert result.returncode == 0, result.stdout


def test_a_rule_over_a_missing_column_is_not_a_second_failure(capsys, tmp_path: Path):
    def edit(document: dict) -> None:
        document["schema"][0]["quality"].append(
            {"metric": "duplicateValues", "arguments": {"properties": ["patient_id", "age"]}}
        )

    data = tmp_path / "patients.csv"
    valid_frame().drop("age").write_csv(data)
    result = validate_files(capsys, data, contract_file(tmp_path, edit))
    assert result.returncode == 1
    assert result.stdout.splitlines()[:3] == [
        f"{data}: patients: 1 failing checks on 4 rows",
        "  column  check                         count  examples",
        "  age     column missing from the data      4",
    ]


def _schema_quality(rule: dict):
    return lambda document: document["schema"][0]["quality"].append(rule)


def _options(name: str, **options):
    return lambda document: (
        prop(document, name).setdefault("logicalTypeOptions", {}).update(options)
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            _options("patient_id", pattern="^P[0-9+$"),
            "property 'patient_id': pattern '^P[0-9+$' is not a valid regular expression",
        ),
        (
            _schema_quality({"metric": "duplicateValues", "arguments": {"properties": ["nope"]}}),
            "schema quality duplicateValues names 'nope', which is not a property of schema "
            "'patients'",
        ),
        (
            _schema_quality({"metric": "rowCount", "mustBeBetween": 3}),
            "schema: rowCount: mustBeBetween must be two numbers [low, high], not 3",
        ),
        (
            _schema_quality({"metric": "rowCount", "mustBeGreaterThan": "three"}),
            "schema: rowCount: mustBeGreaterThan must be a number, not 'three'",
        ),
        (
            _options("patient_id", minLength="five"),
            "property 'patient_id': minLength must be a whole number, not 'five'",
        ),
        (
            _options("bp", maxLength=3),
            "property 'bp': maxLength applies to logicalType string, not number",
        ),
        (
            _options("patient_id", minimum=3),
            "property 'patient_id': minimum applies to numbers, dates and times, "
            "not to logicalType string",
        ),
        (
            lambda document: prop(document, "patient_id").update(primaryKeyPosition="first"),
            "property 'patient_id': primaryKeyPosition must be a whole number, not 'first'",
        ),
    ],
)
def test_a_contract_that_cannot_be_checked_exits_2_naming_file_and_property(
    capsys, tmp_path: Path, edit, message: str
):
    contract = contract_file(tmp_path, edit)
    result = validate_files(capsys, parquet(tmp_path, valid_frame()), contract)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"charter validate: {contract}: {message}\n"


def test_an_unforeseen_check_error_is_reported_without_its_repr():
    reason = cannot_check_reason('ComputeError("cannot compare string with numeric type (i32)")')
    assert reason == "the check failed to run on these values"


def test_a_wrong_type_is_named_without_the_dtype_repr(capsys, tmp_path: Path):
    frame = valid_frame().with_columns(pl.col("visit").cast(pl.Datetime("us")))
    result = validate_files(capsys, parquet(tmp_path, frame), CONTRACT)
    assert result.returncode == 1
    row = result.stdout.splitlines()[2].split()
    assert row == ["visit", "type", "date", "4", "got", "Datetime"]


def test_an_all_null_column_passes_its_value_checks():
    frame = valid_frame().with_columns(pl.lit(None).alias("visit"))  # minimum: 2000-01-01
    assert validate(frame, CONTRACT).ok


def test_the_spark_engine_without_pyspark_says_which_extra_to_install(tmp_path: Path):
    data = tmp_path / "d.parquet"
    valid_frame().write_parquet(data)
    hide = "import sys; sys.modules['pyspark'] = None; from charter.cli import main; "
    run = f"raise SystemExit(main(['validate', {str(data)!r}, '--contract', {str(CONTRACT)!r}, '--engine', 'spark']))"  # noqa: E501
    result = subprocess.run(
        [sys.executable, "-c", hide + run], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "install charter[spark]" in result.stderr
