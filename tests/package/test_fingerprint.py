"""Fingerprints for run manifests: blake3 of files and directory trees, sha256 of files."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from blake3 import blake3

from charter.fingerprint import CHUNK, MMAP_FROM, fingerprint, sha256_file


def test_file_fingerprint_is_the_blake3_of_its_bytes(tmp_path: Path):
    content = bytes(range(256)) * (3 * CHUNK // 256 + 7)  # spans several chunks
    path = tmp_path / "data.bin"
    path.write_bytes(content)
    assert fingerprint(path) == f"blake3:{blake3(content).hexdigest()}"


def test_sha256_file_matches_hashlib(tmp_path: Path):
    path = tmp_path / "uv.lock"
    path.write_bytes(b"version = 1\n" * 100_000)
    assert sha256_file(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_empty_file(tmp_path: Path):
    path = tmp_path / "empty"
    path.write_bytes(b"")
    assert fingerprint(path) == f"blake3:{blake3(b'').hexdigest()}"


def tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    return root


def test_directory_fingerprint_is_stable_and_order_free(tmp_path: Path):
    first = tree(tmp_path / "a", {"x.csv": b"1", "sub/y.csv": b"2"})
    second = tree(tmp_path / "b", {"sub/y.csv": b"2", "x.csv": b"1"})
    assert fingerprint(first) == fingerprint(second)
    assert fingerprint(first).startswith("blake3:")


@pytest.mark.parametrize(
    "changed",
    [
        {"x.csv": b"1", "sub/y.csv": b"3"},  # content edited
        {"z.csv": b"1", "sub/y.csv": b"2"},  # file renamed
        {"x.csv": b"1", "sub/y.csv": b"2", "new.csv": b""},  # empty file added
        {"x.csv": b"1"},  # file removed
        {"x.csv1": b"", "sub/y.csv": b"2"},  # name and content boundary moved
    ],
)
def test_directory_fingerprint_changes_with_any_file(tmp_path: Path, changed):
    original = tree(tmp_path / "a", {"x.csv": b"1", "sub/y.csv": b"2"})
    assert fingerprint(tree(tmp_path / "b", changed)) != fingerprint(original)


def test_missing_path_raises_a_clear_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="no such file or directory to fingerprint"):
        fingerprint(tmp_path / "absent.parquet")


@pytest.mark.parametrize("size", [MMAP_FROM - 1, MMAP_FROM, 5 * MMAP_FROM + 3])
def test_memory_mapped_and_chunked_hashing_give_the_same_digest(tmp_path: Path, size: int):
    """Manifests recorded before large files were memory-mapped must still compare equal."""
    content = (bytes(range(251)) * (size // 251 + 1))[:size]
    path = tmp_path / "data.bin"
    path.write_bytes(content)
    assert fingerprint(path) == f"blake3:{blake3(content).hexdigest()}"
    assert fingerprint(tmp_path) == fingerprint(tree(tmp_path / "copy", {"data.bin": content}))


def test_large_files_are_hashed_on_worker_threads(tmp_path: Path):
    """blake3's multi-threaded path starts a worker pool; chunked one-thread hashing starts none.

    Measured in a fresh interpreter that imports nothing but the fingerprint module.
    """
    path = tmp_path / "large.bin"
    path.write_bytes(bytes(range(256)) * (16 * MMAP_FROM // 256))
    script = (
        "import os, sys\n"
        "from charter.fingerprint import fingerprint\n"
        "before = len(os.listdir('/proc/self/task'))\n"
        "fingerprint(sys.argv[1])\n"
        "print(before, len(os.listdir('/proc/self/task')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    before, after = map(int, result.stdout.split())
    assert after > before
