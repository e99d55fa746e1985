"""Atomic file writes: a reader sees the old file or the whole new one, never half of one.

The writer itself is `charter.writes` (one writer for every write of Charter,
with the symlink guard); this module keeps the names the runtime API and
earlier code import.
"""

from __future__ import annotations

from charter.writes import (
    WriteError,
    atomic_folder,
    atomic_path,
    describe,
    reason_of,
    shown,
    write_bytes,
    write_text,
)

__all__ = [
    "WriteError",
    "atomic_folder",
    "atomic_path",
    "describe",
    "reason_of",
    "shown",
    "write_bytes",
    "write_text",
]
