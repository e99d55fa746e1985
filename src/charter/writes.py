"""The one writer: every file and folder Charter writes goes through here.

Two promises hold for each write. It never leaves the project through a
symlink: given the project `root`, every component of the path below it is
checked with `lstat`, and a symlink (a dangling one included) or a file where
a folder should be refuses the write, so a committed link cannot make
`charter docs` drop a `.pth` into the virtualenv or replace a shell profile,
and a dangling link's target is never created. And it is atomic: the bytes go
to a temporary file beside the target, are flushed to disk, and replace the
target with `os.replace` only when complete; a full disk, a file-size limit
or a kill leaves the old file whole. A new file gets the permissions a plain
`open()` would give it (0666 less the umask), a replaced file keeps its own.

A refusal or failure raises `WriteError`, one sentence naming the path.
Temporary files and folders are named `.<name>.<pid>.<random>.tmp`, so the
next writer in the same folder can tell a leftover of a killed process from
the work of a live one and remove it (`clean_stale`).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
import threading
import time
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


class SymlinkWriteError(WriteError):
    """The path to write passes through a symlink (or leaves the project)."""


# Leftovers older than this are removed even when their process cannot be told.
STALE_AFTER = 3600.0
_TEMPORARY = re.compile(r"^\.(?P<name>.+?)\.(?:(?P<pid>\d+)\.)?[A-Za-z0-9_]+\.tmp$")


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


def guard(target: Path, root: Path | None) -> None:
    """Refuse `target` if any existing component below `root` is a symlink or not a folder.

    Without a `root` (a path the user named on the command line, a runtime
    output) nothing is checked: the user chose where it goes.
    """
    if root is None:
        return
    target = Path(_absolute(target))
    base = Path(_absolute(root))
    try:
        parts = target.relative_to(base).parts
    except ValueError:
        raise SymlinkWriteError(target, f"it is outside the project folder {shown(base)}") from None
    current = base
    for index, part in enumerate(parts):
        current = current / part
        try:
            info = current.lstat()
        except FileNotFoundError:
            return  # the rest is created by the writer, folder by folder
        except OSError as error:
            raise WriteError(target, reason_of(error), error.errno) from None
        if stat.S_ISLNK(info.st_mode):
            raise SymlinkWriteError(target, _link_reason(current, target))
        last = index == len(parts) - 1
        if not last and not stat.S_ISDIR(info.st_mode):
            raise WriteError(target, f"{shown(current)} is a file, not a folder")


def _absolute(path: Path) -> str:
    """`path` made absolute with `..` folded lexically (never resolving a link)."""
    return os.path.abspath(path)  # noqa: PTH100 - Path.resolve would follow the links


def _link_reason(link: Path, target: Path) -> str:
    try:
        to = f" (to {link.readlink()})"
    except OSError:
        to = ""
    what = "it is a symlink" if link == target else f"{shown(link)} is a symlink"
    return f"{what}{to}, and Charter never writes through a symlink"


def make_folder(folder: Path, root: Path | None = None, *, named: Path | None = None) -> None:
    """Create `folder` and the folders above it, one at a time, refusing symlinks under `root`.

    Errors name `named` (the file about to be written) when given, else `folder`.
    """
    folder = Path(folder)
    named = Path(named) if named is not None else folder
    guard(folder, root)
    if root is None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as error:
            blocker = next((p for p in folder.parents if p.exists() and not p.is_dir()), folder)
            reason = f"{shown(blocker)} is a file, not a folder"
            raise WriteError(named, reason, error.errno) from None
        except OSError as error:
            raise WriteError(named, reason_of(error), error.errno) from None
        return
    current = Path(_absolute(root))
    try:  # the root itself (a cache home not made yet) is the caller's choice, links and all
        current.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise WriteError(named, reason_of(error), error.errno) from None
    for part in Path(_absolute(folder)).relative_to(current).parts:
        current = current / part
        try:
            current.mkdir()
        except FileExistsError:
            guard(current, root)  # a link or a file appeared in between
            if not current.is_dir():
                reason = f"{shown(current)} is a file, not a folder"
                raise WriteError(named, reason) from None
        except OSError as error:
            raise WriteError(named, reason_of(error), error.errno) from None


def _plain_mode(default: int) -> int:
    """`default` less the process's umask: what `open()` or `mkdir()` gives a new file or folder.

    mkstemp and mkdtemp make private files and folders (0600, 0700); an output
    must come out as readable to the team as any other file Charter writes.
    """
    return default & ~_umask()


_UMASK_LOCK = threading.Lock()


def _umask() -> int:
    """The process's umask, read without changing it where the system tells (Linux).

    Elsewhere it is learnt by setting and restoring it, under a lock so that two
    of Charter's threads never restore each other's zero; a thread creating a
    file in that moment would still get 0666, which is why Linux reads it.
    """
    try:
        status = Path("/proc/self/status").read_text("ascii")
    except OSError:
        status = ""
    for line in status.splitlines():
        if line.startswith("Umask:"):
            return int(line.split()[1], 8)
    with _UMASK_LOCK:
        umask = os.umask(0)
        os.umask(umask)
    return umask


def _mode_for(target: Path) -> int:
    """The mode a plain `open(target, "w")` leaves: the old file's own, else 0666 less umask."""
    try:
        info = target.lstat()
    except OSError:
        return _plain_mode(0o666)
    return stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else _plain_mode(0o666)


def _temporary_prefix(target: Path) -> str:
    return f".{target.name}.{os.getpid()}."


