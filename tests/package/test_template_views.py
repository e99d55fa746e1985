"""A new project ships its docs views already current: `charter docs --check` passes at once.

The views are Jinja templates (made by tests/package/template_views.py); these
tests render the template and ask the real `charter docs --check` whether
each view is byte for byte what it would write.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run

NASTY = "He said \"yes\": #1 \\ back\\\\slash 'quoted' Café ✓ 日本 {{ not jinja }} %} ${x} <b>|"

ANSWER_SETS = [
    pytest.param({}, id="defaults"),
    pytest.param({"example_pipeline": False}, id="skeleton"),
    pytest.param(
        {"data_sensitivity": "public", "example_pipeline": True, "license": "Proprietary"},
        id="public",
    ),
    pytest.param(
        {
            "project_name": "Zeta " + NASTY,
            "description": NASTY + "\nsecond line",
            "organization": NASTY + "\n\tthird line",
            "data_owner": "o'brien|x\\y@example.org",
            "model_owner": "@org/ml_team.a-b",
            "privacy_reviewer": "privacy+dpo@example.org",
            "data_sensitivity": "internal",
        },
        id="hostile",
    ),
    pytest.param(
        {
            "project_name": "Ünïcode   spaced   name",
            "example_pipeline": False,
            "data_owner": "@a",
            "model_owner": "m*o_del@example.org",
        },
        id="hostile-skeleton",
    ),
]


def charter_docs(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "charter", "docs", "--project", str(project), *args],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("answers", ANSWER_SETS)
def test_rendered_views_are_current(render, answers: dict) -> None:
    project = render(**answers)
    for name in ("data-dictionary.md", "feature-catalog.md", "lineage.md", "model-cards.md"):
        assert (project / "docs" / name).is_file(), name
    result = charter_docs(project, "--check")
    if result.returncode != 0:
        stale = result.stdout.split(":")[0]
        before = (project / stale).read_text() if stale.endswith(".md") else ""
        charter_docs(project)
        after = (project / stale).read_text() if stale.endswith(".md") else ""
        pytest.fail(
            f"{result.stdout}{result.stderr}\n--- shipped\n{before}\n--- charter docs\n{after}\n"
            "Regenerate with: uv run python tests/package/template_views.py"
        )


def test_views_carry_the_answers(render) -> None:
    project = render(
        data_owner="@dana", model_owner="@mo", privacy_reviewer="@pri", data_sensitivity="public"
    )
    dictionary = (project / "docs/data-dictionary.md").read_text()
    assert "@dana (owner), @pri (privacy reviewer), @mo (consumer)" in dictionary
    assert "| reject | public | quasi-identifier / generalization |" in dictionary
    catalog = (project / "docs/feature-catalog.md").read_text()
    assert "`diabetes_progression.features:age_decade`" in catalog
    assert "| @mo |" in catalog


def test_skeleton_views_describe_the_sample_pipeline(render) -> None:
    project = render(example_pipeline=False)
    cards = (project / "docs/model-cards.md").read_text()
    assert "| `baseline` |" in cards
    assert "progression_regressor" not in cards
    lineage = (project / "docs/lineage.md").read_text()
    assert "| `measure_b_centred@1` | `dataset.measure_b` | baseline |" in lineage
    assert "patients" not in lineage


@pytest.mark.generated
def test_installed_charter_accepts_the_shipped_views(generated_project: Path) -> None:
    """The charter a project installs from its lock agrees with the views it ships."""
    result = run(
        "uv", "run", "--frozen", "charter", "docs", "--check", cwd=generated_project, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
