"""`charter new contract NAME --from DATA`: a draft ODCS contract inferred from real files."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import yaml
from charter_cli import charter
from checking import copy_views

from charter.formats import schema
from charter.formats.source import load_yaml


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the fixture project, with its committed (current) views."""
    return copy_views(tmp_path)


def sample_frame() -> pl.DataFrame:
    """Eight lab results: an id, a code list, a nullable measurement, dates, a flag."""
    return pl.DataFrame(
        {
            "lab_id": [f"L{i:03d}" for i in range(1, 9)],
            "site": ["north", "south", "north", "north", "south", "north", "south", "north"],
            "grade": [1, 2, 3, 1, 2, 3, 1, 2],
            "glucose": [4.1, 5.5, None, 6.2, 7.9, 5.0, 4.4, 3.8],
            "visits": [10, 12, 15, 9, 30, 11, 14, 13],
            "taken_on": [dt.date(2025, 1, day) for day in (3, 1, 9, 4, 5, 6, 7, 8)],
            "fasting": [True, False, True, None, False, True, True, False],
        }
    )


def properties(contract: dict) -> dict[str, dict]:
    return {p["name"]: p for p in contract["schema"][0]["properties"]}


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_draft_contract_from_file(project: Path, suffix: str) -> None:
    data = project / f"labs{suffix}"
    frame = sample_frame()
    frame.write_csv(data) if suffix == ".csv" else frame.write_parquet(data)

    result = charter("new", "contract", "labs", "--from", data, cwd=project)

    assert result.returncode == 0, result.stderr
    target = project / "governance/contracts/labs.odcs.yaml"
    assert f"wrote {target}" in result.stdout
    text = target.read_text()
    assert text.startswith("# yaml-language-server: $schema=")
    contract = yaml.safe_load(text)
    assert contract["apiVersion"] == "v3.1.0"
    assert contract["id"] == contract["name"] == "labs"
    assert contract["status"] == "draft"
    assert contract["team"]["members"] == [{"username": "@data-owner", "role": "owner"}]

    props = properties(contract)
    assert list(props) == list(frame.columns)
    assert {name: p["logicalType"] for name, p in props.items()} == {
        "lab_id": "string",
        "site": "string",
        "grade": "integer",
        "glucose": "number",
        "visits": "integer",
        "taken_on": "date",
        "fasting": "boolean",
    }
    assert {name: p["required"] for name, p in props.items()} == {
        "lab_id": True,
        "site": True,
        "grade": True,
        "glucose": False,
        "visits": True,
        "taken_on": True,
        "fasting": False,
    }
    assert props["glucose"]["logicalTypeOptions"] == {"minimum": 3.8, "maximum": 7.9}
    assert props["visits"]["logicalTypeOptions"] == {"minimum": 9, "maximum": 30}
    assert props["taken_on"]["logicalTypeOptions"] == {
        "minimum": "2025-01-01",
        "maximum": "2025-01-09",
    }
    assert "logicalTypeOptions" not in props["lab_id"]

    # Low-cardinality columns become code lists; unique or wide ones do not.
    def valid_values(prop: dict) -> list | None:
        rules = [r for r in prop.get("quality", []) if r["metric"] == "invalidValues"]
        return rules[0]["arguments"]["validValues"] if rules else None

    assert valid_values(props["site"]) == ["north", "south"]
    assert valid_values(props["grade"]) == [1, 2, 3]
    assert valid_values(props["lab_id"]) is None
    assert valid_values(props["visits"]) is None

    row_count = contract["schema"][0]["quality"]
    assert row_count[0]["metric"] == "rowCount"
    assert row_count[0]["mustBeGreaterOrEqualTo"] == 8
    assert all(p["description"].startswith("TODO(domain-expert): ") for p in props.values())

    # What `charter check` validates: the official ODCS schema, unknown keys included.
    assert schema.validate(load_yaml(target), schema.ODCS_SCHEMAS["v3.1.0"]) == []
    check = charter("check", "--select", "CON001,CON002,CON003,CON004,CON005", cwd=project)
    assert check.returncode == 0, check.stdout


def test_owner_and_classification_come_from_the_answers(project: Path) -> None:
    (project / ".copier-answers.yml").write_text(
        "data_owner: '@lab-lead'\ndata_sensitivity: restricted\nmodel_owner: '@ml'\n"
    )
    sample_frame().write_parquet(project / "labs.parquet")
    assert charter("new", "contract", "labs", "--from", "labs.parquet", cwd=project).returncode == 0
    contract = yaml.safe_load((project / "governance/contracts/labs.odcs.yaml").read_text())
    assert contract["team"]["members"][0]["username"] == "@lab-lead"
    assert {p["classification"] for p in properties(contract).values()} == {"restricted"}


