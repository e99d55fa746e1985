"""Reproducible runs end to end, in a copy of the default generated project.

The pipeline runs through the project's own nox session; `charter reproduce`,
`charter card sync` and `charter check` run from the project's environment.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from conftest import run

pytestmark = pytest.mark.generated

MODEL = "progression_regressor"
RAW = Path("data/raw/patients.parquet")


@pytest.fixture(scope="module")
def project(generated_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the generated project with its own environment."""
    root = tmp_path_factory.mktemp("runs") / "project"
    shutil.copytree(generated_project, root, ignore=shutil.ignore_patterns(".venv"), symlinks=True)
    run("uv", "sync", "--locked", "--quiet", cwd=root)
    return root


def pipeline(root: Path) -> dict:
    result = run("uv", "run", "--locked", "nox", "-s", "pipeline", cwd=root)
    manifest = next(line for line in result.stdout.splitlines() if "runs/" in line).split()[-1]
    return json.loads((root / manifest).read_text())


@pytest.fixture(scope="module")
def two_runs(project: Path) -> tuple[dict, dict]:
    return pipeline(project), pipeline(project)


def test_two_runs_from_one_commit_are_identical(two_runs: tuple[dict, dict]):
    first, second = two_runs
    assert first["run_id"] != second["run_id"]
    assert first["code"] == second["code"]
    assert first["code"]["dirty"] is False
    assert [o["sha256"] for o in first["outputs"]] == [o["sha256"] for o in second["outputs"]]
    assert first["metrics"] == second["metrics"]
    assert first["inputs"] == second["inputs"]
    assert first["features"] == [
        "age_decade@1",
        "bmi@1",
        "mean_arterial_pressure@1",
        "ldl_hdl_ratio@1",
        "log_triglycerides@1",
        "blood_glucose@1",
    ]


def test_honest_run_reproduces(project: Path, two_runs: tuple[dict, dict]):
    result = run("uv", "run", "charter", "reproduce", two_runs[0]["run_id"], cwd=project)
    assert "3 output hashes and 3 metrics identical" in result.stdout


def test_changed_seed_does_not_reproduce(project: Path, two_runs: tuple[dict, dict], tmp_path):
    recorded = dict(two_runs[0], seeds={**two_runs[0]["seeds"], "split": 1})
    edited = project / "runs" / "edited-seed" / "manifest.json"
    edited.parent.mkdir()
    edited.write_text(json.dumps(dict(recorded, run_id="edited-seed"), indent=2))
    try:
        result = run("uv", "run", "charter", "reproduce", "edited-seed", cwd=project, check=False)
    finally:
        shutil.rmtree(edited.parent)
    assert result.returncode == 1, result.stderr
    rows = [line.split()[:2] for line in result.stdout.splitlines()]
    assert ["metric", "r2"] in rows
    assert ["output", "model"] in rows
    assert ["input", "patients"] not in rows


def test_changed_input_data_does_not_reproduce(project: Path, two_runs: tuple[dict, dict]):
    raw = project / RAW
    original = raw.read_bytes()
    patients = pl.read_parquet(raw)
    patients.with_columns(pl.col("bmi") + 0.1).write_parquet(raw)  # still within the contract
    try:
        result = run(
            "uv", "run", "charter", "reproduce", two_runs[0]["run_id"], cwd=project, check=False
        )
    finally:
        raw.write_bytes(original)
    assert result.returncode == 1, result.stderr
    rows = [line.split()[:2] for line in result.stdout.splitlines()]
    assert ["input", "patients"] in rows
    assert ["output", "model"] in rows


def test_card_sync_makes_charter_check_clean(project: Path, two_runs: tuple[dict, dict]):
    run_id = two_runs[0]["run_id"]
    assert two_runs[0]["models"] == [MODEL]  # the pipeline says which card it may sync into
    card = project / "governance" / "models" / MODEL / "card.md"
    original = card.read_text()
    try:
        run("uv", "run", "charter", "card", "sync", MODEL, "--run", run_id, cwd=project)
        checked = run("uv", "run", "charter", "check", cwd=project, check=False)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        r2 = two_runs[0]["metrics"]["r2"]
        card.write_text(card.read_text().replace(f"value: {r2}", "value: 0.99", 1))
        stale = run("uv", "run", "charter", "check", cwd=project, check=False)
        assert stale.returncode == 1
        assert "MOD009" in stale.stdout
    finally:
        card.write_text(original)


def test_a_deprecated_feature_is_not_trained_on(project: Path, two_runs: tuple[dict, dict]):
    catalog = project / "governance" / "features" / "catalog.yaml"
    original = catalog.read_text()
    bmi = original.index("  - name: bmi\n")
    status = original.index("status: active", bmi)
    catalog.write_text(original[:status] + "status: deprecated" + original[status + 14 :])
    try:
        manifest = pipeline(project)
    finally:
        catalog.write_text(original)
    shutil.rmtree(project / "runs" / manifest["run_id"])
    shutil.rmtree(project / "artifacts" / manifest["run_id"])
    assert "bmi@1" not in manifest["features"]
    assert len(manifest["features"]) == len(two_runs[0]["features"]) - 1


def test_corrupted_input_stops_the_pipeline_before_anything_downstream(project: Path):
    raw = project / RAW
    original = raw.read_bytes()
    artifacts = sorted((project / "artifacts").iterdir())
    runs = sorted((project / "runs").iterdir())
    pl.read_parquet(raw).with_columns(pl.lit(-5).alias("age")).write_parquet(raw)
    try:
        result = run("uv", "run", "nox", "-s", "pipeline", cwd=project, check=False)
    finally:
        raw.write_bytes(original)
    output = result.stdout + result.stderr  # nox passes the pipeline's stderr through stdout
    assert result.returncode != 0
    assert "age" in output
    assert "minimum" in output
    assert "nothing downstream was written" in output
    assert sorted((project / "artifacts").iterdir()) == artifacts
    assert sorted((project / "runs").iterdir()) == runs


def test_a_fresh_clone_without_data_reproduces(
    project: Path, two_runs: tuple[dict, dict], tmp_path
):
    """A colleague's clone has no data/ (git-ignored): ingest rebuilds the same bytes."""
    run_id = two_runs[0]["run_id"]
    run("git", "add", f"runs/{run_id}/manifest.json", cwd=project)
    run("git", "commit", "--quiet", "--no-verify", "-m", f"Record run {run_id}", cwd=project)
    clone = tmp_path / "clone"
    run("git", "clone", "--quiet", str(project), str(clone), cwd=tmp_path)
    assert not (clone / RAW).exists()
    run("uv", "sync", "--locked", "--quiet", cwd=clone)
    result = run("uv", "run", "charter", "reproduce", run_id, cwd=clone)
    assert "3 output hashes and 3 metrics identical" in result.stdout
