"""Generated tier: `charter new stage` and `new feature` leave a project that passes its gates.

In the default project, installed from its lock: both commands, then every
pre-commit hook (exit 0, no file changed), the project's tests (the two new
test files among them), `charter check`, and DVC running the new stage.
"""

from __future__ import annotations

import pytest
from conftest import build_project, run
from test_generated import assert_gates_pass

pytestmark = pytest.mark.generated


def test_new_stage_and_feature_pass_the_hooks_tests_and_dvc(template_repo, tmp_path):
    # Its own project: a copied .venv would still import the package from the original folder.
    project = build_project(template_repo, tmp_path / "scaffolded")
    charter = ("uv", "run", "--frozen", "charter", "new")
    run(*charter, "stage", "clean_visits", "--dep", "data/raw/patients.parquet", cwd=project)
    run(*charter, "feature", "bmi_band", "--from", "patients.bmi", cwd=project)
    run(*charter, "feature", "age_band", "--from", "patients.age",
        "--anonymization", "generalization", cwd=project)  # fmt: skip
    run("git", "add", "-A", cwd=project)
    run("git", "commit", "--quiet", "--no-verify", "-m", "New stage and features", cwd=project)

    assert_gates_pass(project)
    new_tests = ["tests/test_clean_visits.py", "tests/test_feature_bmi_band.py",
                 "tests/test_feature_age_band.py"]  # fmt: skip
    tests = run("uv", "run", "--frozen", "pytest", "-q", *new_tests, cwd=project)
    assert "5 passed" in tests.stdout
    repro = run("uv", "run", "--frozen", "dvc", "repro", "clean_visits", cwd=project)
    assert "Running stage 'clean_visits'" in repro.stdout
    assert (project / "data/interim/clean_visits.json").is_file()
