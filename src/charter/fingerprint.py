"""Content fingerprints for run manifests: `blake3:<hex>` for data, sha256 where tools expect it.

Large files are memory-mapped and hashed by blake3 on every core (its Rust
`update_mmap`, no copy into Python): the mapped pages are the page cache's, not
new memory. Small files, where threads and mapping cost more than they save,
are read in 1 MiB chunks. Both give the same digest. A directory's fingerprint
covers its sorted relative paths and their contents, so renaming, adding or
editing any file changes it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Protocol

from blake3 import blake3

CHUNK = 1 << 20
"""Read size for small files, and for sha256 (hashlib has no mmap path)."""
MMAP_FROM = CHUNK
"""Files of at least this many bytes are memory-mapped and hashed on all cores:
faster from 1 MiB up on 2 cores (0.15 ms against 0.41 ms; 64 MiB 10.5 ms
against 16.4 ms); smaller files are one read (bench/results/fingerprint_speed.md)."""
ALGORITHM = "blake3"


def fingerprint(path: str | Path) -> str:
    """`blake3:<hex>` of a file, or of a directory tree (paths and contents)."""
    path = Path(path)
    if path.is_dir():
        return f"{ALGORITHM}:{_tree_digest(path)}"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file or directory to fingerprint")
    return f"{ALGORITHM}:{_blake3_file(path).hexdigest()}"


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file (no prefix), for uv.lock and outputs other tools compare."""
    digest = hashlib.sha256()
    _update_from(digest, Path(path))
    return digest.hexdigest()


def _tree_digest(root: Path) -> str:
    """Each file as (relative POSIX path, length, content digest): unambiguous framing."""
    digest = blake3()
    files = [p for p in root.rglob("*") if p.is_file()]
    for file in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        name = file.relative_to(root).as_posix().encode("utf-8")
        content = _blake3_file(file)
        digest.update(len(name).to_bytes(8, "little") + name + content.digest())
    return digest.hexdigest()


def _blake3_file(path: Path) -> blake3:
    """blake3 of one file: memory-mapped on all cores when large, chunked reads when small."""
    if path.stat().st_size >= MMAP_FROM:
        digest = blake3(max_threads=blake3.AUTO)
        digest.update_mmap(path)
        return digest
    digest = blake3()
    _update_from(digest, path)
    return digest


class _Hasher(Protocol):
    def update(self, data: bytes, /) -> object: ...


def _update_from(digest: _Hasher, path: Path) -> None:
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
