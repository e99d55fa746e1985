"""The model as an artifact, in a copy of the default generated project.

The pipeline saves the model with skops, its sha256 lands in the run manifest,
`python -m <package>.predict` scores rows checked against the contract with
that exact file, and `charter new deployment` fills a manifest the DEP rules
accept. A tampered model file and rows that break the contract are refused.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from fnmatch import fnmatch
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from conftest import run

pytestmark = pytest.mark.generated

PACKAGE = "diabetes_progression"
MODEL = "progression_regressor"
SKOPS = Path("artifacts/model.skops")


@pytest.fixture(scope="module")
def project(generated_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the default project with one recorded run, committed."""
    root = tmp_path_factory.mktemp("artifact") / "project"
    shutil.copytree(generated_project, root, ignore=shutil.ignore_patterns(".venv"), symlinks=True)
    run("uv", "sync", "--locked", "--quiet", cwd=root)
    run("uv", "run", "--locked", "nox", "-s", "pipeline", cwd=root)
    run("git", "add", "dvc.lock", "runs", cwd=root)
    run("git", "commit", "--quiet", "--no-verify", "-m", "Record a run", cwd=root)
    return root


def manifest(root: Path) -> dict:
    return json.loads(next((root / "runs").glob("*/manifest.json")).read_text())


def sample(root: Path, path: Path) -> Path:
    """The raw table without its target: what a day's batch to score looks like."""
    pl.read_parquet(root / "data/raw/patients.parquet").drop("progression").write_csv(path)
    return path


def predict(root: Path, *args: str | Path, check: bool = True):
    return run("uv", "run", "--locked", "python", "-m", f"{PACKAGE}.predict", *args, cwd=root,
               check=check)  # fmt: skip


def test_the_run_manifest_records_the_model_file(project: Path) -> None:
    outputs = {o["uri"]: o["sha256"] for o in manifest(project)["outputs"]}
    assert outputs[SKOPS.as_posix()] == hashlib.sha256((project / SKOPS).read_bytes()).hexdigest()


def test_predict_scores_the_sample_with_the_runs_model(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "predictions.parquet"
    result = predict(project, sample(project, tmp_path / "batch.csv"), out)
    run_id = manifest(project)["run_id"]
    assert f"442 rows scored by run {run_id}'s model" in result.stdout
    scored = pl.read_parquet(out)
    assert scored.columns == ["patient_id", "prediction", "run_id"]
    assert scored["run_id"].unique().to_list() == [run_id]
    coefficients = json.loads((project / "artifacts/model.json").read_text())
    features = pl.read_parquet(project / "data/processed/features.parquet")
    x = features.select(list(coefficients["coefficients"])).to_numpy()
    expected = x @ np.array(list(coefficients["coefficients"].values()))
    expected += coefficients["intercept"]
    assert np.allclose(scored["prediction"].to_numpy(), expected)


def test_a_tampered_model_file_is_refused(project: Path, tmp_path: Path) -> None:
    original = (project / SKOPS).read_bytes()
    try:
        (project / SKOPS).write_bytes(original + b"\0")
        out = tmp_path / "p.parquet"
        result = predict(project, sample(project, tmp_path / "b.csv"), out, check=False)
    finally:
        (project / SKOPS).write_bytes(original)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "artifacts/model.skops has sha256" in result.stderr and "not loaded" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_rows_that_break_the_contract_are_not_scored(project: Path, tmp_path: Path) -> None:
    batch = sample(project, tmp_path / "b.csv")
    table = pl.read_csv(batch).with_columns(pl.lit(-5).alias("bmi"))
    table.write_csv(batch)
    out = tmp_path / "p.parquet"
    result = predict(project, batch, out, check=False)
    assert result.returncode == 1
    assert "breaks governance/contracts/patients.odcs.yaml" in result.stderr
    assert "bmi" in result.stderr and "Traceback" not in result.stderr and not out.exists()


DEPLOYMENT = f"governance/deployments/{MODEL}/production.yaml"


@pytest.fixture(scope="module")
def deployed(project: Path) -> Path:
    run("uv", "run", "charter", "new", "deployment", MODEL, "--env", "production", cwd=project)
    return project


def test_new_deployment_from_the_run_passes_the_deployment_rules(deployed: Path) -> None:
    project, deployment = deployed, DEPLOYMENT
    run_id = manifest(project)["run_id"]
    text = (project / deployment).read_text()
    assert f"run: {run_id}" in text and "uri: artifacts/model.skops" in text
    checked = run("uv", "run", "charter", "check", "--select", "DEP", cwd=project, check=False)
    assert checked.returncode == 0, checked.stdout
    scored = predict(project, sample(project, project / "data/interim/b.csv"),
                     project / "data/interim/p.parquet", "--manifest", deployment)  # fmt: skip
    assert f"by run {run_id}'s model" in scored.stdout


def dockerfile_steps(dockerfile: str) -> tuple[list[list[str]], list[str], list[str]]:
    """The COPY sources of the final stage and the builder, the uv commands, the entry point."""
    joined = re.sub(r"\\\n\s*", " ", dockerfile)
    copies = [
        line.split()[1:-1]
        for line in joined.splitlines()
        if line.startswith("COPY ") and "--from=" not in line
    ]
    syncs = re.findall(r"uv sync [^;&\n]*", joined)
    entry = json.loads(re.search(r"^ENTRYPOINT (.*)$", joined, re.MULTILINE).group(1))
    entry += json.loads(re.search(r"^CMD (.*)$", joined, re.MULTILINE).group(1))
    return copies, [s.strip() for s in syncs], entry


def build_context(project: Path, target: Path) -> Path:
    """The project as `docker build` sends it: everything .dockerignore does not exclude."""
    patterns = [
        line.strip()
        for line in (project / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]

    def ignored(relative: str) -> bool:
        """Docker's reading: a pattern matches the path or a folder above it; the last wins."""
        parts = relative.split("/")
        prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
        verdict = False
        for pattern in patterns:
            glob = pattern.lstrip("!").rstrip("/")
            if glob.startswith("**/"):
                hit = any(fnmatch(part, glob[3:]) for part in parts)
            else:
                hit = any(fnmatch(prefix, glob) for prefix in prefixes)
            if hit:
                verdict = not pattern.startswith("!")
        return verdict

    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project).as_posix()
        if path.is_file() and not ignored(relative):
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / relative)
    return target


