"""Failing values of restricted and direct-identifier columns never reach a report or log.

Issue 27 item 7: the text and JSON reports and the pipeline's output printed
`jane.doe@hospital.example` and SSNs. A report now gives the count and one
masked example; `--show-personal-values` or `show_personal_values = true` shows
the values to someone allowed to see them.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from charter_cli import charter

from charter.runtime import InvalidData, load_input
from charter.validation import validate

EMAILS = ["jane.doe@hospital.example", "john.roe@clinic.example", "ok@hospital.example"]
SSNS = ["123-45-6789", "987-65-4321", "123-45-6789"]
LEAKS = ("jane.doe", "john.roe", "123-45-6789", "987-65-4321", "6789")


def contract(path: Path) -> Path:
    """Patients: a restricted e-mail with a pattern, a unique SSN that identifies a person."""
    path.write_text(
        """\
apiVersion: v3.2.0
kind: DataContract
id: patients
version: 1.0.0
status: active
schema:
  - name: patients
    properties:
      - name: email
        logicalType: string
        classification: restricted
        logicalTypeOptions:
          pattern: '^ok@'
      - name: ssn
        logicalType: string
        unique: true
        classification: confidential
        customProperties:
          - property: piiCategory
            value: direct-identifier
          - property: anonymization
            value: pseudonymization
      - name: age
        logicalType: integer
        logicalTypeOptions:
          maximum: 120
""",
        encoding="utf-8",
    )
    return path


def data(path: Path) -> Path:
    pl.DataFrame({"email": EMAILS, "ssn": SSNS, "age": [40, 500, 60]}).write_parquet(path)
    return path


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    return data(tmp_path / "patients.parquet"), contract(tmp_path / "patients.odcs.yaml")


def _leaks(text: str) -> list[str]:
    return [value for value in LEAKS if value in text]


def test_mask_keeps_the_shape_not_the_value():
    from charter.validation.masking import mask  # noqa: PLC0415 - new in this release

    assert mask("jane.doe@hospital.example") == "j***@h***.example"
    assert mask("123-45-6789") == "1***"
    assert mask("ab") == "***"


def test_report_masks_restricted_and_direct_identifier_values(files):
    report = validate(*files)
    by_column = {f.column: f for f in report.failures}
    assert by_column["email"].count == 2
    assert by_column["email"].examples == ("j***@h***.example",)
    assert by_column["email"].masked
    assert by_column["ssn"].check == "unique"
    assert by_column["ssn"].examples == ("1***",)
    assert by_column["age"].examples == ("500",), "other columns keep their values"
    assert not by_column["age"].masked
    assert _leaks(report.format()) == []
    assert _leaks(report.to_json()) == []
    assert "(masked)" in report.format()
    assert "--show-personal-values" in report.format()


def test_show_personal_values_shows_them(files):
    report = validate(*files, show_personal_values=True)
    assert "jane.doe@hospital.example" in report.format()
    assert "123-45-6789" in report.to_json()


def test_a_table_level_failure_masks_values_of_a_sensitive_key(tmp_path: Path):
    path = contract(tmp_path / "c.odcs.yaml")
    text = path.read_text("utf-8").replace("        unique: true\n", "        primaryKey: true\n")
    text = text.replace("      - name: age\n", "      - name: age\n        primaryKey: true\n", 1)
    path.write_text(text, encoding="utf-8")
    frame = pl.DataFrame({"email": ["ok@a.example"] * 2, "ssn": SSNS[:1] * 2, "age": [40, 40]})
    report = validate(frame, path)
    assert [f.check for f in report.failures] == ["unique (ssn, age)"]
    assert _leaks(report.format()) == []


def test_cli_text_and_json_mask_and_the_flag_shows(files):
    parquet, path = files
    text = charter("validate", parquet, "--contract", path)
    assert text.returncode == 1
    assert _leaks(text.stdout + text.stderr) == []
    assert "j***@h***.example" in text.stdout
    as_json = charter("validate", parquet, "--contract", path, "--format", "json")
    failures = json.loads(as_json.stdout)["failures"]
    email = next(f for f in failures if f["column"] == "email")
    assert email["count"] == 2 and email["masked"] is True
    assert _leaks(as_json.stdout) == []
    shown = charter("validate", parquet, "--contract", path, "--show-personal-values")
    assert "jane.doe@hospital.example" in shown.stdout


def test_the_setting_shows_them_to_the_project_that_sets_it(tmp_path: Path):
    parquet, path = data(tmp_path / "p.parquet"), contract(tmp_path / "p.odcs.yaml")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "p"\n\n[tool.charter]\nshow_personal_values = true\n', "utf-8"
    )
    shown = charter("validate", parquet, "--contract", path, "--project", tmp_path)
    assert "jane.doe@hospital.example" in shown.stdout


def test_the_pipeline_log_masks_them(files):
    with pytest.raises(InvalidData) as raised:
        load_input(*files)
    assert _leaks(str(raised.value)) == []
    assert "j***@h***.example" in str(raised.value)


def test_a_csv_value_that_does_not_parse_is_masked(tmp_path: Path):
    path = contract(tmp_path / "c.odcs.yaml")
    text = path.read_text("utf-8").replace(
        "      - name: age\n",
        "      - name: born\n        logicalType: date\n"
        "        classification: restricted\n      - name: age\n",
    )
    path.write_text(text, encoding="utf-8")
    csv = tmp_path / "p.csv"
    csv.write_text("email,ssn,born,age\nok@a.example,1,jane.doe-1970,40\n", encoding="utf-8")
    report = validate(csv, path)
    assert [(f.column, f.check) for f in report.failures] == [("born", "type date")]
    assert _leaks(report.format()) == []


@pytest.mark.spark
def test_spark_masks_them_too(spark, files):
    report = validate(*files, engine="spark", spark=spark)
    assert {f.column for f in report.failures} >= {"email", "age"}
    assert _leaks(report.format()) == [], report.format()
    assert _leaks(report.to_json()) == []
    email = next(f for f in report.failures if f.column == "email")
    assert email.examples == ("j***@h***.example",)
    shown = validate(*files, engine="spark", spark=spark, show_personal_values=True)
    assert "jane.doe@hospital.example" in shown.format()
