"""`charter new contract NAME --from DATA`: a draft ODCS contract inferred from real files."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import yaml
from charter_cli import charter
from checking import codes, copy_good, copy_views, edit, findings

from charter.formats import columns, schema
from charter.formats.source import load_yaml
from charter.formats.vocabulary import ID_WORDS, PEOPLE_WORDS, PERSONAL_COLUMN_WORDS


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
    assert contract["team"]["members"] == [  # no answers: the roles of the existing contract
        {"username": "@data-owner", "role": "owner"},
        {"username": "privacy@example.org", "role": "privacy reviewer"},
    ]

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
    # A CSV's null markers may turn up in any column of the next extract: only the key
    # is required. Parquet nulls are typed, so there a column without any is required.
    csv = suffix == ".csv"
    assert {name: p["required"] for name, p in props.items()} == {
        "lab_id": True,
        "site": not csv,
        "grade": not csv,
        "glucose": False,
        "visits": not csv,
        "taken_on": not csv,
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


def test_owner_and_privacy_reviewer_come_from_the_answers(project: Path) -> None:
    """The team is the skeleton contract's: the data owner, then the privacy reviewer."""
    (project / ".copier-answers.yml").write_text(
        "data_owner: '@lab-lead'\nprivacy_reviewer: privacy@example.org\n"
        "data_sensitivity: restricted\nmodel_owner: '@ml'\n"
    )
    sample_frame().write_parquet(project / "labs.parquet")
    assert charter("new", "contract", "labs", "--from", "labs.parquet", cwd=project).returncode == 0
    contract = yaml.safe_load((project / "governance/contracts/labs.odcs.yaml").read_text())
    assert contract["team"]["members"] == [
        {"username": "@lab-lead", "role": "owner"},
        {"username": "privacy@example.org", "role": "privacy reviewer"},
    ]


PEOPLE_CSV = """\
patient_id,full_name,email,dateOfBirth,species_name,ward,score
1,Ann Lee,ann@example.org,1990-01-02,x,A,1
2,Bob Ray,bob@example.org,1991-03-04,y,B,NA
3,Cy Dunn,cy@example.org,1992-05-06,z,A,3
"""


@pytest.mark.parametrize(
    ("sensitivity", "personal", "other"),
    [
        ("restricted", "restricted", "internal"),
        ("public", "public", "public"),
        (None, "confidential", "internal"),
    ],
)
def test_only_columns_that_look_personal_follow_the_sensitivity(
    project: Path, sensitivity: str | None, personal: str, other: str
) -> None:
    if sensitivity:
        (project / ".copier-answers.yml").write_text(f"data_sensitivity: {sensitivity}\n")
    (project / "people.csv").write_text(PEOPLE_CSV)
    assert charter("new", "contract", "people", "--from", "people.csv", cwd=project).returncode == 0
    props = properties(
        yaml.safe_load((project / "governance/contracts/people.odcs.yaml").read_text())
    )
    pii = {name: p["customProperties"][0] for name, p in props.items()}
    assert {name: (p["classification"], pii[name]["value"]) for name, p in props.items()} == {
        "patient_id": (personal, "direct-identifier"),
        "full_name": (personal, "direct-identifier"),
        "email": (personal, "direct-identifier"),
        "dateOfBirth": (personal, "quasi-identifier"),
        "species_name": (other, "none"),
        "ward": (other, "none"),
        "score": (other, "none"),
    }
    assert all(c["property"] == "piiCategory" for c in pii.values())
    assert all(c["description"].startswith("TODO(privacy-reviewer): ") for c in pii.values())


# A penguins-like sample: `NA` is the file's null marker, in numbers, integers and a code list.
PENGUINS_CSV = """\
penguin_id,species,island,bill_length_mm,flipper_length_mm,body_mass_g,sex,year
P001,Adelie,Torgersen,39.1,181,3750,male,2007
P002,Adelie,Torgersen,39.5,186,3800,female,2007
P003,Adelie,Torgersen,NA,NA,NA,NA,2007
P004,Gentoo,Biscoe,46.1,211,4500,female,2008
P005,Gentoo,Biscoe,50.0,230,5700,male,2008
P006,Gentoo,Biscoe,48.7,210,N/A,,2008
P007,Chinstrap,Dream,46.5,192,3500,female,2009
P008,Chinstrap,Dream,50.0,196,3900,male,2009
P009,Chinstrap,Dream,51.3,193,3650,NA,2009
P010,Adelie,Dream,37.8,NaN,3400,female,2009
"""


