"""`charter adopt` on an existing repository: nothing overwritten, a checkable project.

Rendering only (`--no-lock`); the generated tier (tests/template/test_adopt_generated.py)
locks, installs and runs the project's own hooks and tests after adopting.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml
from checking import charter
from legacy_repository import FILES, legacy_repository, snapshot
from packaging.requirements import Requirement

MERGE = ["README.md", ".gitignore", "src/legacy_forecast/__init__.py"]


@pytest.fixture
def copier_env(tmp_path: Path) -> dict[str, str]:
    settings = tmp_path / "copier-settings.yml"
    settings.write_text("{}\n")
    return {"COPIER_SETTINGS_PATH": str(settings)}


@pytest.fixture
def adopted(template_repo: Path, tmp_path: Path, copier_env: dict[str, str]):
    root = legacy_repository(tmp_path / "legacy-forecast")
    before = snapshot(root)
    result = charter("adopt", "--template", template_repo, "--no-lock", cwd=root, env=copier_env)
    return root, before, result


def test_adopt_overwrites_nothing_and_lists_what_to_merge(adopted) -> None:
    root, before, result = adopted
    assert result.returncode == 0, result.stderr
    after = snapshot(root)
    changed = [f for f in FILES if after[f] != before[f]]
    assert changed == ["pyproject.toml"]  # merged, below
    merge_list = result.stdout.split("by hand:\n", 1)[1].splitlines()
    assert [line.strip() for line in merge_list[: len(MERGE)]] == sorted(MERGE)
    for relative in MERGE:  # the template's version waits for the merge, outside git
        assert (root / ".git/charter-adopt" / relative).is_file()
    assert "Ada Lovelace" not in (root / ".copier-answers.yml").read_text()


def test_adopt_merges_pyproject_and_imports_requirements(adopted) -> None:
    root, before, result = adopted
    old = tomllib.loads(before["pyproject.toml"].decode())
    new = tomllib.loads((root / "pyproject.toml").read_text())
    for key in ("name", "version", "description", "authors", "requires-python"):
        assert new["project"][key] == old["project"][key]
    assert new["tool"]["ruff"] == old["tool"]["ruff"]  # the team's settings win
    assert new["project"]["dependencies"] == ["pyyaml>=6.0"]
    assert "imported pyyaml>=6.0" in result.stdout
    assert "charter" in {Requirement(dep).name for dep in new["dependency-groups"]["dev"]}
    assert set(new["tool"]["uv"]["sources"]["charter"]) == {"git", "rev"}
    assert new["tool"]["charter"]["contracts"] == "governance/contracts"
    assert "# pragma: allowlist secret" in (root / "pyproject.toml").read_text()


def test_adopt_turns_the_example_off_and_drafts_contracts(adopted) -> None:
    root, _, result = adopted
    answers = yaml.safe_load((root / ".copier-answers.yml").read_text())
    assert answers["example_pipeline"] is False
    assert answers["description"] == "Forecasts weekly demand for the clinics' appointment desk."
    assert answers["author_name"] == "Grace Hopper"
    assert not (root / "dvc.yaml").exists()
    assert not (root / "src/legacy_forecast/ingest.py").exists()
    draft = root / "governance/contracts/drafts/visits.odcs.yaml"
    assert yaml.safe_load(draft.read_text())["status"] == "draft"
    assert "drafted governance/contracts/drafts/visits.odcs.yaml from data/visits.csv" in (
        result.stdout
    )
    assert "CON014 draft, to do (domain expert): describe 5 columns" in result.stdout


@pytest.mark.fails_with("PRJ050")
def test_adopted_repository_checks_clean_where_the_original_did_not(
    template_repo: Path, tmp_path: Path, copier_env: dict[str, str]
) -> None:
    root = legacy_repository(tmp_path / "legacy-forecast")
    before = charter("check", cwd=root)
    assert before.returncode == 1
    assert "PRJ050" in before.stdout
    adopt = charter("adopt", "--template", template_repo, "--no-lock", cwd=root, env=copier_env)
    assert adopt.returncode == 0, adopt.stderr
    after = charter("check", "--ignore", "PRJ012", cwd=root)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "All checks passed." in after.stderr
    docs = charter("docs", "--check", cwd=root)
    assert docs.returncode == 0, docs.stdout


def test_adopt_refuses_a_project_that_already_follows_the_template(adopted) -> None:
    root, _, _ = adopted
    again = charter("adopt", "--template", "/nowhere", "--no-lock", cwd=root)
    assert again.returncode == 2
    assert again.stderr.strip().endswith(
        "already follows a template (.copier-answers.yml exists): run `copier update`"
    )
    missing = charter("adopt", "--project", root / "nope", "--template", "/nowhere", cwd=root)
    assert missing.returncode == 2
    assert "Traceback" not in again.stderr + missing.stderr
