"""Reproducible runs end to end, in a copy of the default generated project.

The pipeline runs through the project's own nox session (`dvc repro`, then the
run manifest from dvc.lock, then `dvc push` to the project's default remote);
`charter reproduce`, `charter card sync` and `charter check` run from the
project's environment. A second clone with a new HOME and only the remote in
common gets the data back and reproduces the run.
"""

from __future__ import annotations

import json
import os
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


def pipeline(root: Path, *args: str, check: bool = True):
    command = ("uv", "run", "--locked", "nox", "-s", "pipeline")
    return run(*command, *(("--", *args) if args else ()), cwd=root, check=check)


def recorded(root: Path, result) -> dict:
    line = next(line for line in result.stdout.splitlines() if "run recorded in" in line)
    return json.loads((root / line.split()[3]).read_text())


@pytest.fixture(scope="module")
def two_runs(project: Path) -> tuple[dict, str, str]:
    """The documented loop: commit, run, commit the run; then the same run again, twice."""
    first = pipeline(project)
    second = pipeline(project)  # same commit, same dvc.lock: no second run
    run("git", "add", "dvc.lock", "runs", cwd=project)
    run("git", "commit", "--quiet", "--no-verify", "-m", "Record the run", cwd=project)
    third = pipeline(project)  # the commit that records the run: still the same code
    return recorded(project, first), second.stdout, third.stdout


def test_a_run_from_committed_code(two_runs):
    first = two_runs[0]
    assert first["code"]["dirty"] is False
    assert first["inputs"][0]["md5"]  # DVC's md5 beside the blake3 fingerprint
    assert first["dvc"]["stages"] == ["ingest", "validate", "features", "train", "evaluate"]
    assert first["features"] == [
        "age_decade@1",
        "bmi@1",
        "mean_arterial_pressure@1",
        "ldl_hdl_ratio@1",
        "log_triglycerides@1",
        "blood_glucose@1",
    ]


def test_an_unchanged_rerun_records_no_second_run_and_names_the_first(project: Path, two_runs):
    """Once a new untracked runs/<id>/ after every nox run, even one with nothing to do."""
    run_id = two_runs[0]["run_id"]
    for output in two_runs[1:]:
        assert f"no new run recorded: run {run_id} already records this code" in output
        assert "run recorded in" not in output
    assert [p.name for p in (project / "runs").iterdir() if p.is_dir()] == [run_id]
    status = run("git", "status", "--porcelain", cwd=project).stdout
    assert status == ""


def test_uncommitted_code_runs_the_stages_but_records_no_run(project: Path, two_runs):
    """`nox -s pipeline` on a dirty tree says why; `--allow-dirty` records a run marked so."""
    config = project / "configs" / "pipeline.yaml"
    original = config.read_text()
    config.write_text(original + "\n# an uncommitted note\n")
    try:
        refused = pipeline(project)
        allowed = pipeline(project, "--allow-dirty")
    finally:
        config.write_text(original)
    output = refused.stdout + refused.stderr
    assert "the stages ran, but no run was recorded: uncommitted changes in " in output
    assert "configs/pipeline.yaml" in output
    assert "run recorded in" not in output
    manifest = recorded(project, allowed)
    assert "(dirty: from uncommitted code)" in allowed.stdout
    assert manifest["code"]["dirty"] is True
    shutil.rmtree(project / "runs" / manifest["run_id"])


def test_an_unchanged_rerun_skips_every_stage(two_runs):
    output = two_runs[1]
    assert "Running stage" not in output
    for stage in ("ingest", "validate", "features", "train", "evaluate"):
        assert f"Stage '{stage}' didn't change, skipping" in output


def test_an_unchanged_rerun_does_not_push_again(two_runs):
    """The first run pushed this dvc.lock's data; a no-op `dvc push` would cost a second."""
    assert "dvc push skipped: the remote already has this dvc.lock's data" in two_runs[1]


def test_honest_run_reproduces(project: Path, two_runs):
    result = run("uv", "run", "charter", "reproduce", two_runs[0]["run_id"], cwd=project)
    assert "5 output hashes and 3 metrics identical" in result.stdout


def test_changed_seed_does_not_reproduce(project: Path, two_runs):
    edited_run = dict(two_runs[0], seeds={**two_runs[0]["seeds"], "split": 1})
    edited = project / "runs" / "edited-seed" / "manifest.json"
    edited.parent.mkdir()
    edited.write_text(json.dumps(dict(edited_run, run_id="edited-seed"), indent=2))
    try:
        result = run("uv", "run", "charter", "reproduce", "edited-seed", cwd=project, check=False)
    finally:
        shutil.rmtree(edited.parent)
    assert result.returncode == 1, result.stderr
    rows = [line.split()[:2] for line in result.stdout.splitlines()]
    assert ["seed", "split"] in rows
    assert ["input", "patients"] not in rows


