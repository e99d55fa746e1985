"""The default local DVC remote is created private (0700) unless the data is public."""

from __future__ import annotations

import os
import shutil
import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from charter.runs import remote


@pytest.fixture
def project(render) -> Iterator[Path]:
    """A project made with the default answers (no data_remote), its own remote folder."""
    root = render(
        project_name=f"Remote Check {uuid.uuid4().hex[:8]}", data_sensitivity="confidential"
    )
    folder = remote.default_remote(root)
    assert folder is not None and folder.parent == Path("/var/tmp/charter-dvc-remotes")
    yield root
    shutil.rmtree(folder, ignore_errors=True)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_confidential_data_gets_a_private_remote(project: Path) -> None:
    before = os.umask(0o022)
    try:
        folder = remote.make_private(project)
    finally:
        os.umask(before)
    assert folder is not None and folder.is_dir()
    assert mode(folder) == 0o700


def test_a_world_readable_remote_left_by_an_older_version_is_made_private(project: Path) -> None:
    folder = remote.default_remote(project)
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)
    remote.make_private(project)
    assert mode(folder) == 0o700


def test_public_data_keeps_the_usual_permissions(project: Path) -> None:
    answers = project / ".copier-answers.yml"
    answers.write_text(
        answers.read_text().replace("data_sensitivity: confidential", "data_sensitivity: public")
    )
    assert remote.make_private(project) is None
    assert not remote.default_remote(project).exists()


def test_a_team_remote_is_left_alone(project: Path, tmp_path: Path) -> None:
    config = project / ".dvc" / "config"
    config.write_text(config.read_text().replace("/var/tmp/charter-dvc-remotes/", f"{tmp_path}/"))
    assert remote.default_remote(project) is None
    assert remote.make_private(project) is None
