"""Every rule: the clean fixture project passes it, a one-edit variant fails it with its code."""

from __future__ import annotations

from pathlib import Path

import pytest
from checking import GOOD, codes, copy_good, edit, findings

from charter.rules import all_rules

CONTRACT = "governance/contracts/visits.odcs.yaml"
CATALOG = "governance/features/catalog.yaml"
CARD = "governance/models/risk/card.md"
REVIEW = "governance/checklists/ready-for-review.md"
AGE_ANONYMIZATION = "          - property: anonymization\n            value: generalization\n"
WEIGHT_MISSING_VALUES = "          - property: missingValues\n            value: impute-median\n"

# (code, file, old text, new text): one edit of the clean project that breaks one rule.
DEFECTS = [
    ("PRJ001", CONTRACT, "apiVersion: v3.1.0", "apiVersion: [v3.1.0"),
    ("PRJ002", CONTRACT, "name: Visits\n", "name: Visits\nname: Again\n"),
    ("PRJ003", CATALOG, "features:\n", "<<<<<<< before updating\nfeatures:\n"),
    ("PRJ005", "pyproject.toml", 'docs = "docs"', 'docs = "docs"\ncontract = "typo"'),
    ("PRJ006", REVIEW, "rules: [PRJ, CON, FEA, MOD001]", "rules: [PRJ, ZZZ]"),
    ("CON001", CONTRACT, "status: active", "status: active\nowner_team: x"),
    ("CON002", CONTRACT, "apiVersion: v3.1.0", "apiVersion: v9.0.0"),
    ("CON003", CONTRACT, "role: owner", "role: steward"),
    ("CON005", CONTRACT, "- name: weight", "- name: age"),
    ("CON006", CONTRACT, AGE_ANONYMIZATION, ""),
    ("CON007", CONTRACT, "value: generalization", "value: none"),
    ("CON008", CONTRACT, "value: kg", "value: ''"),
    ("CON009", CONTRACT, WEIGHT_MISSING_VALUES, ""),
    ("CON010", CONTRACT, "value: impute-median", "value: guess"),
    ("CON011", CONTRACT, "        description: Body weight, when it was measured.\n", ""),
    ("CON012", CONTRACT, "        unique: true\n", ""),
    ("CON013", CONTRACT, "{minimum: 0, maximum: 130}", "{minimum: 130, maximum: 0}"),
    ("FEA001", CATALOG, "dtype: int64", "dtype: int64\n    colour: red"),
    ("FEA002", CATALOG, "property: age", "property: age_years"),
    ("FEA003", CATALOG, "joinKeys: [visit_id]", "joinKeys: [age]"),
    ("FEA004", CATALOG, "version: 2", "version: 1"),
    ("FEA005", CATALOG, "anonymization: generalization", "anonymization: masking"),
    ("FEA006", CATALOG, "clinic.features:age_band", "clinic.features:age_bands"),
    ("FEA007", CATALOG, 'owner: "@model-owner"', 'owner: "  "'),
    ("FEA010", CATALOG, "    status: draft\n", "    status: active\n"),
    ("MOD001", CARD, "          - type: r2\n", "          - value_only: 1\n"),
    ("MOD002", CARD, "  run_manifest: null\n", ""),
    ("MOD003", CARD, "## Factors", "## Groups"),
    ("MOD005", CARD, "age_band@1", "age_band@7"),
    ("MOD006", CARD, "weight_kg@1", "weight_kg@2"),
    ("MOD007", CARD, "    - visits\n", "    - visitz\n"),
    ("MOD008", CARD, "run_manifest: null", "run_manifest: runs/r1/manifest.json"),
]


def test_clean_project_passes_every_rule_at_every_stage() -> None:
    for stage in ("review", "production"):
        exit_code, found = findings(GOOD, "--stage", stage)
        assert (exit_code, found) == (0, [])


@pytest.mark.parametrize(("code", "file", "old", "new"), DEFECTS, ids=[d[0] for d in DEFECTS])
def test_defect_is_caught_with_its_code(
    tmp_path: Path, code: str, file: str, old: str, new: str
) -> None:
    project = copy_good(tmp_path)
    edit(project / file, old, new)
    exit_code, found = findings(project)
    hits = [f for f in found if f["code"] == code]
    assert hits, found
    assert all(f["path"] == file for f in hits)
    assert all(f["line"] >= 1 and f["col"] >= 1 for f in hits)
    severity = all_rules()[code].severity if code in all_rules() else "error"
    assert exit_code == (1 if severity == "error" else 0)