def test_a_damaged_working_copy_does_not_change_what_reproduce_reads(project: Path, two_runs):
    """The rerun restores the input from the DVC cache, never from the working copy."""
    raw = project / RAW
    original = raw.read_bytes()
    pl.read_parquet(raw).with_columns(pl.col("bmi") + 0.1).write_parquet(raw)
    try:
        result = run("uv", "run", "charter", "reproduce", two_runs[0]["run_id"], cwd=project)
        changed = recorded(project, pipeline(project))
    finally:
        raw.write_bytes(original)
    assert "identical" in result.stdout
    assert changed["inputs"][0]["fingerprint"] != two_runs[0]["inputs"][0]["fingerprint"]
    assert changed["inputs"][0]["md5"] != two_runs[0]["inputs"][0]["md5"]
    before = {o["name"]: o["sha256"] for o in two_runs[0]["outputs"]}
    assert {o["name"]: o["sha256"] for o in changed["outputs"]}["features"] != before["features"]
    shutil.rmtree(project / "runs" / changed["run_id"])


def test_card_sync_makes_charter_check_clean(project: Path, two_runs):
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


def test_a_deprecated_feature_is_not_trained_on(project: Path, two_runs):
    pipeline(project)  # back in sync with the committed dvc.lock: no new run
    catalog = project / "governance" / "features" / "catalog.yaml"
    original = catalog.read_text()
    bmi = original.index("  - name: bmi\n")
    status = original.index("status: active", bmi)
    catalog.write_text(original[:status] + "status: deprecated" + original[status + 14 :])
    try:
        result = pipeline(project, "--allow-dirty")  # an experiment, not for committing
    finally:
        catalog.write_text(original)
    manifest = recorded(project, result)
    shutil.rmtree(project / "runs" / manifest["run_id"])
    assert "bmi@1" not in manifest["features"]
    assert len(manifest["features"]) == len(two_runs[0]["features"]) - 1
    # only what depends on the catalog reran
    assert "Stage 'ingest' didn't change" in result.stdout
    assert "Stage 'validate' didn't change" in result.stdout
    assert "Running stage 'features'" in result.stdout


def test_corrupted_input_stops_the_pipeline_before_anything_downstream(project: Path, two_runs):
    raw = project / RAW
    original = raw.read_bytes()
    model = (project / "artifacts" / "model.json").read_bytes()
    runs = sorted((project / "runs").iterdir())
    pl.read_parquet(raw).with_columns(pl.lit(-5).alias("age")).write_parquet(raw)
    try:
        result = pipeline(project, check=False)
    finally:
        raw.write_bytes(original)
    output = result.stdout + result.stderr  # nox passes the pipeline's stderr through stdout
    assert result.returncode != 0
    assert "age" in output
    assert "minimum" in output
    assert "nothing downstream was written" in output
    assert "no run was recorded" in output
    assert (project / "artifacts" / "model.json").read_bytes() == model
    assert sorted((project / "runs").iterdir()) == runs


def clone_env(tmp_path: Path) -> dict[str, str]:
    """A new HOME and empty DVC caches; only uv's package cache is shared (no re-download)."""
    home = tmp_path / "home"
    home.mkdir()
    uv_cache = run("uv", "cache", "dir", cwd=tmp_path).stdout.strip()
    return {
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "UV_CACHE_DIR": os.environ.get("UV_CACHE_DIR", uv_cache),
        "DVC_SITE_CACHE_DIR": str(tmp_path / "dvc-site"),
        "DVC_NO_ANALYTICS": "1",
    }


def test_a_second_clone_with_only_the_remote_in_common_reproduces(
    project: Path, two_runs, tmp_path: Path
):
    run_id = two_runs[0]["run_id"]
    env = clone_env(tmp_path)
    clone = tmp_path / "elsewhere" / "clone"
    run("git", "clone", "--quiet", str(project), str(clone), cwd=tmp_path, env=env)
    assert not (clone / RAW).exists()
    assert not (clone / ".dvc" / "cache").exists()
    run("uv", "sync", "--locked", "--quiet", cwd=clone, env=env)
    run("uv", "run", "--frozen", "dvc", "pull", cwd=clone, env=env)
    (clone / RAW).write_bytes(b"damaged")  # the working copy never feeds a reproduction
    result = run("uv", "run", "--frozen", "charter", "reproduce", run_id, cwd=clone, env=env)
    assert "5 output hashes and 3 metrics identical" in result.stdout


def test_data_that_cannot_be_had_is_exit_2_naming_file_and_remote(
    project: Path, two_runs, tmp_path: Path
):
    env = clone_env(tmp_path)
    clone = tmp_path / "clone"
    run("git", "clone", "--quiet", str(project), str(clone), cwd=tmp_path, env=env)
    empty = tmp_path / "empty-remote"
    empty.mkdir()
    (clone / ".dvc" / "config.local").write_text(f"['remote \"local\"']\n    url = {empty}\n")
    run("uv", "sync", "--locked", "--quiet", cwd=clone, env=env)
    result = run(
        "uv", "run", "--frozen", "charter", "reproduce", two_runs[0]["run_id"],
        cwd=clone, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    assert "cannot restore data/raw/patients.parquet" in result.stderr
    assert str(empty) in result.stderr
