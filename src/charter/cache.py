"""Remember slow, file-local answers between runs of `charter check`, keyed by content.

Schema validation (jsonschema) and the huggingface_hub card check cost more to
import than everything else `charter check` does. Their answers depend only on
the file's bytes, the schema's bytes and the library version, so they are
stored in `$XDG_CACHE_HOME/charter/` (or `~/.cache/charter/`) under a digest of
exactly those inputs. Parsed YAML (data plus positions) is kept the same way.
A changed file misses the cache and is checked for real; `CHARTER_NO_CACHE=1`
turns the cache off.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import json
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from charter import __version__, writes

T = TypeVar("T")

MAX_ENTRIES = 20_000
MAX_OBJECTS = 2_000
_entries: dict[str, Any] | None = None
_dirty = False


@functools.cache
def _salt() -> str:
    """charter's version plus when its parsing code last changed (editable installs)."""
    formats = Path(__file__).parent / "formats"
    newest = max((p.stat().st_mtime_ns for p in formats.glob("*.py")), default=0)
    return f"{__version__}:{newest}"


def digest(*parts: str | bytes) -> str:
    """A short digest of the inputs an answer depends on, and of charter's own code."""
    h = hashlib.blake2b(digest_size=16)
    for part in (_salt(), *parts):
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\x00")
    return h.hexdigest()


def enabled() -> bool:
    return os.environ.get("CHARTER_NO_CACHE", "") in ("", "0")


def cache_file() -> Path | None:
    """Where the cache lives; None when there is no home folder to keep it in."""
    env = os.environ
    return _cache_file(env.get("XDG_CACHE_HOME"), env.get("HOME"), env.get("USERPROFILE"))


@functools.lru_cache(maxsize=8)
def _cache_file(base: str | None, *_home: str | None) -> Path | None:
    """`cache_file` for these settings: asked once per file read, so worked out once."""
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):
            return None
    return Path(base) / "charter" / "check-cache.json"


def _base(cache_path: Path) -> Path:
    """The cache home above `charter/`: no link below it is followed when writing."""
    return cache_path.parent.parent


def remember(key: str, compute: Callable[[], Any]) -> Any:
    """The stored answer for `key`, or `compute()` (JSON-serialisable) stored for next time."""
    global _dirty  # noqa: PLW0603 - one cache per process
    if not enabled() or cache_file() is None:
        return compute()
    entries = _load()
    if key in entries:
        return entries[key]
    value = compute()
    entries[key] = value
    _dirty = True
    return value


def remember_object(key: str, compute: Callable[[], T]) -> T:
    """Like `remember`, for large Python objects (parsed documents): one pickle per key."""
    folder = cache_file()
    if not enabled() or folder is None:
        return compute()
    path = folder.parent / "objects" / f"{key}.pickle"
    try:
        with path.open("rb") as stream:
            return pickle.load(stream)  # the user's own cache folder
    except Exception:  # a missing or unreadable entry is a miss, whatever the reason
        pass
    value = compute()
    try:
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        writes.write_bytes(path, data, _base(folder), durable=False)
        _prune(path.parent)
    except OSError:
        pass
    return value


def _prune(folder: Path) -> None:
    """Keep the newest MAX_OBJECTS entries: every edit of a file adds one."""
    entries = sorted(os.scandir(folder), key=lambda e: e.stat().st_mtime)
    for entry in entries[: max(0, len(entries) - MAX_OBJECTS)]:
        with contextlib.suppress(OSError):
            Path(entry.path).unlink()


def _load() -> dict[str, Any]:
    global _entries  # noqa: PLW0603
    if _entries is None:
        try:
            loaded = json.loads(cache_file().read_text("utf-8"))  # type: ignore[union-attr]
            _entries = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            _entries = {}
        atexit.register(_save)
    return _entries


def _save() -> None:
    """Write the cache atomically; a cache that cannot be written is simply not kept."""
    if not _dirty or _entries is None:
        return
    entries = dict(list(_entries.items())[-MAX_ENTRIES:])
    path = cache_file()
    if path is None:
        return
    with contextlib.suppress(OSError):
        writes.write_text(path, json.dumps(entries), _base(path), durable=False)