@pytest.mark.fails_with("CON004")
def test_con004_duplicate_contract_id(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    contracts = project / "governance/contracts"
    (contracts / "visits_copy.odcs.yaml").write_text((contracts / "visits.odcs.yaml").read_text())
    found = findings(project)[1]
    assert [f["path"] for f in found if f["code"] == "CON004"] == [
        "governance/contracts/visits_copy.odcs.yaml"
    ]


@pytest.mark.fails_with("MOD004")
def test_mod004_placeholder_only_binding_at_production(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(project / CARD, "One clinic only.", "TODO(model-owner): limitations.")
    assert "MOD004" not in codes(project)
    exit_code, found = findings(project, "--stage", "production")
    assert exit_code == 1
    assert [(f["code"], f["line"], f["col"]) for f in found] == [("MOD004", 62, 1)]


@pytest.mark.fails_with("PRJ007")
def test_prj007_placeholder_in_contract_only_binding_at_production(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(project / CONTRACT, "Row key of a visit.", "TODO(data-owner) what is a visit?")
    assert "PRJ007" not in codes(project)
    exit_code, found = findings(project, "--stage", "production")
    assert exit_code == 1
    assert [(f["code"], f["path"], f["line"]) for f in found] == [("PRJ007", CONTRACT, 17)]


def test_checklist_pulls_a_production_rule_forward_by_full_code_only(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(project / CARD, "One clinic only.", "TODO(model-owner): limitations.")
    edit(project / REVIEW, "rules: [PRJ, CON, FEA, MOD001]", "rules: [PRJ, CON, FEA, MOD]")
    assert "MOD004" not in codes(project)
    edit(project / REVIEW, "rules: [PRJ, CON, FEA, MOD]", "rules: [MOD004]")
    assert codes(project) == {"MOD004"}


@pytest.mark.fails_with("PRJ004")
def test_prj004_rej_file_anywhere_in_the_project(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    (project / "src/clinic/features.py.rej").write_text("@@ -1 +1 @@\n")
    found = findings(project)[1]
    assert [(f["code"], f["path"]) for f in found] == [("PRJ004", "src/clinic/features.py.rej")]
    assert "copier update" in found[0]["message"]


MARKERS = ("<<<<<<<", "=======", ">>>>>>>")


def test_conflict_markers_reported_at_their_lines_not_as_parse_errors(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(project / CONTRACT, "  - name: visits\n", "<<<<<<< before\n  - name: visits\n=======\n")
    edit(project / CONTRACT, "      - name: age\n", "      - name: age\n>>>>>>> after\n")
    lines = (project / CONTRACT).read_text().splitlines()
    expected = [("PRJ003", n) for n, line in enumerate(lines, 1) if line[:7] in MARKERS]
    assert len(expected) == 3
    found = findings(project)[1]
    assert [(f["code"], f["line"]) for f in found if f["path"] == CONTRACT] == expected


def test_contract_schema_chosen_by_api_version(tmp_path: Path) -> None:
    """`enum` exists in ODCS v3.2.0 only: the same property is valid or not by apiVersion."""
    project = copy_good(tmp_path)
    contract = project / CONTRACT
    edit(
        contract,
        "        logicalType: integer\n",
        "        logicalType: integer\n        enum: [{value: 1}]\n",
    )
    assert "CON001" in codes(project)
    edit(contract, "apiVersion: v3.1.0", "apiVersion: v3.2.0")
    assert "CON001" not in codes(project)


def test_unknown_key_points_at_the_key(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    edit(
        project / CONTRACT, "        unique: true\n", "        unique: true\n        colour: red\n"
    )
    found = [f for f in findings(project)[1] if f["code"] == "CON001"]
    assert [(f["line"], f["col"]) for f in found] == [(22, 9)]
    assert "unknown key 'colour'" in found[0]["message"]


def test_transform_ref_is_resolved_without_importing(tmp_path: Path) -> None:
    project = copy_good(tmp_path)
    features = project / "src/clinic/features.py"
    features.write_text(features.read_text() + "\nraise SystemExit('imported!')\n")
    assert "FEA006" not in codes(project)
    features.write_text("def age_band(:\n")
    messages = [f["message"] for f in findings(project)[1] if f["code"] == "FEA006"]
    assert any("does not parse" in m for m in messages)
