"""PIP rules: each has a passing fixture (the example's stages) and a failing one."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.project import Project
from charter.rules import check

GOVERNED = """\
stages:
  train:
    cmd: python -m diabetes_progression.train
    deps:
      - data/raw/patients.parquet
      - data/interim/patients.validated.json
      - data/processed/features.parquet
    meta:
      charter:
        contracts:
          data/raw/patients.parquet: governance/contracts/patients.odcs.yaml
"""


def project_with(tmp_path: Path, dvc_yaml: str) -> Project:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "p"\n')
    contracts = tmp_path / "governance" / "contracts"
    contracts.mkdir(parents=True)
    (contracts / "patients.odcs.yaml").write_text("apiVersion: v3.1.0\n")
    (tmp_path / "dvc.yaml").write_text(dvc_yaml)
    return Project.load(tmp_path)


def codes(project: Project, select: str) -> list[str]:
    return [f"{f.line}:{f.col}: {f.code} {f.message}" for f in check(project, select=[select])]


def test_governed_stages_pass(tmp_path: Path):
    project = project_with(tmp_path, GOVERNED)
    assert codes(project, "PIP") == []


@pytest.mark.fails_with("PIP001")
def test_a_data_table_without_contract_is_pip001(tmp_path: Path):
    project = project_with(tmp_path, GOVERNED.split("    meta:", maxsplit=1)[0])
    [finding] = codes(project, "PIP001")
    assert finding.startswith("5:9: PIP001 stage 'train' reads data/raw/patients.parquet")


@pytest.mark.fails_with("PIP002")
def test_a_contract_path_that_does_not_exist_is_pip002(tmp_path: Path):
    project = project_with(tmp_path, GOVERNED.replace("patients.odcs.yaml", "patient.odcs.yaml"))
    [finding] = codes(project, "PIP002")
    assert finding.startswith("11:38: PIP002 stage 'train' says")
    assert "patient.odcs.yaml" in finding


@pytest.mark.parametrize("text", ["stages: [\n", "- a list\n", ""])
def test_a_broken_or_odd_dvc_yaml_is_not_a_pip_finding(tmp_path: Path, text: str):
    assert codes(project_with(tmp_path, text), "PIP") == []
