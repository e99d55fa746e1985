"""Content fingerprints for run manifests: `blake3:<hex>` for data, sha256 where tools expect it.

Files are hashed in fixed-size chunks, so memory stays flat however large the
data is. A directory's fingerprint covers its sorted relative paths and their
contents, so renaming, adding or editing any file changes it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Protocol

from blake3 import blake3

# 1 MiB reads, one thread: measured fastest on 2 cores (bench/results/validate_speed.md);
# blake3's own threads or mmap were slower there, and memory stays flat.
CHUNK = 1 << 20
ALGORITHM = "blake3"


def fingerprint(path: str | Path) -> str:
    """`blake3:<hex>` of a file, or of a directory tree (paths and contents)."""
    path = Path(path)
    if path.is_dir():
        return f"{ALGORITHM}:{_tree_digest(path)}"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file or directory to fingerprint")
    digest = blake3()
    _update_from(digest, path)
    return f"{ALGORITHM}:{digest.hexdigest()}"


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
        content = blake3()
        _update_from(content, file)
        digest.update(len(name).to_bytes(8, "little") + name + content.digest())
    return digest.hexdigest()


class _Hasher(Protocol):
    def update(self, data: bytes, /) -> object: ...


def _update_from(digest: _Hasher, path: Path) -> None:
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
