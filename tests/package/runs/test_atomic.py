"""Atomic writes: readers see the old file or the whole new one, never a half-written one."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from charter.runs import atomic_path, write_text


def test_write_replaces_the_whole_file(tmp_path: Path):
    target = tmp_path / "out" / "model.json"
    write_text(target, "first\n")
    write_text(target, "second\n")
    assert target.read_text() == "second\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["model.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path):
    target = tmp_path / "features.parquet"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_text("half of the new")
        raise RuntimeError("stage failed")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["features.parquet"]


def test_a_failed_first_write_creates_nothing(tmp_path: Path):
    target = tmp_path / "metrics.json"
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_text("{")
        raise RuntimeError("stage failed")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_outputs_get_the_permissions_of_any_new_file(tmp_path: Path, umask: int):
    """Written through a private temporary file and folder, yet as readable as `open()` makes."""
    from charter.runs.atomic import atomic_folder  # noqa: PLC0415

    before = os.umask(umask)
    try:
        write_text(tmp_path / "metrics.json", "{}\n")
        plain = tmp_path / "plain.json"
        plain.write_text("{}\n")
        with atomic_folder(tmp_path / "run") as folder:
            (folder / "manifest.json").write_text("{}\n")
        (tmp_path / "plain").mkdir()
    finally:
        os.umask(before)
    mode = lambda path: stat.S_IMODE(path.stat().st_mode)  # noqa: E731
    assert mode(tmp_path / "metrics.json") == mode(plain) == 0o666 & ~umask
    assert mode(tmp_path / "run") == mode(tmp_path / "plain") == 0o777 & ~umask
