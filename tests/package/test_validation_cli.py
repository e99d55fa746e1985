"""`charter validate`: Parquet and CSV files, exit codes, and clear messages for bad input."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import polars as pl
import pytest
from charter_cli import charter as run_charter
from test_validation import CONTRACT, valid_frame

from charter.cli import main


def charter(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """`charter validate` in a new process, as a user or a CI job runs it."""
    return run_charter("validate", *args)


def in_process(capsys: pytest.CaptureFixture[str], *args: str | Path):
    """`charter validate` through `charter.cli.main`: the same code, without the start-up."""
    code = main(["validate", *map(str, args)])
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, out, err)


@pytest.fixture
def parquet(tmp_path: Path) -> Path:
    path = tmp_path / "patients.parquet"
    valid_frame().write_parquet(path)
    return path


@pytest.fixture
def csv(tmp_path: Path) -> Path:
    path = tmp_path / "patients.csv"
    valid_frame().write_csv(path)
    return path


def test_valid_parquet_exits_0(parquet: Path):
    result = charter(parquet, "--contract", CONTRACT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{parquet}: patients: 4 rows valid against the contract")
    assert result.stderr == ""


def test_valid_csv_exits_0(capsys, csv: Path):
    result = in_process(capsys, csv, "--contract", CONTRACT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_violations_exit_1_with_the_report(tmp_path: Path):
    path = tmp_path / "bad.parquet"
    valid_frame().with_columns(pl.Series("age", [40, 500, 60, 70])).drop("sex").write_parquet(path)
    result = charter(path, "--contract", CONTRACT)
    assert result.returncode == 1
    assert "patients: 2 failing checks on 4 rows" in result.stdout
    assert "sex" in result.stdout
    assert "column missing from the data" in result.stdout
    assert "maximum 120" in result.stdout
    assert "Traceback" not in result.stderr


def test_csv_value_that_does_not_parse_is_a_type_failure(capsys, csv: Path):
    csv.write_text(csv.read_text().replace("P0002,50,", "P0002,fifty,"))
    result = in_process(capsys, csv, "--contract", CONTRACT, "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["failures"] == [
        {
            "column": "age",
            "check": "type integer",
            "count": 1,
            "examples": ["fifty"],
            "masked": False,
        }
    ]


def test_csv_booleans_dates_and_empty_fields_parse(tmp_path: Path):
    path = tmp_path / "patients.csv"
    text = valid_frame().write_csv()
    path.write_text(text.replace("true", "TRUE").replace("false", "False"))
    assert main(["validate", str(path), "--contract", str(CONTRACT)]) == 0


def test_json_format(capsys, parquet: Path):
    result = in_process(capsys, parquet, "--contract", CONTRACT, "--format", "json")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["rows"] == 4
    assert report["schema"] == "patients"


def test_schema_option_selects_by_name(parquet: Path):
    assert (
        main(["validate", str(parquet), "--contract", str(CONTRACT), "--schema", "patients"]) == 0
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "absent.parquet", "absent.parquet: data file not found"),
        (lambda d: _write(d / "junk.parquet", b"\x00not parquet"), "cannot read Parquet"),
        (lambda d: _write(d / "empty.csv", b""), "cannot read CSV"),
        (lambda d: _write(d / "data.xlsx", b"PK"), "unknown data format '.xlsx'"),
    ],
)
def test_unreadable_data_exits_2(capsys, tmp_path: Path, make, message):
    result = in_process(capsys, make(tmp_path), "--contract", CONTRACT)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stderr.startswith("charter validate: ")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_unreadable_data_in_a_new_process_exits_2_without_traceback(tmp_path: Path):
    result = charter(_write(tmp_path / "junk.parquet", b"junk"), "--contract", CONTRACT)
    assert result.returncode == 2
    assert result.stderr.startswith("charter validate: ")
    assert "cannot read Parquet" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "contract file not found"),
        ("schema: [\n", "invalid YAML"),
        ("- just\n- a list\n", "contract must be a YAML mapping"),
        ("schema:\n  - name: t\n    properties:\n      - {name: a, logicalType: int}\n",
         "unknown logicalType 'int'"),
        ("id: x\nid: y\n", "duplicate key"),
    ],
)  # fmt: skip
def test_bad_contract_exits_2(capsys, parquet: Path, tmp_path: Path, text, message):
    contract = tmp_path / "contract.odcs.yaml"
    if text is not None:
        contract.write_text(text)
    result = in_process(capsys, parquet, "--contract", contract)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_schema_name_exits_2(capsys, parquet: Path):
    result = in_process(capsys, parquet, "--contract", CONTRACT, "--schema", "visits")
    assert result.returncode == 2
    assert "no schema object named 'visits' (it has: patients)" in result.stderr


def test_missing_contract_option_is_a_usage_error(parquet: Path):
    result = charter(parquet)
    assert result.returncode == 2
    assert "--contract" in result.stderr


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


NULL_MARKER_CONTRACT = """\
apiVersion: v3.1.0
kind: DataContract
id: birds
schema:
  - name: birds
    properties:
      - name: mass
        logicalType: integer
        quality:
          - metric: missingValues
            arguments: {missingValues: ["", NA, "-"]}
            mustBeLessOrEqualTo: 50
            unit: percent
      - name: sex
        logicalType: string
        quality:
          - metric: invalidValues
            arguments: {validValues: [female, male]}
          - metric: missingValues
            arguments: {missingValues: [NA]}
            mustBeLessOrEqualTo: 50
            unit: percent
      - name: bp
        logicalType: number
        quality:
          - metric: missingValues
            arguments: {missingValues: [-1]}
            mustBe: 0
"""


@pytest.mark.parametrize("separator", [",", "\t"], ids=["csv", "tsv"])
def test_null_markers_of_the_contract_are_read_as_missing(capsys, tmp_path: Path, separator):
    """`NA` in an integer or a coded column is a missing value, as the draft read it."""
    contract = tmp_path / "birds.odcs.yaml"
    contract.write_text(NULL_MARKER_CONTRACT)
    suffix = ".csv" if separator == "," else ".tsv"
    data = tmp_path / f"birds{suffix}"
    rows = ["mass,sex,bp", "3750,male,90", "NA,NA,80", "-,female,85", "4200,male,88"]
    data.write_text("\n".join(row.replace(",", separator) for row in rows) + "\n")
    result = in_process(capsys, data, "--contract", contract)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 rows valid" in result.stdout

    # A number listed as a missing value stays a value: counted as missing, never a type error.
    data.write_text(data.read_text().replace("88", "-1"))
    result = in_process(capsys, data, "--contract", contract, "--format", "json")
    assert result.returncode == 1
    failures = json.loads(result.stdout)["failures"]
    assert [(f["column"], f["check"], f["count"]) for f in failures] == [
        ("bp", "missingValues == 0", 1)
    ]


def test_validate_reads_every_format_new_contract_drafts_from():
    from charter.scaffold import profile  # noqa: PLC0415
    from charter.validation import sources  # noqa: PLC0415

    drafted = set(profile.CSV_SUFFIXES + profile.PARQUET_SUFFIXES)
    assert drafted <= set(sources.CSV_SUFFIXES + sources.PARQUET_SUFFIXES)
