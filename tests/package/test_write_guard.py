"""No command writes through a symlink in the project: each refuses in one line, exit 2.

Reads of linked artifacts are PRJ020; these are the writes. A committed link
(`docs/data-dictionary.md -> ../.venv/.../zz-view.pth`, or one pointing at a
teammate's shell profile) must never make `charter docs`, `charter new`,
`charter card sync`, `charter rule --write-docs` or Charter's caches write
outside the project, nor create a dangling link's target.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from charter_cli import charter
from checking import copy_views, edit

SITE = Path(".venv/lib/python3.11/site-packages")
CODE = 'import os; os.system("touch pwned")'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_views(tmp_path)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A fake home folder beside the project, with a shell profile worth protecting."""
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / ".bashrc").write_text("export PATH=$HOME/bin:$PATH\n")
    return folder


def refused(result: subprocess.CompletedProcess[str], path: str) -> str:
    """The one line of a refusal naming `path`."""
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert path in line and "symlink" in line, line
    return line


def link(path: Path, to: Path) -> None:
    """`path -> to`, relative, as git would commit it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    path.symlink_to(os.path.relpath(to, path.parent))


def test_docs_never_writes_a_pth_through_a_committed_link(project: Path) -> None:
    """The issue's repro: a view linked into site-packages, a description holding code."""
    site = project / SITE
    site.mkdir(parents=True)
    link(project / "docs" / "data-dictionary.md", site / "zz-view.pth")
    edit(project / "governance/contracts/visits.odcs.yaml", "Visit identifier.", CODE)

    result = charter("docs", cwd=project)

    refused(result, "docs/data-dictionary.md")
    assert list(site.iterdir()) == []
    started = subprocess.run(
        [sys.executable, "-c", f"import site; site.addsitedir({str(site)!r})"],
        cwd=project,
        capture_output=True,
        check=False,
    )
    assert started.returncode == 0
    assert not (project / "pwned").exists()
    assert (project / "docs" / "data-dictionary.md").is_symlink()


def test_docs_leaves_a_linked_shell_profile_byte_identical(project: Path, home: Path) -> None:
    before = (home / ".bashrc").read_bytes()
    link(project / "docs" / "feature-catalog.md", home / ".bashrc")
    refused(charter("docs", cwd=project), "docs/feature-catalog.md")
    assert (home / ".bashrc").read_bytes() == before


def test_docs_refuses_a_linked_docs_folder(project: Path, home: Path) -> None:
    (project / "docs").rename(project / "old-docs")
    (project / "docs").symlink_to(home, target_is_directory=True)
    result = charter("docs", cwd=project)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in home.iterdir()) == [".bashrc"]


def test_new_model_refuses_a_linked_models_folder(project: Path, home: Path) -> None:
    link(project / "governance/models/scorer", home)
    result = charter("new", "model", "scorer", cwd=project)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in home.iterdir()) == [".bashrc"]


def test_new_model_refuses_a_dangling_linked_folder(project: Path, home: Path) -> None:
    link(project / "governance/models/scorer", home / "made")
    result = charter("new", "model", "scorer", cwd=project)
    assert result.returncode == 2, result.stderr
    assert "symlink" in result.stderr and "Traceback" not in result.stderr
    assert not (home / "made").exists()


def test_new_contract_never_creates_a_dangling_links_target(project: Path, home: Path) -> None:
    pl.DataFrame({"lab_id": [1, 2, 3]}).write_csv(project / "labs.csv")
    link(project / "governance/contracts/labs.odcs.yaml", home / ".config" / "autostart.yaml")
    (home / ".config").mkdir()
    result = charter("new", "contract", "labs", "--from", "labs.csv", cwd=project)
    assert result.returncode == 2, result.stderr
    assert "symlink" in result.stderr and "Traceback" not in result.stderr
    assert list((home / ".config").iterdir()) == []


def test_card_sync_refuses_a_linked_card(project: Path, home: Path) -> None:
    """Named as a path or by its model's name, a linked card is never written through."""
    card = project / "governance/models/risk_model/card.md"
    outside = home / "card.md"
    outside.write_bytes(card.read_bytes())
    link(card, outside)
    runs = project / "runs" / "r1"
    runs.mkdir(parents=True)
    result = charter("card", "sync", "governance/models/risk_model/card.md", "--run", "r1",
                     cwd=project)  # fmt: skip
    assert outside.read_bytes() == (home / "card.md").read_bytes()
    assert "Traceback" not in result.stderr
    assert result.returncode == 2


def test_rule_write_docs_refuses_a_linked_page(tmp_path: Path, home: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    before = (home / ".bashrc").read_bytes()
    link(folder / "PRJ001.md", home / ".bashrc")
    result = charter("rule", "--write-docs", folder, cwd=tmp_path)
    refused(result, "PRJ001.md")
    assert (home / ".bashrc").read_bytes() == before


def test_the_check_cache_is_not_written_through_a_link(project: Path, home: Path) -> None:
    cache = project.parent / "cache"
    cache.mkdir()
    (cache / "charter").symlink_to(home, target_is_directory=True)
    result = charter("check", cwd=project, env={"XDG_CACHE_HOME": str(cache)})
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in home.iterdir()) == [".bashrc"]
