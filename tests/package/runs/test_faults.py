"""Pipeline faults are messages: one line naming the path, nothing half-written.

The faults are real, not simulated. A full disk is a file-size limit
(`ulimit -f`, RLIMIT_FSIZE with SIGXFSZ ignored, so the write fails with
EFBIG as on a full disk). A read-only folder is a folder the writing process
may not write: the tests run as root, for whom `chmod` changes nothing, so
the stage runs as the user `nobody` (`setpriv`) in a project owned by root.
A file where a folder is expected needs neither.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from charter_cli import charter
from mini_project import make, run_pipeline
from templating import clean_env, git

RECORD = '''\
"""A stage that writes its output into artifacts/<run-id>/ and records the run."""

import json
import sys
from pathlib import Path

from charter import runtime


@runtime.stage
def main() -> None:
    root = Path.cwd()
    params = {"note": "x" * 20_000}  # a manifest larger than the file-size limit
    run = runtime.Run(root, entry_point="mini.pipeline", params=params, seeds={"noise": 7})
    print(run.run_id, file=sys.stderr)
    out = root / "artifacts" / run.run_id / "result.json"
    runtime.write_json(out, {"score": 1.5})
    run.record_output("result", out)
    if len(sys.argv) > 1:
        runtime.write_parquet(runtime_frame(), root / "artifacts" / run.run_id / "big.parquet")
    run.finish({"score": 1.5})


def runtime_frame():
    import polars as pl

    return pl.DataFrame({"n": list(range(200_000))})


raise SystemExit(main([]))
'''

SETPRIV = shutil.which("setpriv")


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder `nobody` can read (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="charter-faults-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def project_in(where: Path) -> Path:
    root = make(where / "mini")
    (root / "src" / "mini" / "record.py").write_text(RECORD)
    git("add", "-A", cwd=root)
    git("commit", "--quiet", "-m", "record stage", cwd=root)
    for path in [root, *root.rglob("*")]:
        if path.is_dir() and ".git" not in path.parts:
            path.chmod(0o755)
    return root


def limit_file_size(limit: int):
    def limit_in_child() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_in_child


def record(
    root: Path, *args: str, as_nobody: bool = False, file_limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    env = clean_env()
    env["PYTHONPATH"] = os.pathsep.join([str(root / "src"), env.get("PYTHONPATH", "")])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    command = [sys.executable, "-m", "mini.record", *args]
    if as_nobody:
        # git refuses a repository another user owns unless told it is safe.
        env.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="safe.directory")
        env.update(GIT_CONFIG_VALUE_0="*", HOME=str(root.parent))
        command = [SETPRIV, "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command]
    return subprocess.run(
        command,
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=limit_file_size(file_limit) if file_limit else None,
    )


def one_line_refusal(result: subprocess.CompletedProcess[str]) -> tuple[str, str]:
    """(run id, the one message line) of a stage that failed cleanly."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    run_id, *lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return run_id, lines[0]


def leftovers(root: Path) -> list[str]:
    """Everything under runs/ and artifacts/ except the committed README."""
    found = []
    for folder in ("runs", "artifacts"):
        base = root / folder
        if base.is_dir():
            found += [p.relative_to(root).as_posix() for p in base.rglob("*")]
    return sorted(found)


def test_disk_full_while_writing_the_manifest(shared_tmp: Path):
    root = project_in(shared_tmp)
    result = record(root, file_limit=10_000)  # git's index and the output fit, not the manifest
    run_id, line = one_line_refusal(result)
    assert line == (
        f"stage record: cannot write runs/{run_id}/manifest.json: File too large; "
        "the run was not recorded; nothing was written."
    )
    assert leftovers(root) == []  # no run folder, no temporary, no orphaned artifacts/<run-id>/


def test_disk_full_while_writing_a_parquet_output(shared_tmp: Path):
    root = project_in(shared_tmp)
    result = record(root, "big", file_limit=10_000)
    run_id, line = one_line_refusal(result)
    assert line.startswith(f"stage record: cannot write artifacts/{run_id}/big.parquet: ")
    assert "File too large" in line
    assert line.endswith("; nothing was written.")
    assert not (root / "artifacts" / run_id / "big.parquet").exists()
    assert [p.name for p in (root / "artifacts" / run_id).iterdir()] == ["result.json"]
    assert not (root / "runs" / run_id).exists()


@pytest.mark.skipif(SETPRIV is None, reason="needs setpriv to drop root's privileges")
def test_read_only_runs_folder(shared_tmp: Path):
    root = project_in(shared_tmp)
    (root / "artifacts").mkdir()
    (root / "artifacts").chmod(0o777)  # nobody may write outputs, not runs/
    (root / "runs").mkdir()
    result = record(root, as_nobody=True)
    run_id, line = one_line_refusal(result)
    assert line == (
        f"stage record: cannot write runs/{run_id}/manifest.json: Permission denied; "
        "the run was not recorded; nothing was written."
    )
    assert leftovers(root) == []  # artifacts/<run-id>/ went with the failed run


@pytest.mark.skipif(SETPRIV is None, reason="needs setpriv to drop root's privileges")
def test_read_only_artifacts_folder(shared_tmp: Path):
    root = project_in(shared_tmp)
    (root / "artifacts").mkdir()  # root's, so nobody may not write it
    (root / "runs").mkdir()
    (root / "runs").chmod(0o777)
    result = record(root, as_nobody=True)
    run_id, line = one_line_refusal(result)
    assert line == (
        f"stage record: cannot write artifacts/{run_id}/result.json: Permission denied; "
        "nothing was written."
    )
    assert leftovers(root) == []


def test_runs_is_a_file_where_a_folder_is_expected(shared_tmp: Path):
    root = project_in(shared_tmp)
    shutil.rmtree(root / "runs", ignore_errors=True)
    (root / "runs").write_text("not a folder\n")
    result = record(root)
    run_id, line = one_line_refusal(result)
    assert line == (
        f"stage record: cannot write runs/{run_id}/manifest.json: runs is a file, not a folder; "
        "the run was not recorded; nothing was written."
    )
    assert not (root / "artifacts" / run_id).exists()


def test_card_sync_on_a_full_disk_is_one_line(tmp_path: Path):
    """The CLI boundary: `charter card sync` cannot write the card."""
    root = make(tmp_path / "mini")
    run_id = run_pipeline(root).parent.name
    card = root / "governance" / "models" / "scorer" / "card.md"
    new = charter("new", "model", "scorer", cwd=root)
    assert new.returncode == 0, new.stderr
    before = card.read_bytes()
    card.parent.chmod(0o755)
    # `charter` in a process whose file-size limit is below the card's size.
    limit = max(len(before) // 2, 1)
    result = subprocess.run(
        [sys.executable, "-m", "charter", "card", "sync", "scorer", "--run", run_id],
        cwd=root,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=limit_file_size(limit),
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line == "charter: cannot write governance/models/scorer/card.md: File too large"
    assert card.read_bytes() == before
    assert sorted(p.name for p in card.parent.iterdir()) == ["card.md"]
