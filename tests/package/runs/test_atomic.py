"""Atomic writes: readers see the old file or the whole new one, never a half-written one."""

from __future__ import annotations

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
