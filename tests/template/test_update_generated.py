"""Generated + update tier: after `copier update` the environment follows the template.

The project's `charter` pin moves to the new template commit and uv.lock is
refreshed by the update itself, so `uv sync --locked` passes with no manual
step; before the update, `charter check` warns that a newer release is out.
"""

from __future__ import annotations

import shutil
import tomllib

import pytest
from conftest import run
from release_history import build_release_history
from templating import TEST_VERSION, copy_project, git, update_project

pytestmark = [pytest.mark.generated, pytest.mark.update]

LATEST = f"v{TEST_VERSION}"
CHECK_TEMPLATE = {"CHARTER_TEMPLATE_CHECK_TTL": "0"}  # ask copier every time


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    return build_release_history(tmp_path_factory.mktemp("history") / "charter")


@pytest.fixture(scope="module")
def old_project(history, tmp_path_factory):
    """A project generated at v0.0.9 with its lock file, installed and committed."""
    project = tmp_path_factory.mktemp("old") / "p"
    copy_project(history, project, vcs_ref="v0.0.9", lock=True)
    run("uv", "sync", "--locked", "--quiet", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "--no-verify", "-m", "Generated at v0.0.9", cwd=project)
    return project


def template_check(project, select: str):
    """`charter check --select SELECT` with the template-version check switched on."""
    return run(
        "uv", "run", "--frozen", "charter", "check", "--select", select,
        cwd=project, check=False, env=CHECK_TEMPLATE,
    )  # fmt: skip


def charter_rev(project) -> str:
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    return pyproject["tool"]["uv"]["sources"]["charter"]["rev"]


@pytest.mark.fails_with("PRJ010")
def test_charter_check_warns_that_a_newer_template_is_out(old_project):
    result = template_check(old_project, "PRJ010")
    assert result.returncode == 0, result.stdout + result.stderr  # a warning never fails
    assert ".copier-answers.yml:2:1: PRJ010" in result.stdout
    assert "99.0.0" in result.stdout
    # The Standards entries of the releases in between, from the template's CHANGELOG.md.
    assert "its Standards: 0.1.0: " in result.stdout


def test_update_moves_the_pin_and_refreshes_the_lock(old_project, history):
    before = charter_rev(old_project)
    update_project(old_project, LATEST)
    after = charter_rev(old_project)
    assert after == run("git", "rev-parse", f"{LATEST}^{{commit}}", cwd=history).stdout.strip()
    assert after != before
    assert f"rev={after}" in (old_project / "uv.lock").read_text()
    run("uv", "sync", "--locked", "--quiet", cwd=old_project)
    version = run("uv", "run", "--frozen", "charter", "--version", cwd=old_project).stdout
    assert version.strip() == f"charter {TEST_VERSION}"
    result = template_check(old_project, "PRJ010")
    assert "PRJ010" not in result.stdout


@pytest.mark.fails_with("PRJ011")
def test_charter_check_says_when_it_cannot_tell(generated_project, tmp_path):
    """Offline (here: a template path that no longer exists) is a warning, not a failure."""
    project = tmp_path / "p"
    shutil.copytree(generated_project, project, symlinks=True)
    answers = project / ".copier-answers.yml"
    text = answers.read_text()
    src = next(line for line in text.splitlines() if line.startswith("_src_path:"))
    answers.write_text(text.replace(src, "_src_path: /nonexistent/charter-template"))
    git("commit", "--quiet", "--no-verify", "-am", "template moved", cwd=project)
    run("uv", "sync", "--locked", "--quiet", cwd=project)
    result = template_check(project, "PRJ01")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PRJ011" in result.stdout
    assert "could not tell" in result.stdout
