"""Scientific Python's repo-review passes every applicable check on generated projects.

repo-review (sp-repo-review, from the lock) runs offline on the rendered files;
the checks that do not apply by design are listed, each with its reason, in
repo_review_not_applicable.toml, the one place (docs/tour.md shows it).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import yaml
from repo_review.processor import process
from template_defaults import default

NOT_APPLICABLE_FILE = Path(__file__).with_name("repo_review_not_applicable.toml")
# {"all": {code: reason}, "gitlab": {code: reason}}: for every project, and for GitLab ones.
NOT_APPLICABLE: dict[str, dict[str, str]] = tomllib.loads(NOT_APPLICABLE_FILE.read_text())

PROJECTS = [
    pytest.param({}, id="default"),
    pytest.param({"ci": "gitlab", "example_pipeline": False}, id="gitlab-skeleton"),
]


@pytest.fixture(scope="module", params=PROJECTS)
def reviewed(request, render):
    """(project, {check: result}, {code: reason}) for one answer set.

    A result is True, False or None (skipped: a check another check gates).
    """
    project = render(**request.param)
    results = {r.name: r for r in process(project).results}
    ci = request.param.get("ci", default("ci"))  # a fork may change the default
    return project, results, {**NOT_APPLICABLE["all"], **NOT_APPLICABLE.get(ci, {})}


def test_every_applicable_check_passes(reviewed):
    _, results, not_applicable = reviewed
    failing = {
        name: f"{r.description}: {r.err_msg.strip()}"
        for name, r in results.items()
        if r.result is False and name not in not_applicable
    }
    assert failing == {}


def test_each_not_applicable_check_exists_and_does_not_pass(reviewed):
    """A stale entry (a renamed check, or one that now passes) would hide nothing: drop it."""
    _, results, not_applicable = reviewed
    assert set(not_applicable) <= set(results), "unknown check codes"
    passing = sorted(name for name in not_applicable if results[name].result is True)
    assert passing == []


def test_the_reasons_hold_the_tools_run_as_local_hooks(reviewed):
    """The reasons say ruff, mypy, pre-commit-hooks (and zizmor on GitHub) run locally."""
    project, _, not_applicable = reviewed
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    entries = {hook["id"]: hook["entry"] for hook in config["repos"][0]["hooks"]}
    for hook in ["ruff-check", "ruff-format", "mypy", "check-added-large-files"]:
        assert entries[hook].startswith("uv run --frozen "), hook
    github = (project / ".github").is_dir()
    assert ("zizmor" in entries) == github
    assert all(reason.strip() for reason in not_applicable.values())
