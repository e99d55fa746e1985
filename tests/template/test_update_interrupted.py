"""Update tier: a `copier update` killed at any point leaves the old state or a flagged one.

A real `copier update` (v0.0.9 to the working tree) is killed (SIGKILL, or
SIGINT as Ctrl-C sends it, to its whole process group) after a spread of
delays across one measured update. Every time, the project must be either as
it was (clean tree, no mark) or reported by `charter check` (PRJ023, from the
mark the template's first migration writes and its last removes). Before the
mark existed, 4 kills in 15 left `_commit` at the new release, the card's
synced metrics `null`, and every check green.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from charter_cli import charter
from release_history import build_release_history
from templating import TEST_VERSION, clean_env, copy_project, git

pytestmark = pytest.mark.update

LATEST = f"v{TEST_VERSION}"
FRACTIONS = (0.1, 0.25, 0.4, 0.55, 0.7, 0.9)
"""Where in one update's duration each kill lands."""
MARK = Path(".git") / "charter-update" / "in-progress"


@pytest.fixture(scope="module")
def old_project(tmp_path_factory) -> Path:
    """One project generated at v0.0.9 (no lock: the update's lock refresh is skipped)."""
    history = build_release_history(tmp_path_factory.mktemp("history") / "charter")
    project = tmp_path_factory.mktemp("old") / "p"
    copy_project(history, project, vcs_ref="v0.0.9")
    card = next(project.glob("governance/models/*/card.md"))
    text = card.read_text()
    assert text.count("value: null") == 3
    card.write_text(text.replace("value: null", "value: 0.5", 1))  # a synced metric
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "--no-verify", "-m", "Generated at v0.0.9", cwd=project)
    return project


def _update(project: Path, home: Path, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "copier", "update", "--trust", "--defaults"]
    command += ["--conflict", "inline", f"--vcs-ref={LATEST}"]
    with log.open("wb") as stream:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            command,
            cwd=project,
            env=clean_env(home),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stream,
            start_new_session=True,  # its own process group: a signal reaches git and migrations too
        )


def _outcome(project: Path, head: str) -> str:
    """'old' (as before the update), 'flagged' (PRJ023) or what is wrong."""
    status = git("status", "--porcelain", "--untracked-files=all", cwd=project)
    moved = git("rev-parse", "HEAD", cwd=project).strip() != head
    if not status and not moved and not (project / MARK).exists():
        return "old"
    result = charter("check", cwd=project)  # the whole check, as the hook runs it
    if result.returncode == 1 and "PRJ023" in result.stdout:
        return "flagged"
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return (
        f"neither old nor flagged: _commit {answers.get('_commit')}, HEAD moved {moved}, "
        f"check exit {result.returncode}, changes:\n{status[:800]}"
    )


def test_an_update_killed_at_any_point_is_undone_or_reported(old_project, tmp_path):
    head = git("rev-parse", "HEAD", cwd=old_project).strip()
    whole = Path(shutil.copytree(old_project, tmp_path / "whole", symlinks=True))
    started = time.monotonic()
    finished = _update(whole, tmp_path, tmp_path / "whole.log")
    finished.wait(timeout=600)
    duration = time.monotonic() - started
    assert finished.returncode == 0, (tmp_path / "whole.log").read_text()[-2000:]
    assert not (whole / MARK).exists()  # a finished update removes its mark
    assert "PRJ023" not in charter("check", cwd=whole).stdout

    outcomes = []
    for index, fraction in enumerate(FRACTIONS):
        project = Path(shutil.copytree(old_project, tmp_path / f"kill-{index}", symlinks=True))
        sig = signal.SIGKILL if index % 2 == 0 else signal.SIGINT
        process = _update(project, tmp_path, tmp_path / f"kill-{index}.log")
        try:
            process.wait(timeout=duration * fraction)
            outcome = "finished" if process.returncode == 0 else f"exit {process.returncode}"
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, sig)
            process.wait(timeout=120)
            if sig == signal.SIGINT:  # Ctrl-C: what it started may still be ending
                time.sleep(1)
            outcome = _outcome(project, head)
        outcomes.append((f"{fraction:.2f} {sig.name}", outcome))
    print(f"\nupdate {duration:.1f} s; kills: {outcomes}")
    wrong = [(at, what) for at, what in outcomes if what not in ("old", "flagged", "finished")]
    assert not wrong, wrong
    assert sum(what == "flagged" for _, what in outcomes) >= 2, outcomes  # kills landed mid-update
