"""Contract rules at every depth, what `validate` cannot run, and relationships (CON015, CON016)."""

from __future__ import annotations

from pathlib import Path

import pytest
from checking import copy_good, edit, findings

CONTRACT = "governance/contracts/visits.odcs.yaml"
WEIGHT = "      - name: weight\n"

# A documented object column whose nested fields break CON006, CON008 and CON009.
NESTED = """      - name: clinic
        description: Where the visit took place.
        logicalType: object
        required: true
        classification: internal
        customProperties:
          - property: piiCategory
            value: none
        properties:
          - name: doctor
            description: Who saw the patient.
            logicalType: string
            required: true
            classification: internal
            customProperties:
              - property: piiCategory
                value: direct-identifier
          - name: rooms
            description: Rooms used.
            logicalType: array
            required: true
            classification: internal
            customProperties:
              - property: piiCategory
                value: none
            items:
              logicalType: number
              classification: internal
              customProperties:
                - property: piiCategory
                  value: none
                - property: missingValues
                  value: reject
"""


def with_nested(tmp_path: Path, text: str = NESTED) -> Path:
    project = copy_good(tmp_path)
    edit(project / CONTRACT, WEIGHT, text + WEIGHT)
    return project


def test_rules_apply_to_nested_fields_and_items(tmp_path: Path) -> None:
    found = findings(with_nested(tmp_path))[1]
    hits = sorted((f["code"], f["line"]) for f in found)
    lines = (tmp_path / "project" / CONTRACT).read_text().splitlines()
    doctor = lines.index("          - name: doctor") + 1
    items = lines.index("              logicalType: number") + 1
    assert hits == [("CON006", doctor), ("CON008", items)]


def test_nested_fields_that_are_complete_pass(tmp_path: Path) -> None:
    fixed = NESTED.replace(
        "                value: direct-identifier\n",
        "                value: direct-identifier\n"
        "              - property: anonymization\n                value: pseudonymization\n",
    ).replace(
        "                  value: reject\n",
        "                  value: reject\n"
        "                - property: unit\n"
        "                  value: '1'\n",
    )
    assert findings(with_nested(tmp_path, fixed)) == (0, [])


def test_con005_duplicate_field_inside_an_object(tmp_path: Path) -> None:
    project = with_nested(tmp_path, NESTED.replace("name: rooms", "name: doctor"))
    found = [f for f in findings(project)[1] if f["code"] == "CON005"]
    assert [f["message"] for f in found] == ["property 'doctor' is defined twice in 'clinic'"]


INVALID_VALUES = """      - name: status
        description: Visit status.
        logicalType: string
        required: true
        classification: internal
        customProperties:
          - property: piiCategory
            value: none
        quality:
          - metric: invalidValues
            mustBe: 0
"""


@pytest.mark.fails_with("CON015")
def test_con015_what_validate_cannot_run_is_a_check_finding(tmp_path: Path) -> None:
    project = with_nested(tmp_path, INVALID_VALUES)
    exit_code, found = findings(project)
    assert exit_code == 1
    assert [f["code"] for f in found] == ["CON015"]
    assert "invalidValues needs arguments.validValues or pattern" in found[0]["message"]
    lines = (project / CONTRACT).read_text().splitlines()
    assert found[0]["line"] == lines.index("          - metric: invalidValues") + 1


def test_con015_passes_once_the_property_has_an_enum(tmp_path: Path) -> None:
    fixed = INVALID_VALUES.replace(
        "        required: true\n",
        "        required: true\n        enum: [{value: open}, {value: closed}]\n",
    )
    project = with_nested(tmp_path, fixed)
    edit(project / CONTRACT, "apiVersion: v3.1.0", "apiVersion: v3.2.0")
    assert findings(project) == (0, [])


CUSTOMERS = """apiVersion: v3.1.0
kind: DataContract
id: patients
name: Patients
version: 1.0.0
status: active
team:
  name: Clinic data
  members:
    - username: "@data-owner"
      role: owner
schema:
  - name: patients
    properties:
      - name: patient_id
        description: Row key of a patient.
        logicalType: string
        primaryKey: true
        required: true
        unique: true
        classification: internal
        customProperties:
          - property: piiCategory
            value: none
          - property: privacyReview
            value: {reviewer: "@privacy-reviewer", reason: Synthetic row key.}
"""


def with_relationship(tmp_path: Path, target: str) -> Path:
    project = copy_good(tmp_path)
    (project / "governance/contracts/patients.odcs.yaml").write_text(CUSTOMERS)
    edit(
        project / CONTRACT,
        "        unique: true\n",
        f"        unique: true\n        relationships:\n          - to: {target}\n",
    )
    return project


def test_con016_relationship_to_an_existing_property_passes(tmp_path: Path) -> None:
    assert findings(with_relationship(tmp_path, "patients.patient_id")) == (0, [])


@pytest.mark.fails_with("CON016")
def test_con016_relationship_to_a_missing_property(tmp_path: Path) -> None:
    exit_code, found = findings(with_relationship(tmp_path, "patients.id"))
    assert exit_code == 1
    assert [(f["code"], f["path"]) for f in found] == [("CON016", CONTRACT)]
    assert "'patients.id'" in found[0]["message"]