def test_dockerfile_passes_hadolint(project: Path) -> None:
    result = run("uv", "run", "--locked", "hadolint", "--failure-threshold", "warning",
                 "Dockerfile", cwd=project, check=False)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_container_steps_score_the_sample_in_a_bare_environment(
    deployed: Path, tmp_path: Path
) -> None:
    """Docker's steps without Docker: the context, the locked install, the entry point."""
    dockerfile = (deployed / "Dockerfile").read_text()
    copies, syncs, entry = dockerfile_steps(dockerfile)
    assert syncs[-1] == "uv sync --locked --no-dev --no-editable", syncs
    assert re.search(r"^FROM \$\{PYTHON_IMAGE\}", dockerfile, re.MULTILINE)
    assert re.search(r"python:3\.11-slim-bookworm@sha256:[0-9a-f]{64}", dockerfile)
    assert re.search(r"^USER 10001:10001$", dockerfile, re.MULTILINE)
    context = build_context(deployed, tmp_path / "context")
    for excluded in ("data", "runs", ".venv", ".dvc/cache", ".git"):
        assert not (context / excluded).exists(), excluded
    app = tmp_path / "app"
    for sources in copies:
        for source in sources:
            origin = context / source.rstrip("/")
            assert origin.exists(), f"COPY {source}: not in the build context"
            destination = app / source.rstrip("/")
            destination.parent.mkdir(parents=True, exist_ok=True)
            if origin.is_dir():
                shutil.copytree(origin, destination, dirs_exist_ok=True)
            else:
                shutil.copy2(origin, destination)
    environment = {"UV_PYTHON_DOWNLOADS": "never", "VIRTUAL_ENV": ""}
    run(*syncs[-1].split(), "--quiet", cwd=app, env=environment)
    installed = run("uv", "pip", "list", "--python", app / ".venv/bin/python", cwd=app).stdout
    assert "charter" in installed and "skops" in installed
    assert "dvc " not in installed and "pytest" not in installed  # no dev tools in the image
    sample(deployed, tmp_path / "batch.csv")
    args = [str(tmp_path / "batch.csv") if a.endswith("batch.parquet") else a for a in entry]
    args = [str(tmp_path / "predictions.parquet") if a.endswith("predictions.parquet") else a
            for a in args]  # fmt: skip
    assert args[:3] == ["python", "-m", f"{PACKAGE}.predict"]
    result = run(app / ".venv/bin/python", *args[1:], cwd=app, env=environment)
    run_id = manifest(deployed)["run_id"]
    assert f"442 rows scored by run {run_id}'s model" in result.stdout
    assert pl.read_parquet(tmp_path / "predictions.parquet")["run_id"].unique().to_list() == [
        run_id
    ]
