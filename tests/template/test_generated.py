"""Generated tier: a fresh project passes its own gates and stays clean.

For the defaults and one other answer set per CI provider: `uv sync --locked`,
`pre-commit run --all-files` (exit 0, no file changed), the project's tests,
`charter check`, and a clean `git status` afterwards. Needs PyPI, not a git host.
"""

from __future__ import annotations

import shutil

import pytest
from conftest import build_project, run
from template_defaults import default

pytestmark = pytest.mark.generated

OTHER_ANSWER_SETS = [
    pytest.param(
        {
            "ci": "gitlab",
            "example_pipeline": False,
            "license": "Apache-2.0",
            "data_sensitivity": "restricted",
        },
        id="gitlab-skeleton",
    ),
    pytest.param(
        {
            "ci": "none",
            "example_pipeline": True,
            "license": "Proprietary",
            "data_sensitivity": "public",
            "project_name": 'Zeta: "quoted" #1 Café',
            "description": "Line one: with # and \\ backslash\nline two",
        },
        id="no-ci-hostile",
    ),
]


def git_status(project) -> str:
    return run("git", "status", "--porcelain", "--untracked-files=all", cwd=project).stdout


def assert_gates_pass(project) -> None:
    run("uv", "sync", "--locked", "--quiet", cwd=project)
    hooks = run(
        "uv",
        "run",
        "--frozen",
        "pre-commit",
        "run",
        "--all-files",
        "--show-diff-on-failure",
        cwd=project,
        check=False,
    )
    assert hooks.returncode == 0, hooks.stdout + hooks.stderr
    assert git_status(project) == "", "the hooks changed files"
    run("uv", "run", "--frozen", "nox", "-s", "tests", cwd=project)
    run("uv", "run", "--frozen", "charter", "check", cwd=project)
    assert git_status(project) == "", "the tests or checks left files behind"


def test_default_project_passes_its_gates(generated_project, tmp_path):
    project = tmp_path / "default"
    shutil.copytree(generated_project, project, symlinks=True)
    run("uv", "sync", "--locked", "--quiet", cwd=project)  # a copied .venv needs relinking
    assert_gates_pass(project)


def test_default_project_lock_is_current(generated_project):
    result = run("uv", "lock", "--check", cwd=generated_project, check=False)
    assert result.returncode == 0, result.stderr


def test_charter_is_pinned_to_the_template_commit(generated_project, template_repo):
    lock = (generated_project / "uv.lock").read_text()
    commit = run("git", "rev-parse", "HEAD", cwd=template_repo).stdout.strip()
    assert f"file://{template_repo}?rev={commit}#{commit}" in lock
    version = run("uv", "run", "--frozen", "charter", "--version", cwd=generated_project).stdout
    assert version.strip() == "charter 99.0.0"


@pytest.mark.parametrize("answers", OTHER_ANSWER_SETS)
def test_other_answer_sets_pass_their_gates(template_repo, tmp_path, answers):
    project = build_project(template_repo, tmp_path / "project", answers)
    assert_gates_pass(project)


def test_hooks_refuse_conflict_markers_and_rej_files(generated_project, tmp_path):
    project = tmp_path / "conflicted"
    shutil.copytree(generated_project, project, symlinks=True)
    run("uv", "sync", "--locked", "--quiet", cwd=project)
    readme = project / "README.md"
    readme.write_text(
        readme.read_text()
        + "<<<<<<< before updating\nmine\n=======\ntheirs\n>>>>>>> after updating\n"
    )
    (project / "pyproject.toml.rej").write_text("@@ -1 +1 @@\n-a\n+b\n")
    run("git", "add", "-A", cwd=project)
    hooks = run(
        "uv", "run", "--frozen", "pre-commit", "run", "--all-files", cwd=project, check=False
    )
    assert hooks.returncode == 1
    assert "README.md" in hooks.stdout
    assert "pyproject.toml.rej" in hooks.stdout


def test_commit_ignores_untracked_work_in_progress(generated_project, tmp_path):
    """The hooks check what is committed: an untracked broken card does not refuse it.

    pre-commit stashes unstaged changes before the hooks run, so a broken edit
    left unstaged in a tracked contract does not count either; once the card is
    staged, the commit is refused.
    """
    project = tmp_path / "wip"
    shutil.copytree(generated_project, project, symlinks=True)
    run("uv", "sync", "--locked", "--quiet", cwd=project)
    run("uv", "run", "--frozen", "pre-commit", "install", cwd=project)
    card = project / "governance/models/wip/card.md"
    card.parent.mkdir(parents=True)
    card.write_text("---\nlicense: [mit\n---\n\n# Half written\n")
    contract = sorted((project / "governance/contracts").glob("*.odcs.yaml"))[0]
    committed = contract.read_text()
    contract.write_text(committed + "broken: [\n")
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\nA line about the project.\n")
    run("git", "add", "README.md", cwd=project)

    commit = run("git", "commit", "-m", "Describe the project", cwd=project, check=False)
    assert commit.returncode == 0, commit.stdout + commit.stderr
    assert "charter check" in commit.stdout + commit.stderr
    assert contract.read_text() == committed + "broken: [\n", "the unstaged edit is kept"
    assert "?? governance/models/wip/" in git_status(project)

    contract.write_text(committed)
    run("git", "add", "governance/models/wip/card.md", cwd=project)
    refused = run("git", "commit", "-m", "Add the WIP card", cwd=project, check=False)
    assert refused.returncode == 1
    assert "governance/models/wip/card.md:3:1: PRJ001" in refused.stdout + refused.stderr


@pytest.mark.skipif(default("ci") != "github", reason="the default project has no GitHub CI")
def test_zizmor_hook_refuses_an_unpinned_action(generated_project, tmp_path):
    project = tmp_path / "unpinned"
    shutil.copytree(generated_project, project, symlinks=True)
    run("uv", "sync", "--locked", "--quiet", cwd=project)
    ci = project / ".github" / "workflows" / "ci.yml"
    text = ci.read_text()
    pinned = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1"
    assert pinned in text
    ci.write_text(text.replace(pinned, "actions/checkout@v7"))
    run("git", "add", "-A", cwd=project)
    hooks = run(
        "uv",
        "run",
        "--frozen",
        "pre-commit",
        "run",
        "zizmor",
        "--all-files",
        cwd=project,
        check=False,
    )
    assert hooks.returncode == 1, hooks.stdout + hooks.stderr
    assert "unpinned-uses" in hooks.stdout