def penguins(project: Path, suffix: str = ".csv", *options: str) -> dict[str, dict]:
    """Draft `penguins` from the sample (TSV: tabs for commas) and return its properties."""
    text = PENGUINS_CSV.replace(",", "\t") if suffix == ".tsv" else PENGUINS_CSV
    (project / f"penguins{suffix}").write_text(text)
    result = charter(
        "new", "contract", "penguins", "--from", f"penguins{suffix}", *options, cwd=project
    )
    assert result.returncode == 0, result.stderr
    return properties(yaml.safe_load((project / PENGUINS).read_text()))


PENGUINS = "governance/contracts/penguins.odcs.yaml"


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_common_null_markers_are_missing_values(project: Path, suffix: str) -> None:
    props = penguins(project, suffix)
    assert {name: (p["logicalType"], p["required"]) for name, p in props.items()} == {
        "penguin_id": ("string", True),  # the key: the only required column
        "species": ("string", False),
        "island": ("string", False),
        "bill_length_mm": ("number", False),
        "flipper_length_mm": ("integer", False),
        "body_mass_g": ("integer", False),
        "sex": ("string", False),
        "year": ("integer", False),
    }
    assert props["flipper_length_mm"]["logicalTypeOptions"] == {
        "minimum": 180,
        "maximum": 230,
    }  # 181 rounded outward

    def rule(prop: dict, metric: str) -> dict | None:
        return next((r for r in prop.get("quality", []) if r["metric"] == metric), None)

    assert rule(props["sex"], "invalidValues")["arguments"]["validValues"] == ["female", "male"]
    markers = ["", "NA", "N/A", "null", "NULL", "NaN", "None", "-"]
    missing = rule(props["sex"], "missingValues")
    assert missing["arguments"] == {"missingValues": markers}
    assert (missing["mustBeLessOrEqualTo"], missing["unit"]) == (30.0, "percent")
    assert rule(props["body_mass_g"], "missingValues")["mustBeLessOrEqualTo"] == 20.0
    # No nulls seen is no promise for the next extract: the markers are missing values there
    # too, none is accepted until someone says otherwise, and the pipeline rejects them.
    none_seen = rule(props["species"], "missingValues")
    assert (none_seen["arguments"], none_seen["mustBeLessOrEqualTo"]) == (
        {"missingValues": markers},
        0.0,
    )
    assert {"property": "missingValues", "value": "reject"} in props["species"]["customProperties"]
    assert rule(props["penguin_id"], "missingValues") is None  # the key is required


def test_null_values_option_sets_the_markers(project: Path) -> None:
    (project / "scores.csv").write_text("score,label\n1,a\n?,b\n3,NA\n")
    result = charter(
        "new", "contract", "scores", "--from", "scores.csv", "--null-values", "?", cwd=project
    )
    assert result.returncode == 0, result.stderr
    contract = yaml.safe_load((project / "governance/contracts/scores.odcs.yaml").read_text())
    props = properties(contract)
    assert (props["score"]["logicalType"], props["score"]["required"]) == ("integer", False)
    assert props["score"]["quality"][-1]["arguments"] == {"missingValues": ["", "?"]}
    label = props["label"]["quality"][-1]
    assert label["arguments"] == {"missingValues": ["", "?"]}  # `NA` is a value here


def test_an_id_like_unique_column_is_the_primary_key(project: Path) -> None:
    props = penguins(project)
    key = props["penguin_id"]
    assert (key["primaryKey"], key["primaryKeyPosition"], key["unique"], key["required"]) == (
        True,
        1,
        True,
        True,
    )
    assert [name for name, p in props.items() if "primaryKey" in p] == ["penguin_id"]
    check = charter("check", "--select", "CON012", cwd=project)
    assert check.returncode == 0, check.stdout


