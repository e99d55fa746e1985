"""`charter reproduce`: reruns a recorded run at its commit and compares, for real."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from charter_cli import charter
from mini_project import make, run_pipeline
from templating import clean_env, git


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make(tmp_path / "mini")


def edit_manifest(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2) + "\n")


def test_honest_run_reproduces(project: Path):
    manifest = run_pipeline(project)
    result = charter("reproduce", manifest.parent.name, cwd=project)
    assert result.returncode == 0, result.stderr
    assert "1 input fingerprints, 1 output hashes and 1 metrics identical" in result.stdout
    assert git("worktree", "list", cwd=project).count("\n") == 1  # temporary worktree removed


def test_changed_input_data_does_not_reproduce(project: Path):
    manifest = run_pipeline(project)
    (project / "data" / "numbers.csv").write_text("1\n2\n4\n")
    result = charter("reproduce", str(manifest), cwd=project)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.split()[:2] == ["input", "numbers"] for line in lines)
    assert any(line.split()[:2] == ["output", "result"] for line in lines)
    assert any(line.split()[:2] == ["metric", "score"] for line in lines)


def test_changed_seed_does_not_reproduce(project: Path):
    manifest = run_pipeline(project)
    edit_manifest(manifest, lambda data: data["seeds"].update(noise=8))
    result = charter("reproduce", manifest.parent.name, cwd=project)
    assert result.returncode == 1, result.stderr
    rows = [line.split()[:2] for line in result.stdout.splitlines()]
    assert ["metric", "score"] in rows
    assert ["input", "numbers"] not in rows  # same data, only the seed differs


def test_unknown_commit_is_refused(project: Path):
    manifest = run_pipeline(project)
    edit_manifest(manifest, lambda data: data["code"].update(commit="0" * 40))
    result = charter("reproduce", manifest.parent.name, cwd=project)
    assert result.returncode == 2
    assert "is not in this repository" in result.stderr


def test_dirty_run_needs_allow_dirty(project: Path):
    (project / "NOTES.md").write_text("uncommitted\n")
    manifest = run_pipeline(project)
    assert json.loads(manifest.read_text())["code"]["dirty"] is True
    refused = charter("reproduce", manifest.parent.name, cwd=project)
    assert refused.returncode == 2
    assert "--allow-dirty" in refused.stderr
    allowed = charter("reproduce", manifest.parent.name, "--allow-dirty", cwd=project)
    assert allowed.returncode == 0, allowed.stderr
    assert "warning: run" in allowed.stderr


def test_missing_run_is_a_usage_error(project: Path):
    result = charter("reproduce", "no-such-run", cwd=project)
    assert result.returncode == 2
    assert "no run manifest" in result.stderr
    assert "Traceback" not in result.stderr


def test_failing_rerun_does_not_reproduce(project: Path):
    manifest = run_pipeline(project)
    (project / "data" / "numbers.csv").write_text("not a number\n")
    result = charter("reproduce", manifest.parent.name, cwd=project)
    assert result.returncode == 1
    assert "the rerun failed" in result.stderr


def test_project_in_a_subfolder_of_the_repository_reproduces(tmp_path: Path):
    repository = tmp_path / "monorepo"
    project = make(repository / "projects" / "mini", repository=repository)
    manifest = run_pipeline(project)
    result = charter("reproduce", manifest.parent.name, cwd=project)
    assert result.returncode == 0, result.stderr
    assert "identical" in result.stdout


def test_project_option_reproduces_from_another_folder(project: Path, tmp_path: Path):
    manifest = run_pipeline(project)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = charter("reproduce", manifest.parent.name, "--project", project, cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert "identical" in result.stdout


@pytest.mark.parametrize("entry_point", ["this", "http.server"])
def test_entry_point_other_than_the_pipeline_is_refused_before_running(
    project: Path, entry_point: str
):
    manifest = run_pipeline(project)
    edit_manifest(manifest, lambda data: data["code"].update(entry_point=entry_point))
    result = charter("reproduce", manifest.parent.name, cwd=project)
    assert result.returncode == 2
    assert f"RUN013 entry point {entry_point!r} is not the project's pipeline" in result.stderr
    assert "nothing was run" in result.stderr
    assert "Zen of Python" not in result.stdout + result.stderr  # `this` never ran
    assert not (project / "runs" / f"{manifest.parent.name}-reproduce").exists()


def test_library_reproduce_refuses_an_undeclared_entry_point(project: Path):
    from charter.runs.reproduce import ReproduceError, reproduce  # noqa: PLC0415

    manifest = run_pipeline(project)
    edit_manifest(manifest, lambda data: data["code"].update(entry_point="this"))
    with pytest.raises(ReproduceError, match="not the project's pipeline"):
        reproduce(project, manifest)


def test_input_at_a_tracked_source_file_is_refused(project: Path):
    manifest = run_pipeline(project)
    pipeline = project / "src" / "mini" / "pipeline.py"
    # Uncommitted code that would change the result, and a manifest pointing at it.
    pipeline.write_text(pipeline.read_text().replace('* config["scale"]', "* 0"))
    edit_manifest(
        manifest,
        lambda data: data["inputs"].append(
            {**data["inputs"][0], "name": "code", "uri": "src/mini/pipeline.py"}
        ),
    )
    result = charter("reproduce", manifest.parent.name, cwd=project)
    assert result.returncode == 2, result.stdout
    assert "src/mini/pipeline.py) is a file git tracks, not data" in result.stderr
    assert "identical" not in result.stdout


def test_a_different_existing_commit_is_refused(project: Path):
    manifest = run_pipeline(project)
    (project / ".gitignore").write_text("/data/\n/artifacts/\n__pycache__/\n/runs/\n")
    env = {**clean_env(), "GIT_COMMITTER_DATE": "2099-01-01T00:00:00Z"}
    git("commit", "--quiet", "-am", "later", cwd=project, env=env)
    later = git("rev-parse", "HEAD", cwd=project).strip()
    edit_manifest(manifest, lambda data: data["code"].update(commit=later))
    result = charter("reproduce", manifest.parent.name, cwd=project)
    assert result.returncode == 2, result.stdout
    assert "RUN012" in result.stderr and "after the run started" in result.stderr


def test_edited_bytes_are_refused(project: Path):
    manifest = run_pipeline(project)
    edit_manifest(manifest, lambda data: data["inputs"][0].update(bytes=600))
    result = charter("reproduce", manifest.parent.name, cwd=project)
    assert result.returncode == 2, result.stdout
    assert "RUN011 input 'numbers' records 600 bytes" in result.stderr


@pytest.mark.parametrize("uri", ["/tmp/numbers.csv", "../numbers.csv"])
def test_input_outside_the_repository_is_refused(project: Path, uri: str):
    manifest = run_pipeline(project)
    edit_manifest(manifest, lambda data: data["inputs"][0].update(uri=uri))
    result = charter("reproduce", manifest.parent.name, cwd=project)
    assert result.returncode == 2, result.stdout
    assert "RUN001" in result.stderr
    assert "identical" not in result.stdout


def test_input_symlinked_outside_the_repository_is_refused(project: Path, tmp_path: Path):
    manifest = run_pipeline(project)
    data = project / "data" / "numbers.csv"
    outside = tmp_path / "numbers.csv"
    outside.write_bytes(data.read_bytes())
    data.unlink()
    data.symlink_to(outside)
    result = charter("reproduce", manifest.parent.name, cwd=project)
    assert result.returncode == 2, result.stdout
    assert "RUN014" in result.stderr
