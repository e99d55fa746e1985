"""FEA008: a feature whose logic changed since the last commit must get a new version."""

from __future__ import annotations

import pytest
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
    assert "bump `version` to 2" in result.stdout


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
    assert "weight_kg@1: its sources, dtype or transform.ref changed" in result.stdout


def test_new_features_and_projects_outside_git_are_not_compared(tmp_path):
    project = copy_good(tmp_path)
    edit(project / FEATURES, "return age // 10", "return age // 5")
    assert fea008(project).returncode == 0