def test_an_id_column_with_repeats_is_no_primary_key(project: Path) -> None:
    (project / "visits2.csv").write_text("patient_id,visit_id,n\n1,V1,3\n1,V2,4\n2,,5\n")
    assert charter("new", "contract", "v2", "--from", "visits2.csv", cwd=project).returncode == 0
    props = properties(yaml.safe_load((project / "governance/contracts/v2.odcs.yaml").read_text()))
    assert not any("primaryKey" in p for p in props.values())


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_validate_reads_the_file_as_the_draft_did(project: Path, suffix: str) -> None:
    penguins(project, suffix)
    result = charter("validate", f"penguins{suffix}", "--contract", PENGUINS, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "10 rows valid" in result.stdout


@pytest.mark.parametrize("sensitivity", [None, "restricted"])
def test_a_fresh_draft_checks_as_a_short_to_do_list(project: Path, sensitivity: str | None) -> None:
    """Measured on the penguins sample: 5 to-do items, whatever the data sensitivity."""
    if sensitivity:
        (project / ".copier-answers.yml").write_text(
            f"data_owner: '@owner'\nprivacy_reviewer: '@privacy'\ndata_sensitivity: {sensitivity}\n"
        )
    penguins(project)
    exit_code, found = findings(project)
    assert exit_code == 1
    assert {f["code"] for f in found} == {"CON014"}
    assert all(f["path"] == PENGUINS for f in found)
    verbs = sorted(f["message"].split("): ", 1)[1].split(" ", 1)[0] for f in found)
    assert verbs == ["confirm", "confirm", "confirm", "describe", "give", "say"]
    messages = "\n".join(f["message"] for f in found)
    assert "give the `unit` custom property (UCUM) of 4 columns: bill_length_mm, " in messages
    assert "say what the pipeline does with nulls in 4 columns" in messages
    assert "confirm the range drafted from the sample for 4 columns" in messages
    assert "confirm the `classification` and `piiCategory` drafted for 8 columns" in messages
    assert "anonymization" not in messages  # no column looks personal


def test_the_to_do_list_shrinks_as_it_is_filled_in(project: Path) -> None:
    penguins(project)
    contract = project / PENGUINS
    text = contract.read_text()
    text = re.sub(
        r"TODO\(domain-expert\): meaning of (\w+), with its unit if it has one\.", r"The \1.", text
    )
    contract.write_text(text)
    _, found = findings(project)
    assert not any("describe" in f["message"] for f in found)
    assert len(found) == 5


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
    (project / "uv.lock").write_text("version = 1\n")  # a uv project: the hint is `uv add`
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
    assert props["n"]["logicalTypeOptions"] == {"minimum": 0, "maximum": 11_000}  # outward
    assert props["d"]["logicalType"] == "string"
    assert contract["schema"][0]["quality"][0]["mustBeGreaterOrEqualTo"] == 10_501


GOOD_CONTRACT = "governance/contracts/visits.odcs.yaml"


def test_con014_a_complete_draft_passes(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(project / GOOD_CONTRACT, "status: active", "status: draft")
    assert findings(project) == (0, [])


@pytest.mark.fails_with("CON014")
def test_con014_lists_what_a_draft_lacks_instead_of_one_error_per_rule(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(project / GOOD_CONTRACT, "value: kg\n", "value: ''\n")
    edit(
        project / GOOD_CONTRACT,
        "          - property: missingValues\n            value: impute-median\n",
        "",
    )
    assert codes(project) == {"CON008", "CON009"}  # an active contract: rule by rule
    edit(project / GOOD_CONTRACT, "status: active", "status: draft")
    exit_code, found = findings(project)
    assert exit_code == 1
    assert [(f["code"], f["path"]) for f in found] == [("CON014", GOOD_CONTRACT)] * 2
    assert {f["message"] for f in found} == {
        "draft, to do (domain expert): give the `unit` custom property (UCUM) of 1 column: weight",
        "draft, to do (domain expert): say what the pipeline does with nulls in 1 column "
        "(`missingValues` custom property: reject, drop-row, keep-null, impute-...): weight",
    }


@pytest.mark.parametrize(
    ("name", "category", "id_like"),
    [
        ("customer_email", "direct-identifier", False),
        ("dateOfBirth", "quasi-identifier", False),
        ("PatientID", "direct-identifier", True),
        ("name", "direct-identifier", False),
        ("species_name", None, False),
        ("island", None, False),
        ("sex", None, False),
        ("zip_file", None, False),
        ("penguin_id", None, True),
        ("rowid", None, True),
        ("identity", None, False),
        ("client_ip", "direct-identifier", False),
        ("ipAddress", "direct-identifier", False),
        ("zip", None, False),
        ("clinician_notes", "direct-identifier", False),
        ("freeText", "direct-identifier", False),
        ("footnote", None, False),
    ],
)
def test_what_a_column_name_suggests(name: str, category: str | None, id_like: bool) -> None:
    assert (columns.pii_category(name), columns.is_id_like(name)) == (category, id_like)


def test_the_personal_words_are_documented() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs/formats/contract.md").read_text()
    words = [*PERSONAL_COLUMN_WORDS, *PEOPLE_WORDS, *ID_WORDS]
    assert [w for w in words if f"`{w.replace(' ', '_')}`" not in page] == []


def test_a_filled_in_to_do_list_is_a_contract_that_passes_rule_by_rule(project: Path) -> None:
    """Draft, check, fill in what CON014 lists, activate: no rule has anything left to say."""
    penguins(project)
    path = project / PENGUINS
    contract = yaml.safe_load(path.read_text())
    units = {"bill_length_mm": "mm", "flipper_length_mm": "mm", "body_mass_g": "g", "year": "a"}
    for prop in contract["schema"][0]["properties"]:
        prop["description"] = f"The {prop['name']}."
        prop["customProperties"][0].pop("description")  # the privacy reviewer confirmed
        prop["customProperties"] = [  # the domain expert confirmed the drafted ranges
            entry for entry in prop["customProperties"] if entry["property"] != "draftedRange"
        ]
        if prop["name"] in units:
            prop["customProperties"].append({"property": "unit", "value": units[prop["name"]]})
        handled = any(e["property"] == "missingValues" for e in prop["customProperties"])
        if not prop["required"] and not handled:
            prop["customProperties"].append({"property": "missingValues", "value": "keep-null"})
        for quality in prop.get("quality", []):
            quality["description"] = "Checked with the domain expert."
    path.write_text(yaml.safe_dump(contract, sort_keys=False))
    assert findings(project) == (0, [])

    contract["status"] = "active"
    path.write_text(yaml.safe_dump(contract, sort_keys=False))
    assert findings(project) == (0, [])
    _, production = findings(project, "--stage", "production", str(path))
    assert {f["code"] for f in production} == {"PRJ007"}  # contract-level descriptions left
    validate = charter("validate", "penguins.csv", "--contract", PENGUINS, cwd=project)
    assert validate.returncode == 0, validate.stdout


def panel() -> pl.DataFrame:
    """A firm-by-year panel: 11 firms (an 11-value text column), 4 years, no identifier."""
    firms = [f"Firm {chr(65 + i)}" for i in range(11)]
    return pl.DataFrame(
        {
            "firm": [firm for firm in firms for _ in range(4)],
            "year": [1935 + y for _ in firms for y in range(4)],
            "invest": [round(0.05 + 7.3 * i, 2) for i in range(44)],
        }
    )


def test_an_eleven_value_text_column_gets_its_code_list_with_the_count(project: Path) -> None:
    panel().write_csv(project / "panel.csv")
    result = charter("new", "contract", "panel", "--from", "panel.csv", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "code list of 11 values drafted for firm" in result.stdout
    props = properties(
        yaml.safe_load((project / "governance/contracts/panel.odcs.yaml").read_text())
    )
    codes = [r for r in props["firm"]["quality"] if r["metric"] == "invalidValues"]
    assert len(codes[0]["arguments"]["validValues"]) == 11
    assert codes[0]["description"].startswith("Only the 11 values seen in the sample.")


def test_max_codes_sets_how_many_values_a_code_list_may_have(project: Path) -> None:
    panel().write_csv(project / "panel.csv")
    args = ("new", "contract", "panel", "--from", "panel.csv", "--max-codes", "10")
    result = charter(*args, cwd=project)
    assert result.returncode == 0, result.stderr
    assert "drafted for firm" not in result.stdout
    props = properties(
        yaml.safe_load((project / "governance/contracts/panel.odcs.yaml").read_text())
    )
    assert all(r["metric"] != "invalidValues" for r in props["firm"].get("quality", []))
    bad = charter("new", "contract", "p2", "--from", "panel.csv", "--max-codes", "0", cwd=project)
    assert bad.returncode == 2
    assert "not a whole number above 0" in bad.stderr


def test_data_without_an_identifier_gets_a_proposed_composite_key(project: Path) -> None:
    panel().write_csv(project / "panel.csv")
    result = charter("new", "contract", "panel", "--from", "panel.csv", cwd=project)
    assert "drafted the composite key (firm, year)" in result.stdout
    contract = yaml.safe_load((project / "governance/contracts/panel.odcs.yaml").read_text())
    props = properties(contract)
    keys = {
        n: (p["primaryKeyPosition"], p["required"]) for n, p in props.items() if "primaryKey" in p
    }
    assert keys == {"firm": (1, True), "year": (2, True)}
    assert "unique" not in props["firm"]  # repeats by design; together they are unique
    assert "Confirm the drafted key (firm, year)." in contract["schema"][0]["description"]
    assert charter("check", "--select", "CON012", cwd=project).returncode == 0
    valid = charter(
        "validate", "panel.csv", "--contract", "governance/contracts/panel.odcs.yaml", cwd=project
    )
    assert valid.returncode == 0, valid.stdout
    twice = panel().vstack(panel().head(1))
    twice.write_csv(project / "twice.csv")
    dup = charter(
        "validate", "twice.csv", "--contract", "governance/contracts/panel.odcs.yaml", cwd=project
    )
    assert dup.returncode == 1, dup.stdout


def test_ranges_are_rounded_outward_and_put_on_the_to_do_list(project: Path) -> None:
    panel().write_csv(project / "panel.csv")
    assert charter("new", "contract", "panel", "--from", "panel.csv", cwd=project).returncode == 0
    props = properties(
        yaml.safe_load((project / "governance/contracts/panel.odcs.yaml").read_text())
    )
    assert props["invest"]["logicalTypeOptions"] == {"minimum": 0, "maximum": 320}  # 0.05..313.95
    assert props["year"]["logicalTypeOptions"] == {"minimum": 1900, "maximum": 2000}
    note = next(e for e in props["invest"]["customProperties"] if e["property"] == "draftedRange")
    assert note["value"] == "0.05 to 313.95 in the sample"
    _, found = findings(project)
    ranges = [f["message"] for f in found if "confirm the range drafted" in f["message"]]
    assert ranges == [
        "draft, to do (domain expert): confirm the range drafted from the sample for 2 columns "
        "(`logicalTypeOptions`, rounded outward; then delete their `draftedRange` entry): "
        "year, invest"
    ]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_later_na_in_a_text_column_is_a_missing_value(project: Path, suffix: str) -> None:
    """The sample had no `NA`; the next extract does: a missing value, which the draft limits."""
    frame = pl.DataFrame({"site": ["north", "south"] * 4, "n": list(range(8))})
    later = frame.with_columns(pl.Series("site", ["north", "NA"] * 4))
    write = (lambda f, p: f.write_csv(p)) if suffix == ".csv" else (lambda f, p: f.write_parquet(p))
    write(frame, project / f"sites{suffix}")
    write(later, project / f"later{suffix}")
    assert (
        charter("new", "contract", "sites", "--from", f"sites{suffix}", cwd=project).returncode == 0
    )
    contract = "governance/contracts/sites.odcs.yaml"
    props = properties(yaml.safe_load((project / contract).read_text()))
    if suffix == ".csv":
        missing = next(r for r in props["site"]["quality"] if r["metric"] == "missingValues")
        assert "NA" in missing["arguments"]["missingValues"]
    result = charter("validate", f"later{suffix}", "--contract", contract, cwd=project)
    assert result.returncode == 1, result.stdout  # CSV: 50 % missing; Parquet: not a code
    if suffix == ".csv":
        assert "missing" in result.stdout.lower(), result.stdout


def test_na_strings_in_a_parquet_text_column_are_missing_values(project: Path) -> None:
    frame = pl.DataFrame({"site": ["north", "south", "NA", "north", "south", "N/A"]})
    frame.write_parquet(project / "sites.parquet")
    assert (
        charter("new", "contract", "sites", "--from", "sites.parquet", cwd=project).returncode == 0
    )
    props = properties(
        yaml.safe_load((project / "governance/contracts/sites.odcs.yaml").read_text())
    )
    codes = next(r for r in props["site"]["quality"] if r["metric"] == "invalidValues")
    assert codes["arguments"]["validValues"] == ["north", "south"]
    missing = next(r for r in props["site"]["quality"] if r["metric"] == "missingValues")
    assert missing["arguments"]["missingValues"] == ["NA", "N/A"]
    assert missing["mustBeLessOrEqualTo"] == 33.4
    assert props["site"]["required"] is False
