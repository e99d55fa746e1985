"""The JSON Schemas charter ships: valid, identical wherever they are published, in the wheel."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema_rs
import pytest
from jsonschema.validators import validator_for

from charter.formats.schema import ODCS_SCHEMAS, schema_text
from charter.formats.source import parse_yaml

REPO = Path(__file__).resolve().parents[2]
PACKAGE_SCHEMAS = REPO / "src/charter/formats/schemas"
OWN = [
    "feature-catalog.schema.json",
    "card-governance.schema.json",
    "checklist.schema.json",
    "approval.schema.json",
    "deployment.schema.json",
]
ODCS = sorted(ODCS_SCHEMAS.values())


@pytest.mark.parametrize("name", OWN + ODCS)
def test_schema_is_a_valid_json_schema(name: str) -> None:
    schema = json.loads(schema_text(name))
    validator_for(schema).check_schema(schema)


@pytest.mark.parametrize("name", OWN)
def test_own_schemas_are_2020_12_with_id_and_api_version(name: str) -> None:
    schema = json.loads(schema_text(name))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith("urn:charter:schema:")
    assert schema["properties"]["apiVersion"]["const"] == "charter/v1"


@pytest.mark.parametrize("name", OWN + ODCS)
def test_docs_publish_identical_copies(name: str) -> None:
    assert (REPO / "docs/schemas" / name).read_bytes() == (PACKAGE_SCHEMAS / name).read_bytes()


@pytest.mark.parametrize("name", [*OWN, "odcs-3.1.0.schema.json"])
def test_template_ships_identical_copies_for_editors(name: str) -> None:
    copy = REPO / "template/governance/schemas" / name
    assert copy.read_bytes() == (PACKAGE_SCHEMAS / name).read_bytes()


def test_vendored_odcs_files_match_the_recorded_hashes() -> None:
    readme = (PACKAGE_SCHEMAS / "README.md").read_text()
    for version in ("3.1.0", "3.2.0"):
        digest = hashlib.sha256((PACKAGE_SCHEMAS / f"odcs-{version}.schema.json").read_bytes())
        assert re.search(rf"{version} `{digest.hexdigest()}`", readme)
    assert (PACKAGE_SCHEMAS / "LICENSE-odcs-schemas").is_file()


def test_wheel_contains_the_schemas(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "uv", "build", "--wheel", "--out-dir", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("charter-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in [*OWN, *ODCS, "LICENSE-odcs-schemas"]:
        assert f"charter/formats/schemas/{name}" in names


GOOD_CONTRACT = Path(__file__).parent / "fixtures/check/good/governance/contracts/visits.odcs.yaml"
CONTRACT_EDITS = [
    ("", ""),
    ("required: true", "required: yes please"),
    ("        unique: true\n", "        unique: true\n        colour: red\n"),
    ("logicalType: integer", "logicalType: int"),
    ("kind: DataContract", "kind: Contract"),
    ("status: active\n", ""),
    ("    logicalType: object\n", "    logicalType: object\n    enum: [{value: 1}]\n"),
]


@pytest.mark.parametrize(("old", "new"), CONTRACT_EDITS)
def test_fast_path_agrees_with_jsonschema(old: str, new: str) -> None:
    """jsonschema-rs only answers "valid?": it must never call valid what jsonschema rejects."""
    text = GOOD_CONTRACT.read_text().replace(old, new)
    data = parse_yaml(text, GOOD_CONTRACT).data
    schema = json.loads(schema_text(ODCS_SCHEMAS["v3.1.0"]))
    python_valid = not list(validator_for(schema)(schema).iter_errors(data))
    assert jsonschema_rs.validator_for(schema).is_valid(data) == python_valid
    assert python_valid == (old == "")
