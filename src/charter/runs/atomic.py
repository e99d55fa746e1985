"""Atomic file writes: a reader sees the old file or the whole new one, never half of one.

A stage that fails part-way must leave nothing downstream that looks finished,
so every output is written to a temporary file beside its target and moved
into place with `os.replace` only when complete.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path to write; it replaces `target` only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        temporary.replace(target)
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
