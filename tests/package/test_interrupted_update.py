"""PRJ023: the in-progress mark an interrupted `copier update` leaves is reported.

The kill test itself (a real `copier update` killed at many points) is in the
update tier: tests/template/test_update_interrupted.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from checking import copy_good, findings
from templating import git


def _repository(tmp_path: Path) -> Path:
    project = copy_good(tmp_path)
    (project / ".copier-answers.yml").write_text("_commit: v1.3.0\n_src_path: /nowhere\n")
    git("init", "--quiet", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "--quiet", "--no-verify", "-m", "project", cwd=project)
    return project


@pytest.mark.fails_with("PRJ023")
def test_a_mark_left_by_an_interrupted_update_is_reported(tmp_path: Path) -> None:
    project = _repository(tmp_path)
    mark = project / ".git" / "charter-update" / "in-progress"
    mark.parent.mkdir()
    mark.write_text(json.dumps({"from": "v1.2.0", "to": "v1.3.0", "started": "2026-12-07T02:50Z"}))
    code, found = findings(project, "--select", "PRJ023")
    assert code == 1
    assert [(f["code"], f["path"], f["line"]) for f in found] == [
        ("PRJ023", ".copier-answers.yml", 1)
    ]
    assert "from v1.2.0 to v1.3.0" in found[0]["message"]
    assert "git reset --hard" in found[0]["message"]

    mark.write_bytes(b"\xff not json")  # a damaged mark is still a mark
    assert [f["code"] for f in findings(project, "--select", "PRJ023")[1]] == ["PRJ023"]

    mark.unlink()
    assert findings(project, "--select", "PRJ023") == (0, [])


def test_a_worktree_finds_its_own_mark(tmp_path: Path) -> None:
    project = _repository(tmp_path)
    worktree = tmp_path / "worktree"
    git("worktree", "add", "--quiet", "--detach", str(worktree), cwd=project)
    git_dir = Path(git("rev-parse", "--absolute-git-dir", cwd=worktree).strip())
    (git_dir / "charter-update").mkdir()
    (git_dir / "charter-update" / "in-progress").write_text("{}")
    assert [f["code"] for f in findings(worktree, "--select", "PRJ023")[1]] == ["PRJ023"]
    assert findings(project, "--select", "PRJ023") == (0, [])
