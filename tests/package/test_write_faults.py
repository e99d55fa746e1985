"""A full disk in the middle of `charter docs` or `charter new contract` loses nothing.

The full disk is real: a file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored) in
the `charter` process, so a write fails with EFBIG part-way, as on a full disk.
"""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
from pathlib import Path

import polars as pl
from checking import copy_views, edit
from templating import clean_env


def limited(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def charter_limited(cwd: Path, limit: int, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "charter", *args],
        cwd=cwd,
        env={**clean_env(), "CHARTER_NO_CACHE": "1", "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=limited(limit),
    )


def test_docs_on_a_full_disk_leaves_the_old_view_whole(tmp_path: Path) -> None:
    project = copy_views(tmp_path)
    view = project / "docs" / "data-dictionary.md"
    before = view.read_bytes()
    edit(project / "governance/contracts/visits.odcs.yaml", "Visit identifier.", "Visit number.")

    result = charter_limited(project, len(before) // 2, "docs")

    assert view.read_bytes() == before
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line == "charter docs: cannot write docs/data-dictionary.md: File too large"
    assert sorted(p.name for p in view.parent.iterdir() if p.name.startswith(".")) == []


def test_new_contract_on_a_full_disk_leaves_nothing_that_blocks_a_rerun(tmp_path: Path) -> None:
    project = copy_views(tmp_path)
    pl.DataFrame({"lab_id": list(range(50)), "value": [1.5] * 50}).write_csv(project / "labs.csv")
    target = project / "governance" / "contracts" / "labs.odcs.yaml"

    result = charter_limited(project, 300, "new", "contract", "labs", "--from", "labs.csv")

    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "File too large" in result.stderr
    assert not target.exists()
    assert sorted(p.name for p in target.parent.iterdir()) == ["visits.odcs.yaml"]
    rerun = charter_limited(project, 10_000_000, "new", "contract", "labs", "--from", "labs.csv")
    assert rerun.returncode == 0, rerun.stderr
    assert target.read_text().count("lab_id") >= 1
