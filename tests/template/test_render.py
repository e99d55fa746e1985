"""Fast tier: every meaningful answer combination renders to a sound project."""

from __future__ import annotations

import itertools
import tomllib

import pytest
import yaml
from checks import (
    assert_files_parse,
    assert_no_leftover_jinja,
    assert_portable_names,
    assert_text_hygiene,
)

CI = ["github", "gitlab", "none"]
SENSITIVITY = ["public", "internal", "confidential", "restricted"]
LICENSES = ["MIT", "Apache-2.0", "BSD-3-Clause", "Proprietary"]
PYTHONS = ["3.11", "3.12", "3.13"]

# Every CI x example x sensitivity combination; licenses and Python versions
# rotate through them so each value appears with each CI provider.
COMBINATIONS = [
    {
        "ci": ci,
        "example_pipeline": example,
        "data_sensitivity": sensitivity,
        "license": LICENSES[i % len(LICENSES)],
        "python_version": PYTHONS[i % len(PYTHONS)],
    }
    for i, (ci, example, sensitivity) in enumerate(
        itertools.product(CI, [True, False], SENSITIVITY)
    )
]


def _id(answers: dict) -> str:
    return "-".join(str(v) for v in answers.values())


@pytest.fixture(scope="module", params=COMBINATIONS, ids=_id)
def rendered(request, render):
    return request.param, render(**request.param)


def test_no_leftover_jinja(rendered):
    _, project = rendered
    assert_no_leftover_jinja(project)


def test_every_data_file_parses(rendered):
    _, project = rendered
    assert_files_parse(project)


def test_text_hygiene_leaves_the_fixer_hooks_nothing_to_do(rendered):
    _, project = rendered
    assert_text_hygiene(project)


def test_file_names_are_portable(rendered):
    _, project = rendered
    assert_portable_names(project)


def test_ci_files_follow_the_answer(rendered):
    answers, project = rendered
    github = project / ".github" / "workflows" / "ci.yml"
    gitlab = project / ".gitlab-ci.yml"
    assert github.exists() == (answers["ci"] == "github")
    assert gitlab.exists() == (answers["ci"] == "gitlab")
    assert (project / ".github").exists() == (answers["ci"] == "github")
    assert (project / "CODEOWNERS").exists()


def test_pyproject_carries_the_answers(rendered):
    answers, project = rendered
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["requires-python"] == f">={answers['python_version']}"
    license_expression = pyproject["project"]["license"]
    if answers["license"] == "Proprietary":
        assert license_expression == "LicenseRef-Proprietary"
    else:
        assert license_expression == answers["license"]
    assert (project / ".python-version").read_text().strip() == answers["python_version"]
    source = pyproject["tool"]["uv"]["sources"]["charter"]
    assert source["git"].startswith("file:///")
    assert len(source["rev"]) == 40
    assert set(pyproject["tool"]["charter"]) >= {"contracts", "features", "models", "docs"}


def test_both_answers_get_the_pipeline_and_only_the_example_its_study(rendered):
    """Without the example, the same stages run over a sample table shipped in the package."""
    answers, project = rendered
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    runtime_deps = " ".join(pyproject["project"]["dependencies"])
    assert "charter[runtime]" in runtime_deps
    assert "scikit-learn" in runtime_deps
    noxfile = (project / "noxfile.py").read_text()
    assert "def pipeline" in noxfile
    ci_files = {"github": ".github/workflows/ci.yml", "gitlab": ".gitlab-ci.yml"}
    if answers["ci"] in ci_files:
        assert "nox -s pipeline" in (project / ci_files[answers["ci"]]).read_text()
    [package] = [p for p in (project / "src").iterdir() if p.is_dir()]
    contracts = sorted(p.name for p in (project / "governance" / "contracts").iterdir())
    models = sorted(p.name for p in (project / "governance" / "models").iterdir())
    if answers["example_pipeline"]:
        assert (contracts, models) == (["patients.odcs.yaml"], ["progression_regressor"])
        assert not (package / "sample.csv").exists()
    else:
        assert (contracts, models) == (["dataset.odcs.yaml"], ["baseline"])
        assert (package / "sample.csv").read_text().startswith("record_id,")


def test_answers_file_records_every_answer(rendered):
    answers, project = rendered
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert recorded["_commit"] == "v99.0.0"
    assert recorded["_src_path"].startswith("/")
    for key, value in answers.items():
        assert recorded[key] == value
    # Computed values are never recorded: they are recomputed on update.
    assert not {"project_slug", "package_name", "charter_git", "charter_rev"} & set(recorded)


def test_hooks_run_tools_from_the_locked_environment(rendered):
    _, project = rendered
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    hooks = {hook["id"]: hook for hook in config["repos"][0]["hooks"]}
    expected = {
        "ruff-check",
        "ruff-format",
        "uv-lock",
        "nbstripout",
        "check-added-large-files",
        "check-yaml",
        "check-toml",
        "check-json",
        "end-of-file-fixer",
        "trailing-whitespace",
        "detect-private-key",
        "detect-secrets",
        "no-encoded-private-keys",
        "no-key-files",
        "mypy",
        "check-merge-conflict",
        "no-rej-files",
        "charter-check",
    }
    assert expected <= set(hooks)
    assert "--assume-in-merge" in hooks["check-merge-conflict"]["entry"]
    assert hooks["no-rej-files"]["language"] == "fail"
    assert hooks["charter-check"]["entry"] == "uv run --frozen charter check --staged"
    assert hooks["charter-docs"]["entry"] == "uv run --frozen charter docs --check --staged"
    for hook in hooks.values():
        # `fail` and `pygrep` hooks run inside pre-commit itself (from the lock too).
        if hook["language"] not in {"fail", "pygrep"}:
            assert hook["entry"].startswith("uv "), hook["id"]


def test_codeowners_names_every_role(render):
    project = render(
        data_owner="@acme/data",
        model_owner="@ml-lead",
        product_owner="po@example.org",
        privacy_reviewer="@acme/privacy",
    )
    owners = (project / "CODEOWNERS").read_text()
    for owner in ("@acme/data", "@ml-lead", "po@example.org", "@acme/privacy"):
        assert owner in owners
    contracts_line = next(line for line in owners.splitlines() if "/governance/contracts/" in line)
    assert "@acme/data" in contracts_line
    assert "@acme/privacy" in contracts_line


def test_who_may_approve_is_owned_in_codeowners(render):
    """Changing governance/approvers (or an approval) needs the product and model owners' review."""
    project = render(model_owner="@ml-lead", product_owner="po@example.org")
    lines = (project / "CODEOWNERS").read_text().splitlines()
    for path in ("/governance/approvers", "/governance/approvals/"):
        line = next(line for line in lines if line.split()[:1] == [path])
        assert "@ml-lead" in line and "po@example.org" in line
    approvers = (project / "governance/approvers").read_text()
    assert all(line.startswith("#") for line in approvers.splitlines())  # nobody until reviewed
