"""Atomic file writes: a reader sees the old file or the whole new one, never half of one.

A stage that fails part-way must leave nothing downstream that looks finished,
so every output is written to a temporary file beside its target and moved
into place with `os.replace` only when complete. A write that fails (a full
disk, a file-size limit, a read-only folder, a file where a folder should be)
raises `WriteError`, which names the target in one sentence, and leaves
neither the temporary file nor a changed target behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class WriteError(OSError):
    """A file or folder could not be written: `cannot write PATH: reason`."""

    def __init__(self, path: Path, reason: str, errno: int | None = None) -> None:
        super().__init__(errno or 0, reason, str(path))
        self.path = path
        self.reason = reason

    def __str__(self) -> str:
        return f"cannot write {shown(self.path)}: {self.reason}"


def reason_of(error: BaseException) -> str:
    """The plain reason of an OS error ("No space left on device"), without errno noise."""
    if isinstance(error, WriteError):
        return error.reason
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def describe(error: OSError) -> str:
    """One sentence for an OS error at a command's boundary: what could not be done, and why."""
    if isinstance(error, WriteError):
        return str(error)
    if error.filename is None:
        return reason_of(error)
    return f"cannot use {shown(Path(str(error.filename)))}: {reason_of(error)}"


def shown(path: Path) -> str:
    """`path` relative to the working folder when inside it (what a user typed), else as is."""
    try:
        return Path(os.path.relpath(path)).as_posix() if Path(path).is_absolute() else str(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _make_parent(target: Path) -> None:
    """Create the folders above `target`; a file in the way is named as such."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as error:
        blocker = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
        reason = f"{shown(blocker)} is a file, not a folder" if blocker else reason_of(error)
        raise WriteError(target, reason, error.errno) from None
    except OSError as error:
        raise WriteError(target, reason_of(error), error.errno) from None


def _plain_mode(default: int) -> int:
    """`default` less the process's umask: what `open()` or `mkdir()` gives a new file or folder.

    mkstemp and mkdtemp make private files and folders (0600, 0700); an output
    must come out as readable to the team as any other file the stage writes.
    """
    umask = os.umask(0)
    os.umask(umask)
    return default & ~umask


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path to write; it replaces `target` only if the block succeeds.

    Any OSError in the block, or while making the folder or moving the file,
    becomes a WriteError naming `target`.
    """
    target = Path(target)
    _make_parent(target)
    try:
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        os.close(handle)
    except OSError as error:
        raise WriteError(target, reason_of(error), error.errno) from None
    temporary = Path(name)
    try:
        temporary.chmod(_plain_mode(0o666))
        yield temporary
        temporary.replace(target)
    except WriteError:
        raise
    except OSError as error:
        raise WriteError(target, reason_of(error), error.errno) from None
    finally:
        temporary.unlink(missing_ok=True)


def write_bytes(target: Path, data: bytes) -> None:
    """Write `data` to `target` atomically, flushed to disk first."""
    with atomic_path(target) as temporary, temporary.open("wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


def write_text(target: Path, text: str) -> None:
    """Write UTF-8 `text` to `target` atomically."""
    write_bytes(target, text.encode("utf-8"))


@contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """Yield a temporary folder to fill; it becomes `target` only if the block succeeds.

    `target` must not exist (FileExistsError). On any failure the temporary
    folder is removed, so no half-filled `target` is ever seen.
    """
    target = Path(target)
    _make_parent(target)
    try:
        prefix = f".{target.name}."
        temporary = Path(tempfile.mkdtemp(dir=target.parent, prefix=prefix, suffix=".tmp"))
    except OSError as error:
        raise WriteError(target, reason_of(error), error.errno) from None
    try:
        temporary.chmod(_plain_mode(0o777))
        yield temporary
        if os.path.lexists(target):
            raise FileExistsError(f"{target} already exists")
        temporary.rename(target)
    except (WriteError, FileExistsError):
        raise
    except OSError as error:
        raise WriteError(target, reason_of(error), error.errno) from None
    finally:
        shutil.rmtree(temporary, ignore_errors=True)
