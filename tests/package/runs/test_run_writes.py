"""Run recording and card sync write through the one writer: no symlinks, no leftovers.

A run folder linked out of the project is refused, a linked model card is
never written through, and the temporary folder of a recording killed with
SIGKILL is removed by the next recording.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from charter_cli import charter
from mini_project import make, run_pipeline
from templating import clean_env

# The mini pipeline, stopped for good (SIGKILL) while its manifest is half written.
KILLED = """\
import sys, time
from pathlib import Path
import charter.runs.atomic as atomic

real = atomic.write_text
ready = Path(sys.argv[1])

def stalled(target, text, *args, **kwargs):
    if Path(target).name != "manifest.json":
        return real(target, text, *args, **kwargs)
    Path(target).write_text(text[: len(text) // 2])
    ready.write_text("writing")
    time.sleep(600)

atomic.write_text = stalled
sys.argv = sys.argv[:1]
import runpy
runpy.run_module("mini.pipeline", run_name="__main__")
"""


def pipeline_env(root: Path) -> dict[str, str]:
    env = clean_env()
    env["PYTHONPATH"] = os.pathsep.join([str(root / "src"), env.get("PYTHONPATH", "")])
    return env


def test_a_recording_killed_mid_manifest_leaves_nothing_after_the_next(tmp_path: Path):
    root = make(tmp_path / "mini")
    ready = tmp_path / "ready"
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(ready)], cwd=root, env=pipeline_env(root)
    )
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert process.poll() is None, "the pipeline ended before writing its manifest"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    left = [p.name for p in (root / "runs").iterdir() if p.name.startswith(".")]
    assert len(left) == 1 and left[0].endswith(".tmp"), left  # what the kill left

    manifest = run_pipeline(root)

    assert sorted(p.name for p in (root / "runs").iterdir()) == [manifest.parent.name]
    assert charter("check", cwd=root).returncode in (0, 1)


def test_a_linked_runs_folder_is_refused(tmp_path: Path):
    root = make(tmp_path / "mini")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (root / "runs").symlink_to(outside, target_is_directory=True)
    result = subprocess.run(
        [sys.executable, "-m", "mini.pipeline"],
        cwd=root,
        env=pipeline_env(root),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "symlink" in result.stderr
    assert list(outside.iterdir()) == []


def test_card_sync_never_writes_through_a_linked_card(tmp_path: Path):
    root = make(tmp_path / "mini")
    run_id = run_pipeline(root).parent.name
    assert charter("new", "model", "scorer", cwd=root).returncode == 0
    card = root / "governance" / "models" / "scorer" / "card.md"
    outside = tmp_path / "shared-card.md"
    outside.write_bytes(card.read_bytes())
    before = outside.read_bytes()
    card.unlink()
    card.symlink_to(outside)
    for model in ("scorer", "governance/models/scorer/card.md"):
        result = charter("card", "sync", model, "--run", run_id, cwd=root)
        assert result.returncode == 2, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        [line] = result.stderr.strip().splitlines()
        assert "card.md" in line and "symlink" in line, line
        assert outside.read_bytes() == before
        assert card.is_symlink()
