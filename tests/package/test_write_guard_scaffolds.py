"""`charter new feature|stage` and `charter adopt` never write through a symlink.

On a freshly rendered project (feature, stage) and a legacy repository
(adopt): a view or a folder linked out of the project is refused in one
line, exit 2, and what it points at is left byte for byte.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from charter_cli import charter
from legacy_repository import legacy_repository


@pytest.fixture
def project(render) -> Path:
    return render()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / ".bashrc").write_text("export PATH=$HOME/bin:$PATH\n")
    return folder


def link(path: Path, to: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir() and not path.is_symlink():
        path.rename(path.with_name(path.name + ".orig"))
    path.unlink(missing_ok=True)
    path.symlink_to(os.path.relpath(to, path.parent))


def one_line(result) -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "symlink" in line, line
    return line


def test_new_feature_never_writes_a_view_through_a_link(project: Path, home: Path) -> None:
    before = (home / ".bashrc").read_bytes()
    link(project / "docs" / "feature-catalog.md", home / ".bashrc")
    charter("new", "feature", "bmi_band", "--from", "patients.bmi", cwd=project)
    assert (home / ".bashrc").read_bytes() == before


def test_new_feature_refuses_a_linked_tests_folder(project: Path, home: Path) -> None:
    link(project / "tests", home)
    result = charter("new", "feature", "bmi_band", "--from", "patients.bmi", cwd=project)
    assert "tests" in one_line(result)
    assert sorted(p.name for p in home.iterdir()) == [".bashrc"]


def test_new_stage_refuses_a_linked_tests_folder(project: Path, home: Path) -> None:
    link(project / "tests", home)
    result = charter("new", "stage", "clean_visits", cwd=project)
    assert "tests" in one_line(result)
    assert sorted(p.name for p in home.iterdir()) == [".bashrc"]


def test_new_stage_never_creates_a_dangling_links_target(project: Path, home: Path) -> None:
    package = next(p for p in (project / "src").iterdir() if p.is_dir())
    link(package / "clean_visits.py", home / "made.py")
    result = charter("new", "stage", "clean_visits", cwd=project)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert not (home / "made.py").exists()


def adopt(template_repo: Path, tmp_path: Path, root: Path):
    settings = tmp_path / "copier-settings.yml"
    settings.write_text("{}\n")
    return charter(
        "adopt", "--template", template_repo, "--no-lock", cwd=root,
        env={"COPIER_SETTINGS_PATH": str(settings)},
    )  # fmt: skip


def test_adopt_never_creates_a_dangling_links_target(
    template_repo: Path, tmp_path: Path, home: Path
) -> None:
    """A dangling link where the template adds a file is left for the user, not followed."""
    root = legacy_repository(tmp_path / "legacy")
    link(root / "CODEOWNERS", home / "CODEOWNERS")
    result = adopt(template_repo, tmp_path, root)
    assert "Traceback" not in result.stderr
    assert not (home / "CODEOWNERS").exists()
    assert (root / "CODEOWNERS").is_symlink()


def test_adopt_refuses_a_linked_folder(template_repo: Path, tmp_path: Path, home: Path) -> None:
    root = legacy_repository(tmp_path / "legacy")
    link(root / "governance", home)
    result = adopt(template_repo, tmp_path, root)
    assert "governance" in one_line(result)
    assert sorted(p.name for p in home.iterdir()) == [".bashrc"]
