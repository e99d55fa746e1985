"""The one writer: no write leaves the project through a symlink, every write is atomic."""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from charter import writes
from charter.writes import SymlinkWriteError, WriteError


def project(tmp_path: Path) -> tuple[Path, Path]:
    """(the project root, a folder outside it standing for the user's home)."""
    root = tmp_path / "project"
    home = tmp_path / "home"
    (root / "docs").mkdir(parents=True)
    home.mkdir()
    (home / ".bashrc").write_text("export PS1='$ '\n")
    return root, home


def test_a_link_to_a_file_outside_is_refused_and_the_file_stays(tmp_path: Path):
    root, home = project(tmp_path)
    before = (home / ".bashrc").read_bytes()
    (root / "docs" / "view.md").symlink_to(home / ".bashrc")
    with pytest.raises(SymlinkWriteError) as refused:
        writes.write_text(root / "docs" / "view.md", "# pwned\n", root)
    assert (home / ".bashrc").read_bytes() == before
    assert (root / "docs" / "view.md").is_symlink()
    assert "docs/view.md" in str(refused.value) and "symlink" in str(refused.value)


def test_a_dangling_link_is_refused_and_its_target_never_created(tmp_path: Path):
    root, home = project(tmp_path)
    (root / "docs" / "view.md").symlink_to(home / "zz-view.pth")
    with pytest.raises(SymlinkWriteError):
        writes.write_text(root / "docs" / "view.md", "import os\n", root)
    assert not (home / "zz-view.pth").exists()


def test_a_linked_folder_anywhere_on_the_path_is_refused(tmp_path: Path):
    root, home = project(tmp_path)
    (root / "governance").symlink_to(home, target_is_directory=True)
    for target in (root / "governance" / "card.md", root / "governance" / "new" / "card.md"):
        with pytest.raises(SymlinkWriteError):
            writes.write_text(target, "x", root)
    with pytest.raises(SymlinkWriteError):
        writes.make_folder(root / "governance" / "models", root)
    with pytest.raises(SymlinkWriteError), writes.atomic_folder(root / "governance" / "run", root):
        pass
    assert sorted(p.name for p in home.iterdir()) == [".bashrc"]


def test_a_dangling_linked_folder_is_never_created(tmp_path: Path):
    root, home = project(tmp_path)
    (root / "models").symlink_to(home / "made-by-charter")
    with pytest.raises(SymlinkWriteError):
        writes.write_text(root / "models" / "m" / "card.md", "x", root)
    assert not (home / "made-by-charter").exists()


def test_paths_outside_the_root_are_refused(tmp_path: Path):
    root, home = project(tmp_path)
    with pytest.raises(SymlinkWriteError, match="outside the project folder"):
        writes.write_text(root / ".." / "home" / "x", "x", root)
    assert not (home / "x").exists()


def test_the_root_itself_may_be_a_link(tmp_path: Path):
    """Only what is below the project root is checked (a project under a linked /tmp works)."""
    root, _ = project(tmp_path)
    alias = tmp_path / "alias"
    alias.symlink_to(root, target_is_directory=True)
    writes.write_text(alias / "docs" / "view.md", "ok\n", alias)
    assert (root / "docs" / "view.md").read_text() == "ok\n"


def test_a_file_where_a_folder_should_be_is_named(tmp_path: Path):
    root, _ = project(tmp_path)
    (root / "runs").write_text("")
    with pytest.raises(WriteError, match="runs is a file, not a folder"):
        writes.write_text(root / "runs" / "r1" / "manifest.json", "{}", root)


def test_exclusive_never_replaces(tmp_path: Path):
    root, _ = project(tmp_path)
    target = root / "docs" / "new.yaml"
    writes.write_text(target, "first\n", root, exclusive=True)
    with pytest.raises(FileExistsError):
        writes.write_text(target, "second\n", root, exclusive=True)
    assert target.read_text() == "first\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["new.yaml"]


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path):
    root, _ = project(tmp_path)
    script = root / "run.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o750)
    writes.write_text(script, "#!/bin/sh\necho hi\n", root)
    assert stat.S_IMODE(script.stat().st_mode) == 0o750


def _limited(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_leaves_the_old_file_whole(tmp_path: Path):
    """A write beyond the file-size limit (EFBIG, as a full disk) keeps the old bytes."""
    root, _ = project(tmp_path)
    target = root / "docs" / "view.md"
    target.write_bytes(b"old view\n" * 1000)
    code = (
        "import sys; from pathlib import Path; from charter import writes\n"
        "try:\n"
        f"    writes.write_bytes(Path({str(target)!r}), b'n' * 200_000, Path({str(root)!r}))\n"
        "except writes.WriteError as e:\n"
        "    print(e); sys.exit(2)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        preexec_fn=_limited(100_000),
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "File too large" in result.stdout
    assert target.read_bytes() == b"old view\n" * 1000
    assert sorted(p.name for p in target.parent.iterdir()) == ["view.md"]


def test_stale_temporaries_of_dead_writers_are_cleaned(tmp_path: Path):
    folder = tmp_path / "runs"
    folder.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(dead.stdout)
    (folder / f".r1.{dead_pid}.abc_12.tmp").mkdir()
    (folder / f".view.md.{dead_pid}.x9.tmp").write_text("half")
    live = folder / f".r2.{os.getpid()}.abc.tmp"
    live.mkdir()
    old = folder / ".r3.oldnaming.tmp"
    old.mkdir()
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    fresh_unknown = folder / ".r4.q1w2.tmp"
    fresh_unknown.mkdir()
    (folder / "r0").mkdir()
    removed = writes.clean_stale(folder)
    assert sorted(p.name for p in removed) == sorted(
        [f".r1.{dead_pid}.abc_12.tmp", f".view.md.{dead_pid}.x9.tmp", ".r3.oldnaming.tmp"]
    )
    assert sorted(p.name for p in folder.iterdir()) == sorted([live.name, fresh_unknown.name, "r0"])


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="Linux tells the umask")
def test_the_umask_is_read_never_set(tmp_path: Path, monkeypatch):
    """Setting it to learn it (and back) raced with threads creating files (issue 26 item 11)."""

    def set_umask(_mask: int) -> int:
        raise AssertionError("os.umask was called: another thread would get mode 0666")

    old = os.umask(0o027)
    try:
        monkeypatch.setattr(os, "umask", set_umask)
        target = tmp_path / "made.txt"
        writes.write_text(target, "x\n", tmp_path)
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
    finally:
        monkeypatch.undo()
        os.umask(old)
