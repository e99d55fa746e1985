"""FEA008: a feature whose logic changed since the last commit must get a new version."""

from __future__ import annotations

import pytest
import yaml
from checking import charter, copy_good, edit
from templating import git

FEATURES = "src/clinic/features.py"
CATALOG = "governance/features/catalog.yaml"


@pytest.fixture
def committed(tmp_path):
    """The clean fixture project, committed in its own git repository."""
    project = copy_good(tmp_path)
    git("init", "--quiet", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "-m", "fixture", cwd=project)
    return project


def fea008(project):
    return charter("check", "--select", "FEA008", "--no-cache", cwd=project)


def test_unchanged_project_is_clean(committed):
    result = fea008(committed)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.fails_with("FEA008")
def test_changed_code_without_a_bump_is_reported_at_the_version(committed):
    edit(committed / FEATURES, "return age // 10", "return age // 5")
    result = fea008(committed)
    assert result.returncode == 1
    assert result.stdout.startswith(f"{CATALOG}:5:14: FEA008 age_band@1: the code of ")
    assert "run `charter feature bump age_band` (it writes age_band@2" in result.stdout


def test_bumping_the_version_clears_it(committed):
    edit(committed / FEATURES, "return age // 10", "return age // 5")
    edit(
        committed / CATALOG,
        "  - name: age_band\n    version: 1",
        "  - name: age_band\n    version: 3",
    )
    assert fea008(committed).returncode == 0


def test_docstrings_comments_and_formatting_are_not_logic(committed):
    edit(
        committed / FEATURES,
        "def age_band(age):\n    return age // 10",
        'def age_band(age):\n    """Decade of life."""\n'
        "    # integer division\n    return (age) // 10",
    )
    assert fea008(committed).returncode == 0


def test_changed_source_column_is_a_change_of_logic(committed):
    edit(committed / CATALOG, "property: weight", "property: age")
    result = fea008(committed)
    assert result.returncode == 1
    assert "weight_kg@1: its sources or dtype changed" in result.stdout


def test_new_features_and_projects_outside_git_are_not_compared(tmp_path):
    project = copy_good(tmp_path)
    edit(project / FEATURES, "return age // 10", "return age // 5")
    assert fea008(project).returncode == 0


def read_catalog(project):
    return yaml.safe_load((project / CATALOG).read_text())["features"]


def test_bump_after_the_edit_keeps_the_committed_code_for_the_old_version(committed):
    """The documented path: FEA008 names the command, the command clears FEA008."""
    edit(committed / FEATURES, "return age // 10", "return age // 5")
    assert "charter feature bump age_band" in fea008(committed).stdout
    result = charter("feature", "bump", "age_band", cwd=committed)
    assert result.returncode == 0, result.stderr
    assert "age_band@2 added, age_band@1 deprecated" in result.stdout
    entries = [f for f in read_catalog(committed) if f["name"] == "age_band"]
    assert [(f["version"], f["status"], f["transform"]["ref"]) for f in entries] == [
        (1, "deprecated", "clinic.features:age_band_v1"),
        (2, "active", "clinic.features:age_band"),
    ]
    assert entries[1]["sources"] == entries[0]["sources"]
    assert entries[1]["anonymization"] == "generalization"
    code = (committed / FEATURES).read_text()
    assert "def age_band_v1(age):\n    return age // 10\n" in code  # the committed logic
    assert "def age_band(age):\n    return age // 5\n" in code  # the new logic, for @2
    text = (committed / CATALOG).read_text()
    assert text.startswith("apiVersion: charter/v1\nkind: FeatureCatalog\n")  # layout kept
    checked = charter("check", "--select", "FEA", "--no-cache", cwd=committed)
    assert checked.returncode == 0, checked.stdout


def test_bump_before_the_edit_then_changing_the_code_is_clean(committed):
    assert charter("feature", "bump", "age_band", cwd=committed).returncode == 0
    edit(
        committed / FEATURES,
        "def age_band(age):\n    return age // 10",
        "def age_band(age):\n    return age // 5",
    )
    assert fea008(committed).returncode == 0
    git("add", "-A", cwd=committed)
    git("commit", "--quiet", "-m", "age_band@2", cwd=committed)
    assert fea008(committed).returncode == 0
    edit(committed / FEATURES, "return age // 5", "return age // 3")  # @2 changes again
    result = fea008(committed)
    assert "age_band@2: the code of clinic.features:age_band changed" in result.stdout
    assert "charter feature bump age_band" in result.stdout


@pytest.mark.fails_with("FEA008")
def test_pointing_a_version_at_other_code_is_a_change(committed):
    edit(committed / CATALOG, "ref: clinic.features:age_band", "ref: clinic.features:weight_kg")
    result = fea008(committed)
    assert result.returncode == 1
    assert "age_band@1: its transform.ref (clinic.features:age_band -> " in result.stdout


def test_bump_of_an_unknown_feature_is_one_sentence(committed):
    result = charter("feature", "bump", "height", cwd=committed)
    assert result.returncode == 2
    assert result.stderr.startswith("charter feature bump: no feature named 'height' in ")
    assert "Traceback" not in result.stderr