def test_datetimes_and_all_null_columns(project: Path) -> None:
    frame = pl.DataFrame(
        {
            "at": [dt.datetime(2025, 5, 1, 8, 30), dt.datetime(2025, 5, 2, 9, 0)],
            "empty": pl.Series([None, None], dtype=pl.Float64),
            "utc": [dt.datetime(2025, 5, 1, tzinfo=dt.UTC), dt.datetime(2025, 5, 3, tzinfo=dt.UTC)],
        }
    )
    frame.write_parquet(project / "events.parquet")
    result = charter("new", "contract", "events", "--from", "events.parquet", cwd=project)
    assert result.returncode == 0, result.stderr
    target = project / "governance/contracts/events.odcs.yaml"
    props = properties(yaml.safe_load(target.read_text()))
    assert props["at"]["logicalType"] == "timestamp"
    assert props["at"]["physicalType"] == "Datetime[us]"
    assert props["at"]["logicalTypeOptions"] == {
        "minimum": "2025-05-01T08:30:00",
        "maximum": "2025-05-02T09:00:00",
    }
    assert props["utc"]["physicalType"] == "Datetime[us, UTC]"
    assert props["utc"]["logicalTypeOptions"] == {
        "minimum": "2025-05-01T00:00:00+00:00",
        "maximum": "2025-05-03T00:00:00+00:00",
        "timezone": True,
        "defaultTimezone": "UTC",
    }
    assert props["empty"]["required"] is False
    assert "logicalTypeOptions" not in props["empty"]
    assert schema.validate(load_yaml(target), schema.ODCS_SCHEMAS["v3.1.0"]) == []


def test_missing_data_file(project: Path) -> None:
    result = charter("new", "contract", "labs", "--from", "nowhere.csv", cwd=project)
    assert result.returncode == 2
    assert result.stderr == "charter new: nowhere.csv: no such file\n"
    assert not (project / "governance/contracts/labs.odcs.yaml").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("junk.parquet", b"\x00\x01 not parquet at all", "cannot read it as Parquet"),
        ("empty.csv", b"", "cannot read it as CSV"),
        ("latin1.csv", "name\ncaf\xe9\n".encode("latin-1"), "cannot read it as CSV"),
        ("table.xlsx", b"PK\x03\x04", "unknown data format '.xlsx'"),
    ],
)
def test_unreadable_data(project: Path, name: str, content: bytes, message: str) -> None:
    (project / name).write_bytes(content)
    result = charter("new", "contract", "labs", "--from", name, cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith(f"charter new: {name}: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "governance/contracts/labs.odcs.yaml").exists()


def test_existing_contract_is_never_replaced(project: Path) -> None:
    sample_frame().write_csv(project / "visits.csv")
    target = project / "governance/contracts/visits.odcs.yaml"
    before = target.read_bytes()
    result = charter("new", "contract", "visits", "--from", "visits.csv", cwd=project)
    assert result.returncode == 2
    assert "a contract named 'visits' already exists" in result.stderr
    assert target.read_bytes() == before


def test_contract_id_taken_by_another_file(project: Path) -> None:
    contracts = project / "governance/contracts"
    (contracts / "visits.odcs.yaml").rename(contracts / "clinic-visits.odcs.yaml")
    sample_frame().write_csv(project / "visits.csv")
    result = charter("new", "contract", "visits", "--from", "visits.csv", cwd=project)
    assert result.returncode == 2
    assert not (contracts / "visits.odcs.yaml").exists()


@pytest.mark.parametrize("name", ["Labs", "../labs", "1labs", "labs-2", ""])
def test_invalid_names(project: Path, name: str) -> None:
    sample_frame().write_csv(project / "labs.csv")
    result = charter("new", "contract", name, "--from", "labs.csv", cwd=project)
    assert result.returncode == 2
    assert f"invalid contract name {name!r}" in result.stderr
    assert sorted(p.name for p in (project / "governance/contracts").iterdir()) == [
        "visits.odcs.yaml"
    ]


def test_from_is_required(project: Path) -> None:
    result = charter("new", "contract", "labs", cwd=project)
    assert result.returncode == 2
    assert "--from" in result.stderr


def test_a_folder_is_not_a_data_file(project: Path) -> None:
    (project / "data.csv").mkdir()
    result = charter("new", "contract", "labs", "--from", "data.csv", cwd=project)
    assert result.returncode == 2
    assert result.stderr == "charter new: data.csv: is a folder; give one .csv or .parquet file\n"


def test_without_polars_the_message_says_what_to_install(project: Path) -> None:
    """Projects without the runtime extra have no polars: say so instead of a traceback."""
    sample_frame().write_csv(project / "labs.csv")
    code = (
        "import sys; sys.modules['polars'] = None; from charter.cli import main; "
        "sys.exit(main(['new', 'contract', 'labs', '--from', 'labs.csv']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=project, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "uv add 'charter[runtime]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_project_folder(tmp_path: Path) -> None:
    result = charter("new", "model", "m", "--project", tmp_path / "nope", cwd=tmp_path)
    assert result.returncode == 2
    assert "no such folder" in result.stderr


def test_csv_types_follow_rows_past_the_first_ten_thousand(project: Path) -> None:
    lines = ["n,d"] + [f"{i},2025-01-02" for i in range(10_500)] + ["2.5,not a date"]
    (project / "long.csv").write_text("\n".join(lines) + "\n")
    result = charter("new", "contract", "long", "--from", "long.csv", cwd=project)
    assert result.returncode == 0, result.stderr
    contract = yaml.safe_load((project / "governance/contracts/long.odcs.yaml").read_text())
    props = properties(contract)
    assert props["n"]["logicalType"] == "number"
    assert props["n"]["logicalTypeOptions"] == {"minimum": 0.0, "maximum": 10_499.0}
    assert props["d"]["logicalType"] == "string"
    assert contract["schema"][0]["quality"][0]["mustBeGreaterOrEqualTo"] == 10_501