@contextmanager
def atomic_path(
    target: Path, root: Path | None = None, *, exclusive: bool = False
) -> Iterator[Path]:
    """Yield a temporary path to write; it replaces `target` only if the block succeeds.

    With `exclusive`, an existing `target` (of any kind) is never replaced:
    FileExistsError is raised and the temporary file removed. Any OSError in
    the block, or while making the folder or moving the file, becomes a
    WriteError naming `target`.
    """
    target = Path(target)
    guard(target, root)
    make_folder(target.parent, root, named=target)
    try:
        handle, name = tempfile.mkstemp(
            dir=target.parent, prefix=_temporary_prefix(target), suffix=".tmp"
        )
        os.close(handle)
    except OSError as error:
        raise WriteError(target, reason_of(error), error.errno) from None
    temporary = Path(name)
    try:
        temporary.chmod(_mode_for(target))
        yield temporary
        guard(target, root)  # again: a link may have appeared while the data was written
        if exclusive:
            _link_new(temporary, target)
        else:
            temporary.replace(target)
        _sync_folder(target.parent)
    except (WriteError, FileExistsError):
        raise
    except OSError as error:
        raise WriteError(target, reason_of(error), error.errno) from None
    finally:
        temporary.unlink(missing_ok=True)


def _link_new(temporary: Path, target: Path) -> None:
    """Put `temporary` at `target` only if nothing is there (a hard link cannot overwrite)."""
    try:
        os.link(temporary, target, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if os.path.lexists(target):
            raise FileExistsError(f"{target} already exists") from None
        temporary.replace(target)


def _sync_folder(folder: Path) -> None:
    """Flush the rename to disk where the platform allows it (best effort)."""
    with contextlib.suppress(OSError, AttributeError):
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def write_bytes(
    target: Path,
    data: bytes,
    root: Path | None = None,
    *,
    exclusive: bool = False,
    durable: bool = True,
) -> None:
    """Write `data` to `target` atomically, flushed to disk first (unless not `durable`).

    A cache entry is not `durable`: losing it to a crash costs a recomputation,
    and an fsync per entry would cost more than the cache saves.
    """
    with (
        atomic_path(target, root, exclusive=exclusive) as temporary,
        temporary.open("wb") as stream,
    ):
        stream.write(data)
        stream.flush()
        if durable:
            os.fsync(stream.fileno())


def write_text(
    target: Path,
    text: str,
    root: Path | None = None,
    *,
    exclusive: bool = False,
    durable: bool = True,
) -> None:
    """Write UTF-8 `text` to `target` atomically (newlines as given, never translated)."""
    write_bytes(target, text.encode("utf-8"), root, exclusive=exclusive, durable=durable)


def copy_file(source: Path, target: Path, root: Path | None = None) -> None:
    """Copy `source`'s bytes and permission bits to `target` atomically."""
    source = Path(source)
    try:
        reader = source.open("rb")
        mode = stat.S_IMODE(os.fstat(reader.fileno()).st_mode)
    except OSError as error:
        raise WriteError(target, f"cannot read {shown(source)}: {reason_of(error)}") from None
    with reader, atomic_path(target, root) as temporary:
        with temporary.open("wb") as stream:
            shutil.copyfileobj(reader, stream, 1 << 20)  # streamed: data files can be large
            stream.flush()
            os.fsync(stream.fileno())
        temporary.chmod(mode)


@contextmanager
def atomic_folder(target: Path, root: Path | None = None) -> Iterator[Path]:
    """Yield a temporary folder to fill; it becomes `target` only if the block succeeds.

    `target` must not exist (FileExistsError). On any failure the temporary
    folder is removed, so no half-filled `target` is ever seen; leftovers of a
    killed writer in the same folder are removed first (`clean_stale`).
    """
    target = Path(target)
    guard(target, root)
    make_folder(target.parent, root, named=target)
    clean_stale(target.parent)
    try:
        temporary = Path(
            tempfile.mkdtemp(dir=target.parent, prefix=_temporary_prefix(target), suffix=".tmp")
        )
    except OSError as error:
        raise WriteError(target, reason_of(error), error.errno) from None
    try:
        temporary.chmod(_plain_mode(0o777))
        yield temporary
        guard(target, root)
        if os.path.lexists(target):
            raise FileExistsError(f"{target} already exists")
        temporary.rename(target)
        _sync_folder(target.parent)
    except (WriteError, FileExistsError):
        raise
    except OSError as error:
        raise WriteError(target, reason_of(error), error.errno) from None
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def clean_stale(folder: Path) -> list[Path]:
    """Remove the temporary files and folders a killed writer left in `folder`; return them.

    A leftover is Charter's own (`.<name>.<pid>.<random>.tmp`) and its process
    is gone, or (no pid in the name, or the pid reused) it is over an hour old.
    A live writer's temporary is left alone. Never follows a symlink.
    """
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _TEMPORARY.match(entry.name)
        if not match:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        pid = match.group("pid")
        old = now - info.st_mtime > STALE_AFTER
        if not old and (pid is None or _alive(int(pid))):
            continue
        path = Path(entry.path)
        with contextlib.suppress(OSError):
            if stat.S_ISDIR(info.st_mode):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    return removed


def _alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (ours counts as alive)."""
    if pid == os.getpid() or os.name == "nt":  # on Windows os.kill would end the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def make_private_folder(folder: Path) -> None:
    """Create `folder` readable by its owner only (0700), or make it so when it exists.

    The folders above it get the usual permissions. A folder another user owns
    is left as it is: its owner decides who may read it.
    """
    folder = Path(folder)
    make_folder(folder.parent)
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError as error:
        raise WriteError(folder, reason_of(error), error.errno) from None
    try:
        info = folder.lstat()
        if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
            raise WriteError(folder, "it is not a folder (a symlink or a file is there)")
        if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
            folder.chmod(stat.S_IMODE(info.st_mode) & 0o700)
    except WriteError:
        raise
    except OSError as error:
        raise WriteError(folder, reason_of(error), error.errno) from None
