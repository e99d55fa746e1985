"""`charter new stage` and `charter new feature`: code, wiring and tests a project accepts.

Each runs on a freshly rendered default project (the worked example), and the
files it writes are exercised for real: the stage module runs, the generated
tests pass under pytest, `charter check` and `charter docs --check` agree.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from charter_cli import charter
from templating import clean_env

PACKAGE = "diabetes_progression"


@pytest.fixture
def project(render, tmp_path: Path) -> Path:
    return render()


def in_project(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python ARGS` in the project, its src/ importable (as once it is installed)."""
    env = {k: v for k, v in clean_env().items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join([str(project / "src"), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, *args], cwd=project, env=env, capture_output=True, text=True, check=False
    )


def codes(project: Path) -> list[str]:
    result = charter("check", "--format", "json", cwd=project)
    return sorted({finding["code"] for finding in json.loads(result.stdout)["findings"]})


# ------------------------------------------------------------------- stage


def test_new_stage_adds_its_dvc_entry_keeping_every_comment_and_line(project: Path) -> None:
    dvc_yaml = project / "dvc.yaml"
    before = dvc_yaml.read_text()
    result = charter("new", "stage", "clean_visits", "--dep", "data/raw/patients.parquet",
                     cwd=project)  # fmt: skip

    assert result.returncode == 0, result.stderr
    after = dvc_yaml.read_text()
    assert after.startswith(before)  # comments, quotes and layout untouched
    assert yaml.safe_load(after)["stages"]["clean_visits"] == {
        "cmd": f"python -m {PACKAGE}.clean_visits",
        "deps": [f"src/{PACKAGE}/clean_visits.py", "data/raw/patients.parquet"],
        "outs": ["data/interim/clean_visits.json"],
        "meta": {
            "charter": {
                "contracts": {
                    "data/raw/patients.parquet": "governance/contracts/patients.odcs.yaml"
                }
            }
        },
    }
    codeowners = (project / "CODEOWNERS").read_text()
    assert codeowners.endswith(f"/src/{PACKAGE}/clean_visits.py  ada@example.org\n")


def test_new_stage_module_runs_as_dvc_runs_it_and_its_test_passes(project: Path) -> None:
    assert charter("new", "stage", "summarize", "--out", "artifacts/summary.json",
                   cwd=project).returncode == 0  # fmt: skip

    ran = in_project(project, "-m", f"{PACKAGE}.summarize")
    assert ran.returncode == 0, ran.stderr
    assert (project / "artifacts/summary.json").is_file()
    tested = in_project(project, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        "tests/test_summarize.py")  # fmt: skip
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "1 passed" in tested.stdout


def test_new_stage_keeps_the_check_findings_as_they_were(project: Path) -> None:
    before = codes(project)
    assert charter("new", "stage", "clean_visits", "--dep", "data/raw/patients.parquet",
                   cwd=project).returncode == 0  # fmt: skip
    assert codes(project) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["train"], "already exists; choose another stage name"),
        (["Clean-Visits"], "invalid stage name 'Clean-Visits'"),
        (["visits", "--dep", "data/raw/visits.csv"], "no stage of dvc.yaml names a contract"),
        (["visits", "--dep", "../outside.csv"], "give a path inside the project"),
    ],
)
def test_new_stage_refuses_with_one_line_and_writes_nothing(
    project: Path, args: list[str], message: str
) -> None:
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    result = charter("new", "stage", *args, cwd=project)

    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


def test_new_stage_in_a_dvc_yaml_ruamel_cannot_keep_appends_text(project: Path) -> None:
    dvc_yaml = project / "dvc.yaml"
    unusual = "stages:\n    ingest:\n        cmd: python -m x   # four-space indents\n"
    dvc_yaml.write_text(unusual)

    assert charter("new", "stage", "extra", cwd=project).returncode == 0
    after = dvc_yaml.read_text()
    assert after.startswith(unusual)
    assert set(yaml.safe_load(after)["stages"]) == {"ingest", "extra"}


def test_new_stage_creates_dvc_yaml_when_the_project_has_none(project: Path) -> None:
    (project / "dvc.yaml").unlink()
    assert charter("new", "stage", "extra", cwd=project).returncode == 0
    stages = yaml.safe_load((project / "dvc.yaml").read_text())["stages"]
    assert stages["extra"]["cmd"] == f"python -m {PACKAGE}.extra"


# ----------------------------------------------------------------- feature


def test_new_feature_adds_a_draft_entry_keeping_the_catalog_as_written(project: Path) -> None:
    catalog = project / "governance/features/catalog.yaml"
    before = catalog.read_text()
    result = charter("new", "feature", "bmi_band", "--from", "patients.bmi", cwd=project)

    assert result.returncode == 0, result.stderr
    after = catalog.read_text()
    features, excluded = before.split("\nexcluded:\n")  # the entry joins the features list
    assert after.startswith(features.rstrip("\n"))
    assert after.endswith("\nexcluded:\n" + excluded)
    entry = yaml.safe_load(after)["features"][-1]
    assert entry == {
        "name": "bmi_band",
        "version": 1,
        "entity": "patient",
        "joinKeys": ["patient_id"],
        "dtype": "float64",
        "owner": "ada@example.org",
        "status": "draft",
        "description": "TODO(feature-owner): what bmi_band means, with its unit.",
        "rationale": "TODO(feature-owner): why a model should read bmi_band.",
        "sources": [{"contract": "patients", "property": "bmi"}],
        "transform": {"ref": f"{PACKAGE}.features:bmi_band"},
    }
    module = (project / "src" / PACKAGE / "features.py").read_text()
    assert module.index("def bmi_band() -> pl.Expr:") < module.index("@runtime.stage")


def test_new_feature_leaves_check_and_docs_green_and_its_test_passes(project: Path) -> None:
    before = codes(project)
    assert charter("new", "feature", "bmi_band", "--from", "patients.bmi",
                   cwd=project).returncode == 0  # fmt: skip

    assert codes(project) == before
    docs = charter("docs", "--check", cwd=project)
    assert docs.returncode == 0, docs.stdout
    tested = in_project(project, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        "tests/test_feature_bmi_band.py", "tests/test_features.py")  # fmt: skip
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_new_feature_from_personal_data_declares_its_anonymization(project: Path) -> None:
    refused = charter("new", "feature", "age_band", "--from", "patients.age", cwd=project)
    assert refused.returncode == 2
    assert "patients.age is personal data" in refused.stderr
    assert "--anonymization" in refused.stderr

    made = charter("new", "feature", "age_band", "--from", "patients.age",
                   "--anonymization", "generalization", cwd=project)  # fmt: skip
    assert made.returncode == 0, made.stderr
    catalog = yaml.safe_load((project / "governance/features/catalog.yaml").read_text())
    assert catalog["features"][-1]["anonymization"] == "generalization"
    assert "FEA005" not in codes(project)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("patients", "write it as CONTRACT.COLUMN"),
        ("visits.age", "no contract with id 'visits' (the project has: patients)"),
        ("patients.weight", "contract 'patients' has no column 'weight'"),
    ],
)
def test_new_feature_refuses_a_source_that_is_not_there(
    project: Path, source: str, message: str
) -> None:
    catalog = project / "governance/features/catalog.yaml"
    before = catalog.read_text()
    result = charter("new", "feature", "extra", "--from", source, cwd=project)

    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert catalog.read_text() == before


def test_new_feature_refuses_an_existing_feature(project: Path) -> None:
    result = charter("new", "feature", "bmi", "--from", "patients.bmi", cwd=project)
    assert result.returncode == 2
    assert "a feature named 'bmi' already exists" in result.stderr
